package org.spgateway.gateway.limits;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;
import java.util.Set;
import org.spgateway.gateway.config.FhirProperties;
import org.spgateway.gateway.fhir.RequestSizeLimitFilter;
import org.spgateway.gateway.vcs.VcsRequestAuthenticator;
import org.apache.catalina.core.StandardHost;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Puts the rate limit and the body pre-scan in front of the endpoints. The filters run in this order:
 * {@link RequestSizeLimitFilter} (buffers the body, 413), any authentication filter, {@link RateLimitFilter} (429),
 * {@link BodyPreScanFilter} (400/413), then HAPI or the controllers.
 */
@Configuration(proxyBeanMethods = false)
public class LimitsConfig {

    private static final Set<String> BODYLESS = Set.of("GET", "HEAD", "DELETE", "OPTIONS");

    @Bean
    public FilterRegistrationBean<RateLimitFilter> rateLimit(RateLimitProperties properties,
                                                             VcsRequestAuthenticator authenticator) {
        FilterRegistrationBean<RateLimitFilter> registration = new FilterRegistrationBean<>(
                new RateLimitFilter(properties, request -> signedOrganisation(request, authenticator)));
        registration.addUrlPatterns("/fhir/*", "/vcs/*", "/oauth/*");
        registration.setOrder(RateLimitFilter.ORDER);
        return registration;
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
