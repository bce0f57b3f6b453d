package org.cxrtriage.models.reliability;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Signal (b), header: values never seen in the reference. One signal per header fact with value
 * 1 (unseen) or 0; an empty value (not in the header) is never "unseen". Only modality and body
 * part are decisive; see {@link VerdictFacts} for why.
 */
final class HeaderCheck {

    private HeaderCheck() {
    }

    static List<Signal> signals(ReferenceProfile profile, HeaderFacts header) {
        List<Signal> signals = new ArrayList<>();
        for (Map.Entry<String, String> fact : header.categorical().entrySet()) {
            String key = fact.getKey();
            boolean decisive = VerdictFacts.DECISIVE_HEADERS.contains(key);
            if (!decisive && !VerdictFacts.ADVISORY_HEADERS.contains(key)) {
                continue;
            }
            Map<String, Long> seen = profile.categoricalReference().getOrDefault(key, Map.of());
            boolean unseen = !fact.getValue().isEmpty() && !seen.containsKey(fact.getValue());
            String detail = unseen ? "'" + fact.getValue() + "' not in the reference (seen: " + String.join(", ", seen.keySet())
                    + ")" + (decisive ? "" : "; advisory, never decisive alone") : "";
            signals.add(new Signal(key, unseen ? 1 : 0, 1, decisive && unseen, !decisive, detail));
        }
        return signals;
    }
}
