package org.spgateway.gateway.dashboard;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/** {@code /ui/dashboard}: the scheme dashboard, charts and the figures behind them (IG leads and scheme managers). */
@Controller
public class DashboardController {

    /** Colours with enough contrast on white, one per Task status (NHS palette). */
    static final Map<String, String> STATUS_COLOURS = Map.of("requested", "#768692", "accepted", "#41b6e6",
            "in-progress", "#005eb8", "on-hold", "#ffb81c", "completed", "#007f3b", "rejected", "#8a1538",
            "cancelled", "#425563", "failed", "#da291c");

    private final DashboardService dashboards;

    public DashboardController(DashboardService dashboards) {
        this.dashboards = dashboards;
    }

    @GetMapping("/ui/dashboard")
    public String dashboard(Model model) {
        DashboardService.Dashboard d = dashboards.build();
        model.addAttribute("d", d);
        model.addAttribute("statuses", DashboardService.STATUSES);
        model.addAttribute("contactLabels", DashboardService.CONTACT_LABELS);

        List<String> weeks = d.statusOverTime().stream().map(w -> w.weekEnding().getDayOfMonth() + "/" + w.weekEnding().getMonthValue()).toList();
        List<SvgCharts.Series> byStatus = new ArrayList<>();
        for (String status : DashboardService.STATUSES) {
            byStatus.add(new SvgCharts.Series(status, STATUS_COLOURS.get(status),
                    d.statusOverTime().stream().mapToDouble(w -> w.byStatus().get(status)).toArray()));
        }
        model.addAttribute("statusChart", SvgCharts.bars("chart-status", "Referrals by status at the end of each week",
                weeks, byStatus, true, 0, "referrals"));

        model.addAttribute("contactChart", SvgCharts.bars("chart-contact", "Days from referral to first contact",
                DashboardService.CONTACT_LABELS, List.of(new SvgCharts.Series("referrals", "#005eb8",
                        d.contact().histogram().stream().mapToDouble(Integer::doubleValue).toArray())), false, 0, "referrals"));

        List<String> services = d.services().stream().map(DashboardService.ServiceRates::name).map(DashboardController::shortName).toList();
        model.addAttribute("serviceChart", SvgCharts.bars("chart-services", "Completion and decline rates by service", services,
                List.of(new SvgCharts.Series("completed %", "#007f3b",
                                d.services().stream().mapToDouble(DashboardService.ServiceRates::completedPercent).toArray()),
                        new SvgCharts.Series("declined %", "#8a1538",
                                d.services().stream().mapToDouble(DashboardService.ServiceRates::declinedPercent).toArray())),
                false, 100, "% of referrals"));

        List<DashboardService.OutcomeChange> ons4 = d.outcomes().stream().filter(o -> o.code().startsWith("ons4")).toList();
        List<DashboardService.OutcomeChange> scales = d.outcomes().stream().filter(o -> !o.code().startsWith("ons4")).toList();
        model.addAttribute("ons4Chart", outcomeChart("chart-ons4", "ONS4 personal wellbeing: first and last scores", ons4, 10));
        model.addAttribute("scaleChart", outcomeChart("chart-scales", "SWEMWBS and WEMWBS: first and last totals", scales, 70));

        List<String> deciles = d.equity().deciles().stream().map(u -> u.decile() == 0 ? "unknown" : Integer.toString(u.decile())).toList();
        model.addAttribute("equityChart", SvgCharts.bars("chart-equity", "Referrals and uptake by IMD decile (1 = most deprived)",
                deciles, List.of(new SvgCharts.Series("referred", "#41b6e6",
                                d.equity().deciles().stream().mapToDouble(DashboardService.DecileUptake::referred).toArray()),
                        new SvgCharts.Series("engaged", "#005eb8",
                                d.equity().deciles().stream().mapToDouble(DashboardService.DecileUptake::engaged).toArray())),
                false, 0, "referrals"));
        return "dashboard";
    }

    private static String outcomeChart(String id, String title, List<DashboardService.OutcomeChange> changes, double max) {
        return SvgCharts.bars(id, title, changes.stream().map(o -> shortName(o.label())).toList(),
                List.of(new SvgCharts.Series("first", "#768692", changes.stream().mapToDouble(o -> DashboardService.oneDecimal(o.meanFirst())).toArray()),
                        new SvgCharts.Series("last", "#005eb8", changes.stream().mapToDouble(o -> DashboardService.oneDecimal(o.meanLast())).toArray())),
                false, max, "mean score");
    }

    /** Labels under bars are short; the table beside the chart has the whole name. */
    private static String shortName(String name) {
        String s = name.replace("ONS4 ", "").replaceAll(" \\(.*\\)", "");
        return s.length() > 22 ? s.substring(0, 21) + "…" : s;
    }
}
