package org.spgateway.gateway.limits;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;
import java.util.Set;
import org.spgateway.gateway.config.FhirProperties;
import org.spgateway.gateway.fhir.RequestSizeLimitFilter;
import org.spgateway.gateway.security.SmartTokens;
import org.spgateway.gateway.vcs.VcsRequestAuthenticator;
import org.apache.catalina.core.StandardHost;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/**
 * Puts the rate limit and the body pre-scan in front of the endpoints. On {@code /fhir} the filters run in this
 * order: {@link RateLimitFilter} (429), SMART authentication (401), {@link RequestSizeLimitFilter} (buffers the body,
 * 413), {@link BodyPreScanFilter}; on {@code /vcs} and {@code /oauth}: {@link RequestSizeLimitFilter}, {@link RateLimitFilter},
 * {@link BodyPreScanFilter} (400/413), then HAPI or the controllers.
 */
@Configuration(proxyBeanMethods = false)
public class LimitsConfig {

    private static final Set<String> BODYLESS = Set.of("GET", "HEAD", "DELETE", "OPTIONS");

    @Bean
    public FilterRegistrationBean<RateLimitFilter> rateLimit(RateLimitProperties properties,
                                                             VcsRequestAuthenticator authenticator) {
        FilterRegistrationBean<RateLimitFilter> registration = new FilterRegistrationBean<>(
                new RateLimitFilter(properties, request -> signedOrganisation(request, authenticator).map(o -> "vcs:" + o)));
        registration.addUrlPatterns("/vcs/*", "/oauth/*");
        registration.setOrder(RateLimitFilter.ORDER);
        return registration;
    }

    /**
     * On {@code /fhir} the limit comes before authentication (which answers 401 without reading the body), keyed by
     * the client of a valid access token, else the address: a flood of missing or forged tokens is throttled too.
     */
    @Bean
    public FilterRegistrationBean<RateLimitFilter> fhirRateLimit(RateLimitProperties properties, SmartTokens tokens) {
        FilterRegistrationBean<RateLimitFilter> registration = new FilterRegistrationBean<>(
                new RateLimitFilter(properties, request -> bearerClient(request, tokens)));
        registration.addUrlPatterns("/fhir/*", "/fhir");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 3);
        return registration;
    }

    private static Optional<String> bearerClient(HttpServletRequest request, SmartTokens tokens) {
        String header = request.getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        return tokens.verify(header.substring(7).trim()).map(caller -> "client:" + caller.clientId());
    }

    @Bean
    public FilterRegistrationBean<BodyPreScanFilter> bodyPreScan(LimitsProperties limits, FhirProperties fhir) {
        FilterRegistrationBean<BodyPreScanFilter> registration =
                new FilterRegistrationBean<>(new BodyPreScanFilter(new BodyPreScan(limits, fhir.maxBundleEntries())));
        registration.addUrlPatterns("/fhir/*", "/vcs/*");
        registration.setOrder(RateLimitFilter.ORDER + 10);
        return registration;
    }

    /** Tomcat's own refusals (oversized headers, bad URLs) answered as OperationOutcome or problem+json. */
    @Bean
    public WebServerFactoryCustomizer<TomcatServletWebServerFactory> containerErrorAnswers() {
        // The host adds its error report valve when it starts, innermost: it reports before any other.
        return factory -> factory.addContextCustomizers(context -> {
            if (context.getParent() instanceof StandardHost host) {
                host.setErrorReportValveClass(ContainerErrorValve.class.getName());
            }
        });
    }

    /** The VCS organisation whose signature on this request verifies (the body is the one the size filter buffered). */
    private static Optional<String> signedOrganisation(HttpServletRequest request, VcsRequestAuthenticator authenticator) {
        String organisation = request.getHeader("webhook-organisation");
        String signature = request.getHeader("webhook-signature");
        if (organisation == null || signature == null) {
            return Optional.empty();
        }
        Optional<byte[]> body = RequestSizeLimitFilter.bufferedBody(request);
        if (body.isEmpty() && !BODYLESS.contains(request.getMethod())) {
            return Optional.empty();
        }
        return authenticator.verifiedOrganisation(organisation, request.getHeader("webhook-id"),
                request.getHeader("webhook-timestamp"), signature, body.orElse(new byte[0]));
    }
}
