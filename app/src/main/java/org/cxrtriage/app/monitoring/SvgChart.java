package org.cxrtriage.app.monitoring;

import java.util.List;
import java.util.Locale;
import java.util.function.DoubleFunction;

/**
 * Small inline SVG charts for the self-contained report: stacked bars per day, a daily rate with a
 * band and a reference line, a status strip, and a reliability diagram. Styling comes from classes
 * the report's own style sheet defines; nothing is fetched.
 */
final class SvgChart {

    private static final int WIDTH = 640;
    private static final int HEIGHT = 200;
    private static final int LEFT = 48;
    private static final int RIGHT = 12;
    private static final int TOP = 12;
    private static final int BOTTOM = 28;

    /** One bar segment: a CSS class and a value. */
    record Segment(String kind, long value) {
    }

    private final StringBuilder svg = new StringBuilder();
    private final List<String> days;
    private final double yMax;
    private final DoubleFunction<String> format;

    private SvgChart(String label, List<String> days, double yMax, DoubleFunction<String> format) {
        this.days = days;
        this.yMax = yMax <= 0 ? 1 : yMax;
        this.format = format;
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(HEIGHT)
                .append("\" role=\"img\" aria-label=\"").append(PeriodReportHtml.escape(label)).append("\"><title>")
                .append(PeriodReportHtml.escape(label)).append("</title>");
        for (double v : new double[] {0, this.yMax / 2, this.yMax}) {
            line(LEFT, WIDTH - RIGHT, y(v), y(v), "grid");
            text(LEFT - 6, y(v) + 4, "end", format.apply(v));
        }
        if (!days.isEmpty()) {
            for (int i : new int[] {0, (days.size() - 1) / 2, days.size() - 1}) {
                text(x(i), HEIGHT - 8, "middle", days.get(i).substring(5));
            }
        }
    }

    /** Stacked bars, one stack per day. */
    static String bars(String label, List<String> days, List<List<Segment>> stacks) {
        long max = stacks.stream().mapToLong(s -> s.stream().mapToLong(Segment::value).sum()).max().orElse(1);
        SvgChart chart = new SvgChart(label, days, niceMax(Math.max(1, max)), v -> String.format(Locale.ROOT, "%.0f", v));
        for (int i = 0; i < stacks.size(); i++) {
            long base = 0;
            for (Segment segment : stacks.get(i)) {
                if (segment.value() > 0) {
                    double top = chart.y(base + segment.value());
                    chart.svg.append(String.format(Locale.ROOT, "<rect class=\"%s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\">"
                                    + "<title>%s: %d %s</title></rect>", segment.kind(), chart.x(i) - chart.step() * 0.35, top,
                            chart.step() * 0.7, chart.y(base) - top, days.get(i), segment.value(), segment.kind()));
                    base += segment.value();
                }
            }
        }
        return chart.done();
    }

    /** A daily rate in [0, 1] as points joined by lines, with an optional band per day and a reference line. */
    static String rate(String label, List<String> days, List<Double> values, List<Double> lower, List<Double> upper, Double reference,
                       List<String> status) {
        SvgChart chart = new SvgChart(label, days, 1, v -> Math.round(v * 100) + "%");
        if (status != null) {
            for (int i = 0; i < status.size(); i++) {
                if (status.get(i) != null) {
                    chart.svg.append(String.format(Locale.ROOT, "<rect class=\"status-%s\" x=\"%.1f\" y=\"2\" width=\"%.1f\" height=\"6\">"
                            + "<title>%s: %s</title></rect>", status.get(i), chart.x(i) - chart.step() / 2, Math.max(1, chart.step() - 1),
                            days.get(i), status.get(i)));
                }
            }
        }
        if (lower != null) {
            for (int i = 0; i < days.size(); i++) {
                if (lower.get(i) != null && upper.get(i) != null) {
                    chart.svg.append(String.format(Locale.ROOT, "<rect class=\"band\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>",
                            chart.x(i) - chart.step() * 0.4, chart.y(upper.get(i)), chart.step() * 0.8,
                            Math.max(1, chart.y(lower.get(i)) - chart.y(upper.get(i)))));
                }
            }
        }
        if (reference != null) {
            chart.line(LEFT, WIDTH - RIGHT, chart.y(reference), chart.y(reference), "reference");
        }
        chart.series(values, i -> chart.x(i));
        return chart.done();
    }

    /** Observed rate against mean predicted probability per bin, with Wilson intervals and the diagonal of perfect calibration. */
    static String reliability(ReliabilityDiagram diagram) {
        SvgChart chart = new SvgChart("Reliability diagram: observed rate against predicted probability", List.of(), 1,
                v -> String.format(Locale.ROOT, "%.1f", v));
        for (double v : new double[] {0, 0.5, 1}) {
            chart.text(chart.px(v), HEIGHT - 8, "middle", String.format(Locale.ROOT, "%.1f", v));
        }
        chart.line(chart.px(0), chart.px(1), chart.y(0), chart.y(1), "reference");
        for (ReliabilityDiagram.Bin bin : diagram.bins()) {
            Proportion observed = bin.observed();
            if (observed.count() > 0) {
                double x = chart.px(bin.meanPredicted());
                chart.line(x, x, chart.y(observed.lower()), chart.y(observed.upper()), "interval");
                chart.svg.append(String.format(Locale.ROOT, "<circle class=\"point\" cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\"><title>"
                                + "%.1f-%.1f: predicted %.3f, observed %d/%d</title></circle>", x, chart.y(observed.rate()),
                        Math.min(8, 2.5 + Math.log10(observed.count() + 1) * 2), bin.lower(), bin.upper(), bin.meanPredicted(),
                        observed.events(), observed.count()));
            }
        }
        return chart.done();
    }

    private void series(List<Double> values, java.util.function.IntToDoubleFunction xOf) {
        StringBuilder points = new StringBuilder();
        for (int i = 0; i < values.size(); i++) {
            Double v = values.get(i);
            if (v == null) {
                flush(points);
                continue;
            }
            points.append(String.format(Locale.ROOT, "%.1f,%.1f ", xOf.applyAsDouble(i), y(v)));
            svg.append(String.format(Locale.ROOT, "<circle class=\"point\" cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\"><title>%s: %s</title></circle>",
                    xOf.applyAsDouble(i), y(v), days.get(i), format.apply(v)));
        }
        flush(points);
    }

    private void flush(StringBuilder points) {
        if (points.toString().strip().contains(" ")) {
            svg.append("<polyline class=\"line\" points=\"").append(points.toString().strip()).append("\"/>");
        }
        points.setLength(0);
    }

    private String done() {
        line(LEFT, LEFT, TOP, HEIGHT - BOTTOM, "axis");
        line(LEFT, WIDTH - RIGHT, HEIGHT - BOTTOM, HEIGHT - BOTTOM, "axis");
        return svg.append("</svg>").toString();
    }

    private void line(double x1, double x2, double y1, double y2, String kind) {
        svg.append(String.format(Locale.ROOT, "<line class=\"%s\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"/>", kind, x1, x2, y1, y2));
    }

    private void text(double x, double y, String anchor, String text) {
        svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">%s</text>", x, y, anchor,
                PeriodReportHtml.escape(text)));
    }

    private double step() {
        return (double) (WIDTH - LEFT - RIGHT) / Math.max(1, days.size());
    }

    private double x(int i) {
        return LEFT + step() * (i + 0.5);
    }

    /** A value in [0, 1] along the whole x axis (the reliability diagram). */
    private double px(double v) {
        return LEFT + v * (WIDTH - LEFT - RIGHT);
    }

    private double y(double v) {
        double plot = HEIGHT - TOP - BOTTOM;
        return TOP + plot - Math.min(1, Math.max(0, v / yMax)) * plot;
    }

    private static double niceMax(double value) {
        double magnitude = Math.pow(10, Math.floor(Math.log10(value)));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * magnitude >= value) {
                return m * magnitude;
            }
        }
        return 10 * magnitude;
    }
}
