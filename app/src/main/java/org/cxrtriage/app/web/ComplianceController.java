package org.cxrtriage.app.web;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import org.cxrtriage.app.audit.AuditTrail;
import org.cxrtriage.app.audit.References;
import org.cxrtriage.app.security.AccessFilter;
import org.cxrtriage.compliance.AuditAction;
import org.cxrtriage.compliance.chain.AuditRecord;
import org.cxrtriage.compliance.export.CsvRecords;

import java.io.IOException;
import java.io.StringWriter;
import java.sql.SQLException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static org.cxrtriage.app.web.WorklistController.user;

/**
 * The compliance timeline of one study: every audit record about it, each checked against its own
 * hash, and the state of the last full check of the chain; filtered by action, user and time
 * ({@code action}, {@code actor}: exact codes and names; {@code from} inclusive, {@code to}
 * exclusive: ISO-8601 instants). The same filters give the CSV export of exactly what is shown.
 * Reading is audited ({@code audit.read}), exporting too ({@code audit.export}).
 */
@Controller("/api/studies")
@ExecuteOn(TaskExecutors.BLOCKING)
public final class ComplianceController {

    /** One line of the timeline. */
    public record Line(long sequence, String time, String actorType, String actor, String action, String outcome,
                       String source, String details, List<String> resources, boolean hashValid) {
    }

    /** Which records to show; null fields match anything. */
    private record Filter(String action, String actor, Instant from, Instant to) {
        static Filter of(String action, String actor, String from, String to) {
            return new Filter(blank(action), blank(actor), instant(from), instant(to));
        }

        boolean matches(AuditRecord record) {
            var e = record.entry();
            return (action == null || action.equals(e.action())) && (actor == null || actor.equals(e.actor()))
                    && (from == null || !e.time().isBefore(from)) && (to == null || e.time().isBefore(to));
        }

        String describe() {
            return "action=" + (action == null ? "any" : action) + ", user=" + (actor == null ? "any" : actor)
                    + ", from=" + (from == null ? "start" : from) + ", to=" + (to == null ? "now" : to);
        }

        private static String blank(String value) {
            return value == null || value.isBlank() ? null : value;
        }

        private static Instant instant(String value) {
            return blank(value) == null ? null : Instant.parse(value);
        }
    }

    private final AuditTrail audit;

    public ComplianceController(AuditTrail audit) {
        this.audit = audit;
    }

    @Get("/{uid}/audit")
    public HttpResponse<Map<String, Object>> timeline(@PathVariable String uid, @Nullable @QueryValue String action,
                                                      @Nullable @QueryValue String actor, @Nullable @QueryValue String from,
                                                      @Nullable @QueryValue String to, HttpRequest<?> request)
            throws SQLException {
        Filter filter;
        try {
            filter = Filter.of(action, actor, from, to);
        } catch (DateTimeParseException e) {
            return HttpResponse.<Map<String, Object>>status(HttpStatus.BAD_REQUEST)
                    .body(Map.of("error", "from and to are ISO-8601 instants such as 2026-11-23T08:00:00Z"));
        }
        List<AuditRecord> all = audit.log().study(uid);
        List<AuditRecord> shown = all.stream().filter(filter::matches).toList();
        audit.user(user(request), AuditAction.AUDIT_READ, uid, List.of(References.imagingStudy(uid)), true,
                AccessFilter.source(request), "compliance timeline, " + shown.size() + " of " + all.size() + " record(s); "
                        + filter.describe());
        List<Line> lines = shown.stream().map(record -> new Line(record.sequence(), record.entry().time().toString(),
                record.entry().actorType(), record.entry().actor(), record.entry().action(), record.entry().outcome(),
                record.entry().source(), record.entry().details(), record.entry().resources(), record.intact())).toList();
        Map<String, Object> chain = new HashMap<>();
        audit.lastVerification().ifPresent(check -> {
            chain.put("checkedAt", check.checkedAt().toString());
            chain.put("intact", check.verdict().intact());
            chain.put("records", check.verdict().checked());
            check.verdict().firstBrokenSequence().ifPresent(sequence -> chain.put("firstBrokenSequence", sequence));
        });
        boolean intact = all.stream().allMatch(AuditRecord::intact)
                && audit.lastVerification().map(check -> check.verdict().intact()).orElse(true);
        return HttpResponse.ok(Map.of("study", uid, "records", lines, "total", all.size(), "chainIntact", intact,
                "lastChainCheck", chain,
                "actions", new TreeSet<>(all.stream().map(r -> r.entry().action()).toList()),
                "actors", new TreeSet<>(all.stream().map(r -> r.entry().actor()).toList())));
    }

    /** The records the same filters show, as CSV in the format of {@code audit export --format csv}. */
    @Get(value = "/{uid}/audit.csv", produces = "text/csv")
    public HttpResponse<String> csv(@PathVariable String uid, @Nullable @QueryValue String action,
                                    @Nullable @QueryValue String actor, @Nullable @QueryValue String from,
                                    @Nullable @QueryValue String to, HttpRequest<?> request) throws SQLException, IOException {
        Filter filter;
        try {
            filter = Filter.of(action, actor, from, to);
        } catch (DateTimeParseException e) {
            return HttpResponse.status(HttpStatus.BAD_REQUEST);
        }
        List<AuditRecord> shown = audit.log().study(uid).stream().filter(filter::matches).toList();
        audit.user(user(request), AuditAction.AUDIT_EXPORT, uid, List.of(References.imagingStudy(uid)), true,
                AccessFilter.source(request), "compliance timeline as CSV, " + shown.size() + " record(s); " + filter.describe());
        StringWriter out = new StringWriter();
        CsvRecords.write(shown, out);
        String name = "audit-" + uid.replaceAll("[^0-9.]", "") + ".csv";
        return HttpResponse.ok(out.toString()).contentType("text/csv; charset=utf-8")
                .header("Content-Disposition", "attachment; filename=\"" + name + "\"");
    }
}
