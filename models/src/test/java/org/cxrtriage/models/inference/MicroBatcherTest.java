package org.cxrtriage.models.inference;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MicroBatcherTest {

    private final List<Integer> batchSizes = new CopyOnWriteArrayList<>();

    /** Doubles every value; records how many inputs each call received. */
    private float[][] doubler(float[][] batch) {
        batchSizes.add(batch.length);
        float[][] out = new float[batch.length][];
        for (int i = 0; i < batch.length; i++) {
            out[i] = new float[] {batch[i][0] * 2};
        }
        return out;
    }

    @Test
    void concurrentRequestsShareForwardPassesAndEachGetsItsOwnAnswer() throws Exception {
        try (MicroBatcher<float[]> batcher = new MicroBatcher<>("test", this::doubler, 8, Duration.ofMillis(200))) {
            List<CompletableFuture<float[]>> results = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                results.add(batcher.submit(new float[] {i}));
            }
            for (int i = 0; i < 20; i++) {
                assertArrayEquals(new float[] {2f * i}, results.get(i).get());
            }
        }
        assertEquals(20, batchSizes.stream().mapToInt(Integer::intValue).sum());
        assertTrue(batchSizes.stream().allMatch(size -> size <= 8), batchSizes.toString());
        assertTrue(batchSizes.size() <= 5, "20 queued requests need few passes: " + batchSizes);
    }

    @Test
    void closingFinishesQueuedWorkThenRefusesNewWork() throws Exception {
        MicroBatcher<float[]> batcher = new MicroBatcher<>("test", batch -> {
            sleep(50);
            return doubler(batch);
        }, 2, Duration.ZERO);
        List<CompletableFuture<float[]>> queued = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            queued.add(batcher.submit(new float[] {i}));
        }

        batcher.close();

        for (int i = 0; i < 6; i++) {
            assertArrayEquals(new float[] {2f * i}, queued.get(i).getNow(null), "request " + i + " finished before close returned");
        }
        assertThrows(RejectedExecutionException.class, () -> batcher.submit(new float[] {1}));
    }

    @Test
    void aFailingBatchFailsItsRequestsOnly() throws Exception {
        try (MicroBatcher<float[]> batcher = new MicroBatcher<>("test", batch -> {
            if (batch[0][0] < 0) {
                throw new IllegalStateException("bad input");
            }
            return doubler(batch);
        }, 1, Duration.ZERO)) {
            CompletableFuture<float[]> bad = batcher.submit(new float[] {-1});
            CompletableFuture<float[]> good = batcher.submit(new float[] {3});
            assertThrows(Exception.class, bad::join);
            assertArrayEquals(new float[] {6}, good.get());
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
