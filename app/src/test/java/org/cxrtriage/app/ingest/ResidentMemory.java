package org.cxrtriage.app.ingest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Resident memory of this JVM from /proc/self/status, in MiB: VmRSS now and VmHWM (the peak so
 * far), and a sampler that keeps the highest VmRSS seen while it runs.
 */
final class ResidentMemory implements AutoCloseable {

    private final Thread sampler;
    private volatile long highestRssMib;
    private volatile boolean running = true;

    private ResidentMemory() {
        highestRssMib = rssMib();
        sampler = new Thread(() -> {
            while (running) {
                highestRssMib = Math.max(highestRssMib, rssMib());
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "rss-sampler");
        sampler.setDaemon(true);
        sampler.start();
    }

    /** Starts sampling VmRSS every 100 ms. */
    static ResidentMemory sample() {
        return new ResidentMemory();
    }

    long highestRssMib() {
        return highestRssMib;
    }

    static long rssMib() {
        return field("VmRSS:");
    }

    static long peakMib() {
        return field("VmHWM:");
    }

    private static long field(String name) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(name)) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/self/status (Linux only)", e);
        }
        throw new IllegalStateException(name + " missing from /proc/self/status");
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        sampler.join(1000);
    }
}
