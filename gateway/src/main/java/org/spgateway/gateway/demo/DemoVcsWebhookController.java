package org.spgateway.gateway.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.spgateway.gateway.routing.DirectoryProperties;
import org.spgateway.gateway.webhook.StandardWebhooks;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * The demo service's webhook receiver, {@code POST /demo/vcs/webhook}: what a charity's own server does with the
 * gateway's webhooks (docs/vcs-integration.md), over real HTTP from the gateway's delivery routes. It verifies the
 * Standard Webhooks signature over the raw body with the service's secret (refusing anything unsigned, forged or
 * older than five minutes with 401), stores each webhook-id once, and answers 204.
 */
@RestController
@ConditionalOnProperty(name = "spgateway.demo.vcs-inbox.enabled", havingValue = "true")
public class DemoVcsWebhookController {

    private static final Logger log = LoggerFactory.getLogger(DemoVcsWebhookController.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DirectoryProperties.Service service;
    private final JdbcTemplate jdbc;
    private final Clock clock;

    private final org.spgateway.gateway.encryption.ColumnCipher cipher;

    public DemoVcsWebhookController(DemoInboxProperties properties, DirectoryProperties directory, JdbcTemplate jdbc, Clock clock,
                                    org.spgateway.gateway.encryption.ColumnCipher cipher) {
        this.cipher = cipher;
        this.service = directory.service(properties.service()).orElseThrow(() -> new IllegalStateException(
                "spgateway.demo.vcs-inbox.service: no service '" + properties.service() + "' in spgateway.directory.services"));
        this.jdbc = jdbc;
        this.clock = clock;
    }

    @PostMapping("/demo/vcs/webhook")
    public ResponseEntity<Void> receive(@RequestHeader(value = "webhook-id", required = false) String id,
                                        @RequestHeader(value = "webhook-timestamp", required = false) String timestamp,
                                        @RequestHeader(value = "webhook-signature", required = false) String signature,
                                        HttpServletRequest request) throws IOException {
        byte[] body = request.getInputStream().readAllBytes();
        // 1. verify before trusting anything in the body
        StandardWebhooks.Verification verification = StandardWebhooks.verify(id, timestamp, signature, body,
                service.signingSecrets(), List.of(), clock.instant(), Duration.ofMinutes(5));
        if (!verification.valid()) {
            log.warn("Demo VCS inbox refused a webhook: {}", verification.reason());
            return ResponseEntity.status(401).build();
        }
        // 2. store it once per webhook-id (retries repeat the id), then answer 2xx quickly
        JsonNode event = JSON.readTree(body);
        Integer seen = jdbc.queryForObject("SELECT COUNT(*) FROM demo_vcs_message WHERE webhook_id = ?", Integer.class, id);
        if (seen != null && seen == 0) {
            jdbc.update("INSERT INTO demo_vcs_message (webhook_id, event_type, referral_id, payload, received_at)"
                            + " VALUES (?, ?, ?, ?, ?)", id, event.path("type").asText(), event.path("referralId").asText(),
                    // sealed like everything else holding patient data (docs/security.md#encryption-at-rest)
                    cipher.seal(new String(body, StandardCharsets.UTF_8), payloadContext(id)), Timestamp.from(clock.instant()));
        }
        return ResponseEntity.noContent().build();
    }

    /** The associated data a received webhook's payload is sealed with: its webhook-id. */
    static String payloadContext(String webhookId) {
        return "demo_vcs_message:" + webhookId;
    }
}
