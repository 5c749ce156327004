package org.spgateway.gateway.dashboard;

import java.util.List;
import java.util.Locale;

/**
 * Bar charts as inline SVG, drawn on the server: no script, nothing fetched, allowed by the pages' strict CSP (no
 * {@code style} attributes: colours are presentation attributes). Each bar carries {@code data-series},
 * {@code data-category} and {@code data-value}, and a {@code <title>} the browser shows on hover; every chart also
 * has the same figures in a table on the page for screen readers.
 */
public final class SvgCharts {

    /** One series of values, one per category. */
    public record Series(String name, String colour, double[] values) {
    }

    private static final int WIDTH = 640;
    private static final int HEIGHT = 260;
    private static final int LEFT = 48;
    private static final int RIGHT = 12;
    private static final int TOP = 28;
    private static final int BOTTOM = 62;

    private SvgCharts() {
    }

    /**
     * A bar chart: stacked (the series add up in each category) or grouped (side by side). {@code max} fixes the
     * scale (e.g. 10 for ONS4); 0 scales to the data.
     */
    public static String bars(String id, String title, List<String> categories, List<Series> series, boolean stacked,
                              double max, String unit) {
        double top = max;
        if (top <= 0) {
            for (int c = 0; c < categories.size(); c++) {
                double sum = 0;
                for (Series s : series) {
                    sum = stacked ? sum + s.values()[c] : Math.max(sum, s.values()[c]);
                }
                top = Math.max(top, sum);
            }
            // four gridlines at round values: 0, 2, 4, 6, 8 rather than 0, 1.3, 2.5...
            top = 4 * Math.max(1, niceCeiling(top / 4));
        }
        int plotW = WIDTH - LEFT - RIGHT;
        int plotH = HEIGHT - TOP - BOTTOM;
        StringBuilder svg = new StringBuilder();
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"").append(esc(id)).append("\" class=\"chart\" role=\"img\"")
                .append(" viewBox=\"0 0 ").append(WIDTH).append(' ').append(HEIGHT).append("\" aria-label=\"").append(esc(title))
                .append("\"><title>").append(esc(title)).append("</title>");
        // axis and gridlines
        for (int g = 0; g <= 4; g++) {
            double value = top * g / 4;
            double y = TOP + plotH - plotH * g / 4.0;
            svg.append(line(LEFT, y, WIDTH - RIGHT, y, g == 0 ? "#6b7280" : "#e5e7eb"));
            svg.append(text(LEFT - 6, y + 4, "end", 11, "#374151", format(value)));
        }
        if (!unit.isEmpty()) {
            svg.append(text(LEFT, TOP - 12, "start", 11, "#374151", unit));
        }
        double slot = categories.isEmpty() ? plotW : (double) plotW / categories.size();
        double barW = stacked ? slot * 0.6 : slot * 0.8 / Math.max(1, series.size());
        for (int c = 0; c < categories.size(); c++) {
            double x0 = LEFT + slot * c + (stacked ? slot * 0.2 : slot * 0.1);
            double base = 0;
            for (int s = 0; s < series.size(); s++) {
                double value = series.get(s).values()[c];
                double h = top == 0 ? 0 : plotH * value / top;
                double x = stacked ? x0 : x0 + barW * s;
                double y = TOP + plotH - (stacked ? plotH * base / top : 0) - h;
                if (stacked) {
                    base += value;
                }
                svg.append(String.format(Locale.ROOT, "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\""
                                + " fill=\"%s\" data-series=\"%s\" data-category=\"%s\" data-value=\"%s\"><title>%s, %s: %s</title></rect>",
                        x, y, Math.max(1, barW - 2), Math.max(0, h), series.get(s).colour(), esc(series.get(s).name()),
                        esc(categories.get(c)), format(value), esc(categories.get(c)), esc(series.get(s).name()), format(value)));
            }
            svg.append(text(LEFT + slot * c + slot / 2, TOP + plotH + 16, "middle", 11, "#111827", categories.get(c)));
        }
        // legend
        double lx = LEFT;
        int ly = HEIGHT - 30;
        for (Series s : series) {
            double width = 24 + s.name().length() * 6.5;
            if (lx + width > WIDTH && lx > LEFT) {
                lx = LEFT;
                ly += 15;
            }
            svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>", lx,
                    ly, s.colour()));
            svg.append(text(lx + 14, ly + 9, "start", 11, "#111827", s.name()));
            lx += width;
        }
        return svg.append("</svg>").toString();
    }

    private static String line(double x1, double y1, double x2, double y2, String colour) {
        return String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>", x1, y1, x2, y2,
                colour);
    }

    private static String text(double x, double y, String anchor, int size, String colour, String text) {
        return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"%d\" fill=\"%s\""
                + " font-family=\"sans-serif\">%s</text>", x, y, anchor, size, colour, esc(text));
    }

    static double niceCeiling(double value) {
        if (value <= 0) {
            return 1;
        }
        double magnitude = Math.pow(10, Math.floor(Math.log10(value)));
        for (double step : new double[] {1, 2, 2.5, 5, 10}) {
            if (step * magnitude >= value) {
                return step * magnitude;
            }
        }
        return 10 * magnitude;
    }

    static String format(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : String.format(Locale.ROOT, "%.1f", value);
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
