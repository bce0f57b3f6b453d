package org.cxrtriage.models.inference;

/**
 * Where a model actually runs, and why, for logs and /health.
 *
 * @param requested what the configuration asked for
 * @param actual    CPU or CUDA
 * @param note      e.g. the reason CUDA was not used; empty when the request was met
 */
public record ExecutionDevice(Device requested, Device actual, String note) {

    public boolean fellBack() {
        return requested == Device.CUDA && actual == Device.CPU;
    }
}
