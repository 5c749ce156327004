package org.spgateway.gateway.limits;

import org.spgateway.gateway.config.FhirProperties;
import org.spgateway.gateway.fhir.RequestSizeLimitFilter;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Puts the body pre-scan in front of the endpoints: {@link RequestSizeLimitFilter} (buffers the body, 413), then
 * {@link BodyPreScanFilter} (400/413), then HAPI or the controllers.
 */
@Configuration(proxyBeanMethods = false)
public class LimitsConfig {

    @Bean
    public FilterRegistrationBean<BodyPreScanFilter> bodyPreScan(LimitsProperties limits, FhirProperties fhir) {
        FilterRegistrationBean<BodyPreScanFilter> registration =
                new FilterRegistrationBean<>(new BodyPreScanFilter(new BodyPreScan(limits, fhir.maxBundleEntries())));
        registration.addUrlPatterns("/fhir/*", "/vcs/*");
        registration.setOrder(10);
        return registration;
    }
}
