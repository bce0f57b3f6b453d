package org.cxrtriage.compliance.chain;

import java.util.Optional;

/**
 * Walks records in sequence order and finds the first that breaks the chain: a record whose hash
 * does not match its content (modified), whose previous hash is not the hash of the record before
 * it (deleted, inserted or reordered), or whose sequence number does not follow on. The last
 * hash is compared with the independently kept head to catch a truncated tail.
 */
public final class ChainVerifier {

    /** The outcome: how many records were checked and the first broken one, if any. */
    public record Verdict(long checked, Optional<Long> firstBrokenSequence, String problem, String lastHash) {
        public boolean intact() {
            return firstBrokenSequence.isEmpty() && problem.isEmpty();
        }
    }

    private long expectedSequence = 1;
    private String previousHash = AuditRecord.GENESIS;
    private long checked;
    private Long broken;
    private String problem = "";

    /** Feeds the next record in ascending sequence order. */
    public void accept(AuditRecord record) {
        if (broken != null) {
            return;
        }
        checked++;
        if (record.sequence() != expectedSequence) {
            fail(Math.min(record.sequence(), expectedSequence), "sequence " + expectedSequence + " expected, found "
                    + record.sequence() + " (a record was deleted, inserted or reordered)");
        } else if (!record.previousHash().equals(previousHash)) {
            fail(record.sequence(), "previous hash does not match the record before it (deleted, inserted or reordered)");
        } else if (!record.intact()) {
            fail(record.sequence(), "content does not match its hash (the record was modified)");
        }
        expectedSequence = record.sequence() + 1;
        previousHash = record.hash();
    }

    /**
     * The verdict. {@code head} is the last (sequence, hash) written to the separate head file, if
     * any: a chain that ends before it has lost its tail.
     */
    public Verdict verdict(Optional<ChainHead> head) {
        if (broken == null && head.isPresent()) {
            ChainHead h = head.get();
            if (h.sequence() > expectedSequence - 1) {
                fail(expectedSequence, "the chain ends at " + (expectedSequence - 1) + " but the head file recorded "
                        + h.sequence() + " (records were removed from the end)");
            } else if (h.sequence() > 0 && h.sequence() == expectedSequence - 1 && !h.hash().equals(previousHash)) {
                fail(h.sequence(), "the last record's hash differs from the head file");
            }
        }
        return new Verdict(checked, Optional.ofNullable(broken), problem, previousHash);
    }

    private void fail(long sequence, String why) {
        broken = sequence;
        problem = why;
    }
}
