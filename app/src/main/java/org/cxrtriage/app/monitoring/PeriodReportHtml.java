package org.cxrtriage.app.monitoring;

import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The periodic report as one self-contained HTML file: its own style sheet, charts as inline SVG,
 * no script and nothing fetched, so it can be mailed, archived and opened offline. Every text from
 * the database is escaped.
 */
public final class PeriodReportHtml {

    private static final List<String> ROUTES = List.of("scored", "unreliable", "suspended", "not-scored", "error");
    private static final String STYLE = """
            body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1b1f24}
            h1{font-size:1.6rem;margin-bottom:.2rem}h2{margin-top:2rem;border-bottom:1px solid #ccd;padding-bottom:.2rem}
            .muted{color:#5a6470}table{border-collapse:collapse;margin:.6rem 0}th,td{border:1px solid #d5d9e0;padding:.25rem .5rem;
            text-align:left;vertical-align:top}td.n{text-align:right;font-variant-numeric:tabular-nums}
            .ok{color:#1d7a3a}.warning{color:#a86500}.alarm{color:#b3261e;font-weight:600}
            figure{margin:.8rem 0;max-width:44rem}figcaption{font-weight:600}.grid-figures{display:grid;
            grid-template-columns:repeat(auto-fill,minmax(20rem,1fr));gap:.8rem}svg{width:100%;height:auto;background:#fbfbfd}
            svg text{font-size:11px;fill:#5a6470}svg .grid{stroke:#e2e5ea}svg .axis{stroke:#8a929c}
            svg .reference{stroke:#444;stroke-dasharray:4 3}svg .band{fill:#9cc3f0;opacity:.45}svg .line{fill:none;stroke:#1f5fa8;
            stroke-width:1.5}svg .point{fill:#1f5fa8}svg .interval{stroke:#1f5fa8}svg .scored{fill:#2e9e5b}
            svg .unreliable{fill:#e58a2e}svg .suspended{fill:#b3261e}svg .not-scored{fill:#8a929c}svg .error{fill:#6b2f8f}
            svg .status-ok{fill:#2e9e5b}svg .status-warning{fill:#e5b52e}svg .status-alarm{fill:#b3261e}
            .key span{margin-right:1rem}.key span::before{content:"\\25A0  "}.key-scored::before{color:#2e9e5b}
            .key-unreliable::before{color:#e58a2e}.key-suspended::before{color:#b3261e}.key-not-scored::before{color:#8a929c}
            .key-error::before{color:#6b2f8f}.note{background:#f4f6f9;padding:.5rem .8rem;border-left:3px solid #8a929c}
            """;

    private final StringBuilder html = new StringBuilder();

    private PeriodReportHtml() {
    }

    public static String render(PeriodReport report) {
        return new PeriodReportHtml().document(report);
    }

    private String document(PeriodReport r) {
        String period = r.from() + " to " + r.to().minusDays(1) + " (UTC, both days included)";
        html.append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>cxr-triage model performance report ")
                .append(escape(period)).append("</title><style>").append(STYLE).append("</style></head><body>");
        html.append("<h1>cxr-triage model performance report</h1><p class=\"muted\">").append(escape(period))
                .append(". Generated ").append(escape(DateTimeFormatter.ISO_INSTANT.format(r.generatedAt())))
                .append(". Counts and statistics only: no patient names, identifiers or study UIDs.</p>");
        summary(r);
        models(r);
        volumes(r);
        positives(r);
        drift(r);
        feedback(r);
        calibration(r);
        subgroups(r);
        alarms(r);
        return html.append("</body></html>").toString();
    }

    private void summary(PeriodReport r) {
        String end = r.history().days().stream().map(MonitoringHistory.Day::worstStatus).filter(s -> s != null)
                .reduce((a, b) -> b).orElse(r.statusAtStart());
        html.append("<h2>Summary</h2><ul><li>").append(r.studies()).append(" studies with a current result; ")
                .append(r.routing().getOrDefault("scored", 0L)).append(" scored, ").append(r.routing().getOrDefault("unreliable", 0L))
                .append(" judged unreliable, ").append(r.routing().getOrDefault("suspended", 0L)).append(" scored while AI triage was suspended, ")
                .append(r.routing().getOrDefault("not-scored", 0L)).append(" not scored.</li><li>Monitoring status at the start: ")
                .append(status(r.statusAtStart())).append("; on the last evaluated day: ").append(status(end)).append(".</li><li>")
                .append(r.alarms().size()).append(" alarm(s) in the period.</li><li>Radiologists gave feedback on ")
                .append(r.performance().feedbacks()).append(" AI findings; agreement ").append(proportion(r.performance().agreement()))
                .append(".</li></ul>");
    }

    private void models(PeriodReport r) {
        html.append("<h2>Models in use</h2>");
        if (r.models().isEmpty()) {
            html.append("<p>No study was scored in the period.</p>");
            return;
        }
        html.append("<table><tr><th>Model</th><th>Version</th><th>Role</th><th>First result</th><th>Last result</th><th>Results</th></tr>");
        for (PeriodReport.ModelUse m : r.models()) {
            row(m.modelId(), m.version(), m.shadow() ? "shadow (not shown to users)" : "active", m.first().toString(), m.last().toString(),
                    number(m.results()));
        }
        html.append("</table>");
    }

    private void volumes(PeriodReport r) {
        html.append("<h2>Volumes and routing</h2><table><tr><th>Route</th><th>Studies</th></tr>");
        for (String route : ROUTES) {
            row(route, number(r.routing().getOrDefault(route, 0L)));
        }
        html.append("</table>");
        if (!r.notScored().isEmpty()) {
            html.append("<table><tr><th>Not scored because</th><th>Studies</th></tr>");
            r.notScored().forEach((reason, n) -> row(reason, number(n)));
            html.append("</table>");
        }
        List<String> days = days(r);
        List<List<SvgChart.Segment>> stacks = r.history().days().stream().map(d -> ROUTES.stream()
                .map(route -> new SvgChart.Segment(route, d.routing().getOrDefault(route, 0L))).toList()).toList();
        figure("Studies per day by route", SvgChart.bars("Studies per day by route", days, stacks));
        html.append("<p class=\"key\">").append(ROUTES.stream().map(route -> "<span class=\"key-" + route + "\">" + route + "</span>").collect(Collectors.joining()))
                .append(" (bottom to top)</p>");
    }

    private void positives(PeriodReport r) {
        html.append("<h2>Positive rates</h2><p>Each finding's share of scored studies called positive at its operating point, against"
                + " the reference profile's rate and its 99 % binomial band for the period's volume.</p>");
        html.append("<table><tr><th>Finding</th><th>Positive / scored</th><th>Rate</th><th>Reference</th><th>99 % band</th><th></th></tr>");
        r.positives().forEach((finding, rate) -> row(finding, rate.events() + " / " + rate.count(), decimal(rate.rate()),
                decimal(rate.reference()), rate.bandLower() == null ? "" : decimal(rate.bandLower()) + " – " + decimal(rate.bandUpper()),
                rate.bandLower() == null || rate.rate() == null ? "" : rate.rate() < rate.bandLower() ? "below the band"
                        : rate.rate() > rate.bandUpper() ? "above the band" : "within"));
        html.append("</table><div class=\"grid-figures\">");
        for (String finding : r.positives().keySet()) {
            List<MonitoringHistory.Rate> rates = r.history().days().stream().map(d -> d.positives().get(finding)).toList();
            figure(finding + ": positive rate per day", SvgChart.rate("Positive rate of " + finding + " per day", days(r),
                    rates.stream().map(x -> x == null ? null : x.rate()).toList(),
                    rates.stream().map(x -> x == null ? null : x.bandLower()).toList(),
                    rates.stream().map(x -> x == null ? null : x.bandUpper()).toList(), r.history().referenceRates().get(finding), null));
        }
        html.append("</div>");
    }

    private void drift(PeriodReport r) {
        html.append("<h2>Drift status history</h2><p>The strip on top is each day's worst monitoring status (green ok, amber warning,"
                + " red alarm); the line is that day's unreliable rate.</p>");
        List<Double> unreliable = r.history().days().stream().map(d -> {
            long scored = d.routing().getOrDefault("scored", 0L) + d.routing().getOrDefault("unreliable", 0L)
                    + d.routing().getOrDefault("suspended", 0L);
            return scored == 0 ? null : (double) d.routing().getOrDefault("unreliable", 0L) / scored;
        }).toList();
        figure("Status and unreliable rate per day", SvgChart.rate("Monitoring status and unreliable rate per day", days(r), unreliable,
                null, null, null, r.history().days().stream().map(MonitoringHistory.Day::worstStatus).toList()));
        html.append("<table><tr><th>Day</th><th>Worst status</th><th>Largest score KS D</th><th>Largest input KS D</th>"
                + "<th>Largest header shift</th></tr>");
        for (MonitoringHistory.Day d : r.history().days()) {
            if (d.worstStatus() != null) {
                row(d.day(), d.worstStatus(), decimal(d.scoreDrift()), decimal(d.inputDrift()), decimal(d.headerDrift()));
            }
        }
        html.append("</table><h3>Status changes, acknowledgements and suspensions</h3>");
        events(r.history().events());
    }

    private void feedback(PeriodReport r) {
        FeedbackPerformance.Performance p = r.performance();
        html.append("<h2>Performance from radiologists' feedback</h2><p>The latest word per AI finding. Intervals are Wilson 95 %.</p>")
                .append("<table><tr><th>Finding</th><th>Agreement</th><th>PPV (reviewed positives)</th><th>Disagreed negatives</th>"
                        + "<th>Reasons given with disagreements</th></tr>");
        for (FeedbackPerformance.FindingPerformance f : p.findings()) {
            row(f.finding(), proportion(f.agreement()), proportion(f.positivePredictiveValue()), proportion(f.disagreedNegatives()),
                    reasons(f.disagreementReasons()));
        }
        html.append("</table><p>All findings: agreement ").append(escape(proportion(p.agreement()))).append("; reasons: ")
                .append(escape(reasons(p.disagreementReasons()))).append(". Disagreement CUSUM at the period's end: S = ")
                .append(decimal(p.cusum().statistic())).append(p.cusum().warningLimits() == null ? ""
                        : " against h = " + decimal(p.cusum().warningLimits().upper())).append(" (")
                .append(escape(p.cusum().tested() ? p.cusum().level() : "no feedback")).append(").</p>");
    }

    private void calibration(PeriodReport r) {
        ReliabilityDiagram d = r.calibration();
        html.append("<h2>Calibration on reviewed cases</h2><p class=\"note\">Feedback is taken as the truth (agreeing with a positive or"
                + " disagreeing with a negative means present). Only reviewed findings count, and radiologists open flagged studies"
                + " more often, so thin bins are uncertain: read the counts and intervals.</p>");
        figure("Reliability diagram", SvgChart.reliability(d));
        html.append("<p>Expected calibration error: ").append(d.expectedCalibrationError() == null ? "no feedback"
                : decimal(d.expectedCalibrationError())).append("</p><table><tr><th>Predicted</th><th>Findings</th><th>Mean predicted</th>"
                + "<th>Observed present (Wilson 95 %)</th></tr>");
        for (ReliabilityDiagram.Bin bin : d.bins()) {
            row(String.format(Locale.ROOT, "%.1f – %.1f", bin.lower(), bin.upper()), number(bin.observed().count()),
                    decimal(bin.meanPredicted()), proportion(bin.observed()));
        }
        html.append("</table>");
    }

    private void subgroups(PeriodReport r) {
        html.append("<h2>Subgroups</h2><table><tr><th>By</th><th>Group</th><th>Scored studies</th><th>Unreliable</th><th>Any finding positive</th>"
                + "<th>Agreement</th></tr>");
        for (Subgroups.Row g : r.subgroups()) {
            row(g.dimension(), g.group(), number(g.studies()), number(g.unreliable()), number(g.positive()), proportion(g.agreement()));
        }
        html.append("</table>");
    }

    private void alarms(PeriodReport r) {
        html.append("<h2>Alarms and what was done</h2>");
        if (r.alarms().isEmpty()) {
            html.append("<p>No alarm in the period.</p>");
            return;
        }
        for (PeriodReport.Alarm alarm : r.alarms()) {
            html.append("<h3 class=\"alarm\">Alarm raised ").append(escape(alarm.raisedAt())).append(", ")
                    .append(alarm.endedAt() == null ? "still standing at the period's end" : "ended " + escape(alarm.endedAt()))
                    .append("</h3><p>").append(escape(alarm.reasons() == null ? "" : alarm.reasons())).append("</p>");
            if (alarm.actions().isEmpty()) {
                html.append("<p>Nobody acknowledged it.</p>");
            } else {
                events(alarm.actions());
            }
        }
    }

    private void events(List<MonitoringHistory.Event> events) {
        if (events.isEmpty()) {
            html.append("<p>None.</p>");
            return;
        }
        html.append("<table><tr><th>When</th><th>What</th><th>Status</th><th>Who</th><th>Details</th></tr>");
        for (MonitoringHistory.Event e : events) {
            row(e.at(), e.kind(), e.from() == null || e.from().equals(e.to()) ? e.to() : e.from() + " → " + e.to(), e.actor(),
                    e.details() == null ? "" : e.details());
        }
        html.append("</table>");
    }

    private void figure(String caption, String svg) {
        html.append("<figure><figcaption>").append(escape(caption)).append("</figcaption>").append(svg).append("</figure>");
    }

    private void row(String... cells) {
        html.append("<tr>");
        for (String cell : cells) {
            boolean numeric = cell != null && cell.matches("[0-9.,]+");
            html.append(numeric ? "<td class=\"n\">" : "<td>").append(escape(cell == null ? "" : cell)).append("</td>");
        }
        html.append("</tr>");
    }

    private static List<String> days(PeriodReport r) {
        return r.history().days().stream().map(MonitoringHistory.Day::day).toList();
    }

    private static String status(String status) {
        return "<span class=\"" + escape(status) + "\">" + escape(status) + "</span>";
    }

    private static String reasons(Map<String, Long> reasons) {
        List<String> parts = new ArrayList<>();
        reasons.forEach((reason, n) -> parts.add(reason + " " + n));
        return parts.isEmpty() ? "none given" : String.join(", ", parts);
    }

    private static String proportion(Proportion p) {
        return p == null || p.count() == 0 ? "no feedback" : String.format(Locale.ROOT, "%d/%d = %.3f (%.3f–%.3f)", p.events(), p.count(),
                p.rate(), p.lower(), p.upper());
    }

    private static String decimal(Double v) {
        return v == null ? "" : String.format(Locale.ROOT, "%.3f", v);
    }

    private static String number(long n) {
        return Long.toString(n);
    }

    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
