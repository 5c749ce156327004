package org.spgateway.gateway.ui;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import org.spgateway.consent.policy.SharingPolicy;
import org.spgateway.gateway.audit.AuditQueryController;
import org.spgateway.gateway.audit.AuditSearch;
import org.spgateway.gateway.audit.AuditVerifier;
import org.spgateway.gateway.audit.IgQueries;
import org.spgateway.gateway.ig.DryRunService;
import org.spgateway.gateway.routing.DirectoryProperties;
import org.spgateway.gateway.vcs.Problem;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The IG lead's web pages under {@code /ui/ig}: search and filter the audit log, export it, a patient's disclosure
 * report, the sharing policy as a table, the dry run and verification. Each read is audited by {@link IgQueries} and
 * {@link DryRunService}, as through the API.
 */
@Controller
public class IgPagesController {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PAGE_LIMIT = 500;

    private final IgQueries queries;
    private final DryRunService dryRun;
    private final SharingPolicy policy;
    private final DirectoryProperties directory;

    public IgPagesController(IgQueries queries, DryRunService dryRun, SharingPolicy policy, DirectoryProperties directory) {
        this.queries = queries;
        this.dryRun = dryRun;
        this.policy = policy;
        this.directory = directory;
    }

    /** The search form, and its results when a search was asked for. */
    @GetMapping("/ui/ig")
    public String search(SearchForm form, Model model) {
        model.addAttribute("form", form);
        model.addAttribute("services", directory.services());
        model.addAttribute("dataClasses", org.spgateway.consent.DataClass.values());
        if (form.searched()) {
            try {
                List<AuditSearch.Found> found = queries.search(form.criteria(), PAGE_LIMIT, "search");
                model.addAttribute("results", found.stream().map(f -> Row.of(f, directory)).toList());
                model.addAttribute("truncated", found.size() >= PAGE_LIMIT);
            } catch (IllegalArgumentException e) {
                model.addAttribute("error", e.getMessage());
            }
        }
        return "ig/search";
    }

    @GetMapping(value = "/ui/ig/audit.csv", produces = "text/csv")
    public ResponseEntity<String> export(SearchForm form) {
        return ResponseEntity.ok().header("Content-Disposition", "attachment; filename=\"spgateway-audit.csv\"")
                .contentType(MediaType.parseMediaType("text/csv;charset=UTF-8"))
                .body(AuditQueryController.toCsv(queries.search(form.criteria(), AuditSearch.MAX, "export")));
    }

    @GetMapping("/ui/ig/patients/{patientId}")
    public String patient(@PathVariable String patientId, Model model) {
        model.addAttribute("report", JSON.convertValue(queries.subjectAccessReport(patientId), Map.class));
        return "ig/patient";
    }

    @GetMapping("/ui/ig/policy")
    public String policy(Model model) {
        model.addAttribute("table", policy.table());
        return "ig/policy";
    }

    @GetMapping("/ui/ig/dry-run")
    public String dryRun(@RequestParam(required = false) String referral, @RequestParam(required = false) String organisation,
                         Model model) {
        model.addAttribute("services", directory.services());
        model.addAttribute("referral", referral);
        model.addAttribute("organisation", organisation);
        if (referral != null && !referral.isBlank() && organisation != null && !organisation.isBlank()) {
            try {
                model.addAttribute("result", JSON.convertValue(dryRun.run(referral.trim(), organisation), Map.class));
            } catch (Problem.Exception e) {
                model.addAttribute("error", e.problem().detail());
            }
        }
        return "ig/dry-run";
    }

    @GetMapping("/ui/ig/verify")
    public String verifyForm() {
        return "ig/verify";
    }

    @PostMapping("/ui/ig/verify")
    public String verify(Model model) {
        AuditVerifier.Report report = queries.verify();
        model.addAttribute("report", report);
        return "ig/verify";
    }

    /**
     * The search form's fields, as the browser sends them (dates as yyyy-mm-dd, the whole of "to" included).
     */
    public record SearchForm(String nhsNumber, String patient, String organisation, String dataClass, String from,
                             String to, String type) {

        boolean searched() {
            return blankToNull(nhsNumber) != null || blankToNull(patient) != null || blankToNull(organisation) != null
                    || blankToNull(dataClass) != null || blankToNull(from) != null || blankToNull(to) != null
                    || blankToNull(type) != null;
        }

        AuditSearch.Criteria criteria() {
            String nhs = blankToNull(nhsNumber);
            return new AuditSearch.Criteria(blankToNull(patient), nhs == null ? null : nhs.replace(" ", ""),
                    blankToNull(organisation), blankToNull(dataClass), day(from, 0, "From"), day(to, 1, "To"),
                    blankToNull(type));
        }

        private static Instant day(String value, int plusDays, String label) {
            String v = blankToNull(value);
            if (v == null) {
                return null;
            }
            try {
                return LocalDate.parse(v).plusDays(plusDays).atStartOfDay(ZoneOffset.UTC).toInstant();
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException(label + " date must look like 2026-11-25");
            }
        }

        private static String blankToNull(String value) {
            return value == null || value.isBlank() ? null : value.trim();
        }
    }

    /** One audit record as a table row. */
    public record Row(long seq, Instant recordedAt, String eventType, String actor, String patientId, String recipient,
                      String recipientName, String referralId, String classesSent, String classesWithheld,
                      String consentId, String policyVersion, String summary) {

        static Row of(AuditSearch.Found f, DirectoryProperties directory) {
            String name = f.recipientOrg() == null ? null
                    : directory.service(f.recipientOrg()).map(DirectoryProperties.Service::name).orElse(f.recipientOrg());
            return new Row(f.seq(), f.recordedAt(), f.eventType(), f.actor(), f.patientId(), f.recipientOrg(), name,
                    f.referralId(), join(f.details().path("classesSent")), join(f.details().path("classesWithheld")),
                    f.details().path("consentId").asText(null), f.details().path("policyVersion").asText(null),
                    summary(f));
        }

        private static String join(com.fasterxml.jackson.databind.JsonNode array) {
            List<String> values = new java.util.ArrayList<>();
            array.forEach(v -> values.add(v.asText()));
            return String.join(", ", values);
        }

        private static String summary(AuditSearch.Found f) {
            var d = f.details();
            return switch (f.eventType()) {
                case "referral.status-changed", "referral.received" -> d.path("to").asText("") + " "
                        + d.path("businessStatus").asText("");
                case "auth.failed" -> d.path("reason").asText("");
                case "auth.locked" -> d.path("claimedUser").asText("") + " locked until " + d.path("lockedUntil").asText("");
                case "authz.denied" -> d.path("method").asText("") + " " + d.path("path").asText("");
                case "audit.read" -> d.path("read").asText("") + ", " + d.path("results").asText("") + " result(s)";
                case "audit.verified" -> d.path("intact").asBoolean() ? "intact" : "NOT intact";
                default -> d.path("purpose").asText(d.path("status").asText(""));
            };
        }
    }
}
