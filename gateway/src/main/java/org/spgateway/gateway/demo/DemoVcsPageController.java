package org.spgateway.gateway.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.spgateway.gateway.routing.DirectoryProperties;
import org.spgateway.gateway.security.SmartTokens;
import org.spgateway.gateway.webhook.StandardWebhooks;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * {@code /demo/vcs}: the demo service's inbox page, standing in for a charity's own case system. It lists the
 * referrals the service received by webhook (verified, redacted by the gateway for the service's role and the
 * patient's consent, shown exactly as received), and its buttons post signed VCS events to the gateway's
 * {@code /vcs/v1/events} over HTTP, as the charity's system would. Beside each referral: the Task as the GP system
 * reads it from {@code /fhir} with its own token, so the whole loop is visible in one place.
 */
@Controller
@ConditionalOnProperty(name = "spgateway.demo.vcs-inbox.enabled", havingValue = "true")
public class DemoVcsPageController {

    /** The buttons: event type to label. */
    static final Map<String, String> ACTIONS = linked("referral.accepted", "Accepted", "referral.contacted", "Contacted",
            "referral.attending", "Attending (baseline scores)", "referral.completed", "Completed (final scores)",
            "referral.declined", "Declined");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final DirectoryProperties.Service service;
    private final JdbcTemplate jdbc;
    private final Environment environment;
    private final Clock clock;
    private final DemoGpView gp;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final org.spgateway.gateway.encryption.ColumnCipher cipher;

    public DemoVcsPageController(DemoInboxProperties properties, DirectoryProperties directory, JdbcTemplate jdbc,
                                 Environment environment, Clock clock, SmartTokens tokens,
                                 org.spgateway.gateway.encryption.ColumnCipher cipher) {
        this.cipher = cipher;
        this.service = directory.service(properties.service()).orElseThrow();
        this.jdbc = jdbc;
        this.environment = environment;
        this.clock = clock;
        this.gp = new DemoGpView(tokens);
    }

    private String base() {
        return "http://localhost:" + environment.getProperty("local.server.port", "8080");
    }

    /** One referral as the service holds it. */
    public record Card(String referralId, Instant receivedAt, List<String> events, List<Field> fields, boolean closed,
                       String gpStatus, String gpBusinessStatus, String raw) {
    }

    private record Received(String eventType, String referralId, String payload, Instant receivedAt) {
    }

    /** One field of the received payload, by its JSON path. */
    public record Field(String path, String value) {
    }

    @GetMapping("/demo/vcs")
    public String inbox(Model model) throws IOException, InterruptedException {
        Map<String, List<Received>> byReferral = new LinkedHashMap<>();
        for (Received row : jdbc.query("SELECT event_type, referral_id, payload, received_at, webhook_id FROM demo_vcs_message"
                        + " ORDER BY received_at DESC",
                (rs, i) -> new Received(rs.getString(1), rs.getString(2),
                        cipher.open(rs.getString(3), DemoVcsWebhookController.payloadContext(rs.getString(5))),
                        rs.getTimestamp(4).toInstant()))) {
            byReferral.computeIfAbsent(row.referralId(), k -> new ArrayList<>()).add(row);
        }
        List<Card> cards = new ArrayList<>();
        for (var entry : byReferral.entrySet()) {
            List<String> events = new ArrayList<>();
            Received created = null;
            for (Received row : entry.getValue()) {
                events.add(row.eventType());
                if ("referral.created".equals(row.eventType()) && created == null) {
                    created = row;
                }
            }
            Received shown = created == null ? entry.getValue().get(0) : created;
            JsonNode payload = JSON.readTree(shown.payload());
            List<Field> fields = new ArrayList<>();
            flatten("", payload, fields);
            JsonNode task = gp.task(base(), entry.getKey()).orElse(null);
            cards.add(new Card(entry.getKey(), shown.receivedAt(), events, fields,
                    events.contains("referral.cancelled") || events.contains("consent.withdrawn"),
                    task == null ? "unknown" : task.path("status").asText(),
                    task == null ? "" : task.at("/businessStatus/coding/0/code").asText(""),
                    JSON.writerWithDefaultPrettyPrinter().writeValueAsString(payload)));
        }
        model.addAttribute("service", service);
        model.addAttribute("cards", cards);
        model.addAttribute("actions", ACTIONS);
        return "demo/vcs";
    }

    @PostMapping("/demo/vcs/referrals/{referralId}/events")
    public String post(@PathVariable String referralId, @RequestParam String type,
                       @RequestParam Map<String, String> form, RedirectAttributes redirect)
            throws IOException, InterruptedException {
        if (!ACTIONS.containsKey(type)) {
            redirect.addFlashAttribute("error", "Unknown action " + type);
            return "redirect:/demo/vcs";
        }
        ObjectNode event = JSON.createObjectNode();
        event.put("type", type);
        event.put("referralId", referralId);
        event.put("occurredAt", clock.instant().toString());
        String note = form.getOrDefault("note", "").trim();
        if (!note.isEmpty()) {
            event.put("note", note);
        }
        if (type.equals("referral.declined")) {
            event.put("reason", note.isEmpty() ? "Declined in the demo" : note);
            event.remove("note");
        }
        if (type.equals("referral.attending") || type.equals("referral.completed")) {
            ObjectNode outcomes = JSON.createObjectNode();
            String[] ons4 = {"lifeSatisfaction", "worthwhile", "happiness", "anxiety"};
            ObjectNode o = JSON.createObjectNode();
            for (String item : ons4) {
                String v = form.getOrDefault(item, "").trim();
                if (!v.isEmpty()) {
                    o.put(item, Integer.parseInt(v));
                }
            }
            if (o.size() > 0) {
                outcomes.set("ons4", o);
            }
            String swemwbs = form.getOrDefault("swemwbs", "").trim();
            if (!swemwbs.isEmpty()) {
                outcomes.putObject("swemwbs").put("total", Integer.parseInt(swemwbs));
            }
            if (outcomes.size() > 0) {
                event.set("outcomes", outcomes);
            }
        }
        // sign and send it exactly as the charity's system would (docs/vcs-integration.md section 4)
        byte[] body = JSON.writeValueAsBytes(event);
        String id = "msg_" + UUID.randomUUID().toString().replace("-", "");
        long timestamp = clock.instant().getEpochSecond();
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(base() + "/vcs/v1/events"))
                .header("Content-Type", "application/json").header("webhook-organisation", service.id())
                .header("webhook-id", id).header("webhook-timestamp", Long.toString(timestamp))
                .header("webhook-signature", StandardWebhooks.signV1(service.signingSecrets().get(0), id, timestamp, body))
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode result = answer.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(answer.body());
        if (answer.statusCode() == 200) {
            redirect.addFlashAttribute("result", type + " sent: the gateway set the Task to " + result.path("taskStatus").asText()
                    + (result.hasNonNull("businessStatus") ? " (" + result.path("businessStatus").asText() + ")" : ""));
        } else {
            redirect.addFlashAttribute("error", type + " refused with HTTP " + answer.statusCode() + ": "
                    + result.path("detail").asText(answer.body()) + (result.has("errors") ? " " + result.path("errors") : ""));
        }
        redirect.addFlashAttribute("sent", new String(body, StandardCharsets.UTF_8));
        return "redirect:/demo/vcs#ref-" + referralId;
    }

    private static void flatten(String path, JsonNode node, List<Field> fields) {
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> flatten(path.isEmpty() ? e.getKey() : path + "." + e.getKey(), e.getValue(), fields));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                flatten(path + "[" + i + "]", node.get(i), fields);
            }
        } else {
            fields.add(new Field(path, node.asText()));
        }
    }

    private static Map<String, String> linked(String... pairs) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return map;
    }
}
