package org.spgateway.gateway.routing;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The practices that refer and the VCS services that receive, as configured under {@code spgateway.directory}.
 *
 * @param practices referring GP practices
 * @param services  voluntary and community sector services
 */
@Validated
@ConfigurationProperties("spgateway.directory")
public record DirectoryProperties(List<@Valid Practice> practices, List<@Valid Service> services) {

    public DirectoryProperties {
        practices = practices == null ? List.of() : List.copyOf(practices);
        services = services == null ? List.of() : List.copyOf(services);
    }

    /**
     * @param id      the gateway's id for the practice, also its FHIR Organization id
     * @param odsCode the practice's ODS code
     * @param name    display name
     * @param gpFhirBase the practice's GP-system FHIR base URL that Task updates and outcome Observations are
     *                   pushed to; null when the practice only polls the gateway
     */
    public record Practice(@NotBlank @Pattern(regexp = "[A-Za-z0-9\\-.]{1,64}") String id, @NotBlank String odsCode,
                           @NotBlank String name, String gpFhirBase) {
    }

    /**
     * @param id         the gateway's id for the service, also its FHIR Organization id
     * @param name       display name
     * @param role       link-worker-service, advice-service or activity-provider (decides what it may see)
     * @param categories the social needs it serves (e.g. loneliness, money-advice)
     * @param area       the area it covers: postcode areas or districts (e.g. LS, LS6); empty means anywhere
     * @param delivery   push (signed webhooks to webhookUrl) or pull (the service polls its inbox)
     * @param webhookUrl where push deliveries go
     * @param signingSecrets Standard Webhooks secrets ({@code whsec_...}): the first signs outbound webhooks
     *                   ({@code v1,} HMAC-SHA256), all are accepted on the service's inbound events, so a secret can
     *                   be rotated without downtime. Give them from the environment or a file, never in git.
     * @param ed25519PublicKeys base64 Ed25519 public keys the service signs its inbound events with ({@code v1a,})
     * @param outboundSignature {@code v1} (HMAC with the service's secret) or {@code v1a} (Ed25519 with the gateway's key)
     */
    public record Service(@NotBlank @Pattern(regexp = "[A-Za-z0-9\\-.]{1,64}") String id, @NotBlank String name,
                          @NotBlank @Pattern(regexp = "link-worker-service|advice-service|activity-provider",
                                  message = "must be link-worker-service, advice-service or activity-provider") String role,
                          List<String> categories, List<String> area,
                          @Pattern(regexp = "push|pull", message = "must be push or pull") String delivery,
                          String webhookUrl, List<String> signingSecrets, List<String> ed25519PublicKeys,
                          @Pattern(regexp = "v1|v1a", message = "must be v1 or v1a") String outboundSignature) {
        public Service {
            categories = categories == null ? List.of() : List.copyOf(categories);
            area = area == null ? List.of() : List.copyOf(area);
            delivery = delivery == null ? "pull" : delivery;
            signingSecrets = signingSecrets == null ? List.of() : List.copyOf(signingSecrets);
            ed25519PublicKeys = ed25519PublicKeys == null ? List.of() : List.copyOf(ed25519PublicKeys);
            outboundSignature = outboundSignature == null ? "v1" : outboundSignature;
            if ("push".equals(delivery) && (webhookUrl == null || webhookUrl.isBlank())) {
                throw new IllegalArgumentException("spgateway.directory.services[" + id + "].webhook-url is required"
                        + " when delivery is push; set it, or use delivery: pull");
            }
            if (signingSecrets.isEmpty() && ed25519PublicKeys.isEmpty()) {
                throw new IllegalArgumentException("spgateway.directory.services[" + id + "] needs signing-secrets"
                        + " (whsec_...) or ed25519-public-keys: without one it cannot authenticate its events");
            }
        }

        public boolean push() {
            return "push".equals(delivery);
        }
    }

    public java.util.Optional<Service> service(String id) {
        return services.stream().filter(s -> s.id().equals(id)).findFirst();
    }

    public java.util.Optional<Practice> practice(String id) {
        return practices.stream().filter(p -> p.id().equals(id)).findFirst();
    }
}
