package org.cxrtriage.app.web;

import org.cxrtriage.compliance.AuditAction;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import org.cxrtriage.app.audit.AuditTrail;
import org.cxrtriage.app.security.AccessFilter;
import org.cxrtriage.app.security.Principal;
import org.cxrtriage.compliance.chain.AuditRecord;

import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The compliance timeline of one study for the study view: every audit record about it, each
 * checked against its own hash, and the state of the last full check of the chain. Reading it is
 * audited too.
 */
@Controller("/api/studies")
@ExecuteOn(TaskExecutors.BLOCKING)
public final class ComplianceController {

    /** One line of the timeline. */
    public record Line(long sequence, String time, String actorType, String actor, String action, String outcome,
                       String source, String details, List<String> resources, boolean hashValid) {
    }

    private final AuditTrail audit;

    public ComplianceController(AuditTrail audit) {
        this.audit = audit;
    }

    @Get("/{uid}/audit")
    public Map<String, Object> timeline(@PathVariable String uid, HttpRequest<?> request) throws SQLException {
        List<AuditRecord> records = audit.log().study(uid);
        String officer = AccessFilter.principal(request).map(Principal::name).orElse("unknown");
        audit.user(officer, AuditAction.AUDIT_READ, uid, List.of("ImagingStudy/" + uid), true, AccessFilter.source(request),
                "compliance timeline, " + records.size() + " record(s)");
        List<Line> lines = records.stream().map(record -> new Line(record.sequence(), record.entry().time().toString(),
                record.entry().actorType(), record.entry().actor(), record.entry().action(), record.entry().outcome(),
                record.entry().source(), record.entry().details(), record.entry().resources(), record.intact())).toList();
        Map<String, Object> chain = new HashMap<>();
        audit.lastVerification().ifPresent(check -> {
            chain.put("checkedAt", check.checkedAt().toString());
            chain.put("intact", check.verdict().intact());
            chain.put("records", check.verdict().checked());
            check.verdict().firstBrokenSequence().ifPresent(sequence -> chain.put("firstBrokenSequence", sequence));
        });
        boolean intact = lines.stream().allMatch(Line::hashValid)
                && audit.lastVerification().map(check -> check.verdict().intact()).orElse(true);
        return Map.of("study", uid, "records", lines, "chainIntact", intact, "lastChainCheck", chain);
    }
}
