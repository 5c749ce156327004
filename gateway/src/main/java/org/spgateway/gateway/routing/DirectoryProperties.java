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
     */
    public record Practice(@NotBlank @Pattern(regexp = "[A-Za-z0-9\\-.]{1,64}") String id, @NotBlank String odsCode,
                           @NotBlank String name) {
    }

    /**
     * @param id         the gateway's id for the service, also its FHIR Organization id
     * @param name       display name
     * @param role       link-worker-service, advice-service or activity-provider (decides what it may see)
     * @param categories the social needs it serves (e.g. loneliness, money-advice)
     * @param area       the area it covers (postcode districts or a named locality)
     */
    public record Service(@NotBlank @Pattern(regexp = "[A-Za-z0-9\\-.]{1,64}") String id, @NotBlank String name,
                          @NotBlank @Pattern(regexp = "link-worker-service|advice-service|activity-provider",
                                  message = "must be link-worker-service, advice-service or activity-provider") String role,
                          List<String> categories, List<String> area) {
        public Service {
            categories = categories == null ? List.of() : List.copyOf(categories);
            area = area == null ? List.of() : List.copyOf(area);
        }
    }
}
