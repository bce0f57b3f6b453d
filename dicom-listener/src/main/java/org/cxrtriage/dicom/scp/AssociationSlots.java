package org.cxrtriage.dicom.scp;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Counts connections against the association limits from the moment they are accepted: at most
 * {@code total} at once, and at most {@code perAddress} from one calling IP address, so one host
 * (a scanner, a stuck sender, an attacker) cannot take every slot from the modalities.
 *
 * <p>Invariant: every {@link Slot} handed out is released exactly once, however often
 * {@link Slot#release()} is called.
 */
final class AssociationSlots {

    private final int total;
    private final int perAddress;
    private final Map<InetAddress, Integer> byAddress = new HashMap<>();
    private int inUse;

    AssociationSlots(int total, int perAddress) {
        this.total = total;
        this.perAddress = perAddress;
    }

    /** One slot held by an accepted connection. */
    final class Slot {
        private final InetAddress address;
        private final AtomicBoolean released = new AtomicBoolean();

        private Slot(InetAddress address) {
            this.address = address;
        }

        void release() {
            if (released.compareAndSet(false, true)) {
                free(address);
            }
        }
    }

    /** A slot, or why there is none (words for the log and the audit trail). */
    record Grant(Slot slot, String refusal) {
    }

    synchronized Grant tryAcquire(InetAddress address) {
        if (inUse >= total) {
            return new Grant(null, "more than " + total + " associations at once");
        }
        int fromAddress = byAddress.getOrDefault(address, 0);
        if (fromAddress >= perAddress) {
            return new Grant(null, "more than " + perAddress + " associations at once from " + address.getHostAddress());
        }
        byAddress.put(address, fromAddress + 1);
        inUse++;
        return new Grant(new Slot(address), null);
    }

    synchronized int inUse() {
        return inUse;
    }

    private synchronized void free(InetAddress address) {
        inUse--;
        byAddress.computeIfPresent(address, (key, count) -> count <= 1 ? null : count - 1);
    }
}
