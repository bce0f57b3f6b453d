package org.cxrtriage.dicom.qc;

import org.cxrtriage.dicom.image.InstanceMetadata;

import java.util.List;

/**
 * Whether a study can be scored, which instances to score, and the reasons when it cannot. A study
 * that is not scorable still goes to the worklist, showing these reasons.
 *
 * @param frontal the frontal instances chosen for scoring, best first (PA before AP)
 * @param reasons empty when scorable; otherwise short, human-readable reasons
 */
public record QcVerdict(List<InstanceMetadata> frontal, List<String> reasons) {

    public boolean scorable() {
        return reasons.isEmpty() && !frontal.isEmpty();
    }

    /** The reasons as one line, for "not scored: ..." on the worklist. */
    public String summary() {
        return String.join("; ", reasons);
    }
}
