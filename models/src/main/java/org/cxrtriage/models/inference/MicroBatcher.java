package org.cxrtriage.models.inference;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Combines concurrent single-image requests into batches: the first request waits at most
 * {@code maxWait} for others, up to {@code maxBatch}, then one forward pass serves them all. One
 * worker thread owns the model. Closing stops new requests and finishes the queued ones.
 */
public final class MicroBatcher<O> implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MicroBatcher.class);

    private record Request<O>(float[] input, CompletableFuture<O> result) {
    }

    private final Function<float[][], O[]> runner;
    private final int maxBatch;
    private final long maxWaitNanos;
    private final BlockingQueue<Request<O>> queue = new LinkedBlockingQueue<>();
    private final Thread worker;
    private volatile boolean closed;

    /** @param runner one forward pass: the outputs for a batch of inputs, in input order */
    public MicroBatcher(String name, Function<float[][], O[]> runner, int maxBatch, Duration maxWait) {
        this.runner = runner;
        this.maxBatch = maxBatch;
        this.maxWaitNanos = maxWait.toNanos();
        this.worker = new Thread(this::work, "inference-" + name);
        this.worker.setDaemon(true);
        this.worker.start();
    }

    /** Queues one preprocessed image; the future completes with its raw outputs. */
    public CompletableFuture<O> submit(float[] input) {
        if (closed) {
            throw new RejectedExecutionException("model is being unloaded");
        }
        CompletableFuture<O> result = new CompletableFuture<>();
        queue.add(new Request<>(input, result));
        return result;
    }

    private void work() {
        List<Request<O>> batch = new ArrayList<>(maxBatch);
        while (!closed || !queue.isEmpty()) {
            try {
                Request<O> first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                long deadline = System.nanoTime() + maxWaitNanos;
                while (batch.size() < maxBatch) {
                    long left = deadline - System.nanoTime();
                    Request<O> next = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : queue.poll();
                    if (next == null) {
                        break;
                    }
                    batch.add(next);
                }
                run(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } finally {
                batch.clear();
            }
        }
        for (Request<O> orphan : queue) {
            orphan.result().completeExceptionally(new RejectedExecutionException("model unloaded"));
        }
    }

    private void run(List<Request<O>> batch) {
        float[][] inputs = new float[batch.size()][];
        for (int i = 0; i < inputs.length; i++) {
            inputs[i] = batch.get(i).input();
        }
        try {
            O[] outputs = runner.apply(inputs);
            for (int i = 0; i < outputs.length; i++) {
                batch.get(i).result().complete(outputs[i]);
            }
        } catch (RuntimeException e) {
            log.error("inference batch of {} failed: {}", batch.size(), e.getMessage());
            batch.forEach(request -> request.result().completeExceptionally(e));
        }
    }

    /** Stops accepting requests and returns once the queued ones are served. */
    @Override
    public void close() {
        closed = true;
        try {
            worker.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
