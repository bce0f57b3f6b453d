package org.cxrtriage.app.triage;

/** Another node took over the job (this worker's lease ran out); nothing this worker did was stored. */
public final class LeaseLostException extends Exception {

    LeaseLostException(TriageJob job) {
        super("job " + job.id() + " for study " + job.studyInstanceUid() + " is no longer leased to this worker");
    }
}
