package org.cxrtriage.dicom.scp;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps what the listener reports, so a test can assert that a refusal was reported and why. */
final class RecordingEvents implements AssociationEvents {

    final List<String> rejections = new CopyOnWriteArrayList<>();
    final List<AssociationSummary> closed = new CopyOnWriteArrayList<>();

    @Override
    public void rejected(String callingAeTitle, String calledAeTitle, String remoteAddress, String reason) {
        rejections.add(reason);
    }

    @Override
    public void closed(AssociationSummary summary) {
        closed.add(summary);
    }

    /** Waits up to two seconds for a rejection or an association end whose reason contains {@code text}. */
    String awaitReasonContaining(String text) throws InterruptedException {
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (System.nanoTime() < deadline) {
            for (String reason : rejections) {
                if (reason.contains(text)) {
                    return reason;
                }
            }
            for (AssociationSummary summary : closed) {
                if (summary.endedBy().contains(text)) {
                    return summary.endedBy();
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no reported refusal mentions '" + text + "'; rejections " + rejections
                + ", ends " + closed.stream().map(AssociationSummary::endedBy).toList());
    }
}
