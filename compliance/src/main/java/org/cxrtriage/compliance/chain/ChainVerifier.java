package org.cxrtriage.compliance.chain;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Walks records in sequence order and finds where they break the chain: a record whose hash does
 * not match its content (modified), whose previous hash is not the hash of the record before it
 * (deleted, inserted or reordered), or whose sequence number does not follow on. The last hash is
 * compared with the independently kept head to catch a truncated tail.
 *
 * <p>By default the walk stops at the first break. {@link #keepingGoing()} instead picks the chain up
 * again after each break (from the record that broke it) and lists every broken range, so one
 * damaged record does not hide tampering further on.
 */
public final class ChainVerifier {

    /** Records {@code from..to} (inclusive) break the chain, for the reason given. */
    public record BrokenRange(long from, long to, String problem) {
    }

    /** The outcome: how many records were checked, the first broken one and every broken range found. */
    public record Verdict(long checked, Optional<Long> firstBrokenSequence, String problem, String lastHash,
                          List<BrokenRange> brokenRanges) {
        public boolean intact() {
            return firstBrokenSequence.isEmpty() && problem.isEmpty();
        }
    }

    private final boolean keepGoing;
    private final List<BrokenRange> ranges = new ArrayList<>();
    private long expectedSequence = 1;
    private String previousHash = AuditRecord.GENESIS;
    private long checked;
    private boolean stopped;

    /** Stops at the first break. */
    public ChainVerifier() {
        this(false);
    }

    private ChainVerifier(boolean keepGoing) {
        this.keepGoing = keepGoing;
    }

    /** Lists every broken range instead of stopping at the first. */
    public static ChainVerifier keepingGoing() {
        return new ChainVerifier(true);
    }

    /** Feeds the next record in ascending sequence order. */
    public void accept(AuditRecord record) {
        if (stopped) {
            return;
        }
        checked++;
        if (record.sequence() != expectedSequence) {
            long from = Math.min(record.sequence(), expectedSequence);
            long to = Math.max(record.sequence(), expectedSequence) - 1;
            fail(from, record.sequence() > expectedSequence ? to : from, "sequence " + expectedSequence
                    + " expected, found " + record.sequence() + " (a record was deleted, inserted or reordered)");
        } else if (!record.previousHash().equals(previousHash)) {
            fail(record.sequence(), record.sequence(),
                    "previous hash does not match the record before it (deleted, inserted or reordered)");
        } else if (!record.intact()) {
            fail(record.sequence(), record.sequence(), "content does not match its hash (the record was modified)");
        }
        expectedSequence = record.sequence() + 1;
        previousHash = record.hash();
    }

    /**
     * The verdict. {@code head} is the last (sequence, hash) written to the separate head file, if
     * any: a chain that ends before it has lost its tail.
     */
    public Verdict verdict(Optional<ChainHead> head) {
        if ((!stopped || keepGoing) && head.isPresent()) {
            ChainHead h = head.get();
            if (h.sequence() > expectedSequence - 1) {
                fail(expectedSequence, h.sequence(), "the chain ends at " + (expectedSequence - 1)
                        + " but the head file recorded " + h.sequence() + " (records were removed from the end)");
            } else if (h.sequence() > 0 && h.sequence() == expectedSequence - 1 && !h.hash().equals(previousHash)) {
                fail(h.sequence(), h.sequence(), "the last record's hash differs from the head file");
            }
        }
        BrokenRange first = ranges.isEmpty() ? null : ranges.get(0);
        return new Verdict(checked, Optional.ofNullable(first).map(BrokenRange::from),
                first == null ? "" : first.problem(), previousHash, List.copyOf(ranges));
    }

    private void fail(long from, long to, String why) {
        BrokenRange last = ranges.isEmpty() ? null : ranges.get(ranges.size() - 1);
        if (last != null && last.to() + 1 == from && last.problem().equals(why)) {
            ranges.set(ranges.size() - 1, new BrokenRange(last.from(), to, why));
        } else {
            ranges.add(new BrokenRange(from, to, why));
        }
        stopped = !keepGoing;
    }
}
