package org.spgateway.gateway.security;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * SMART on FHIR Backend Services for GP systems ({@code spgateway.security.smart}).
 *
 * @param required      whether every FHIR request but the CapabilityStatement needs an access token (true; switch
 *                      off only for a closed test bench)
 * @param tokenLifetime access token lifetime; at most 300 s, as the SMART specification requires
 * @param tokenKey      base64 secret (at least 32 bytes) that signs access tokens; every node of one deployment needs
 *                      the same. Unset: generated once into the data directory
 * @param previousTokenKeys keys that no longer sign but still verify, for rotation without downtime: put the new key
 *                      in {@code token-key} and the old one here on every node, and remove it once the longest token
 *                      lifetime (300 s) has passed after the last node switched
 * @param publicBaseUrl the gateway's address as clients see it (e.g. https://gateway.example.org) when behind a proxy;
 *                      client assertions must name {@code <publicBaseUrl>/oauth/token} as audience. Unset: the
 *                      address the request came to
 * @param clients       the registered GP-system clients
 * @param demoClient    the embedded default's demo GP system {@code demo-gp}, acting for the first practice in the
 *                      directory: an RSA key generated once into {@code <data-dir>/demo-gp-client.pem} (for
 *                      {@code tools/smart-token.sh}). Switch off in production.
 */
@org.springframework.validation.annotation.Validated
@ConfigurationProperties("spgateway.security.smart")
public record SmartProperties(@DefaultValue("true") boolean required, @DefaultValue("300s") @org.hibernate.validator.constraints.time.DurationMin(seconds = 30)
                              @org.hibernate.validator.constraints.time.DurationMax(hours = 1) Duration tokenLifetime,
                              String tokenKey, @DefaultValue List<String> previousTokenKeys, String publicBaseUrl, @DefaultValue List<Client> clients,
                              @DefaultValue("false") boolean demoClient) {

    /**
     * One GP-system client.
     *
     * @param clientId the {@code client_id}, also the {@code iss} and {@code sub} of its assertions
     * @param practice the directory practice it acts for: it sees and writes only that practice's records
     * @param scopes   the most it may be granted, e.g. {@code system/ServiceRequest.write system/Task.read}
     * @param jwks     its public keys as a JWKS JSON document; list two keys while rotating
     * @param jwksFile or a file holding the JWKS
     */
    public record Client(String clientId, String practice, @DefaultValue List<String> scopes, String jwks, String jwksFile) {
    }
}
