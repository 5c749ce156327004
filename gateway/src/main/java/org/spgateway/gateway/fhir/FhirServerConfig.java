package org.spgateway.gateway.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.server.IResourceProvider;
import java.util.List;
import org.spgateway.gateway.config.FhirProperties;
import org.spgateway.gateway.fhir.provider.TransactionProvider;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/** Mounts the FHIR server at {@code /fhir} with its request-size limit in front. */
@Configuration(proxyBeanMethods = false)
public class FhirServerConfig {

    @Bean
    public ServletRegistrationBean<GatewayFhirServer> fhirServlet(FhirContext fhirContext, List<IResourceProvider> providers,
                                                                  TransactionProvider transactions, ResourceValidator validator,
                                                                  FhirProperties properties,
                                                                  org.spgateway.gateway.audit.AuditLog audit,
                                                                  org.spgateway.gateway.security.SmartProperties smart,
                                                                  org.spgateway.ig.FhirPackage fhirPackage) {
        List<Object> interceptors = List.of(
                new org.spgateway.gateway.security.SmartScopeInterceptor(audit, smart),
                new CapabilityStatementProfiles(fhirPackage),
                new IncomingResourceInterceptor(fhirContext, validator),
                new ErrorSanitisingInterceptor());
        GatewayFhirServer server = new GatewayFhirServer(fhirContext, providers, transactions, interceptors, properties);
        ServletRegistrationBean<GatewayFhirServer> registration = new ServletRegistrationBean<>(server, "/fhir/*");
        registration.setName("fhir");
        registration.setLoadOnStartup(1);
        return registration;
    }

    /** Authentication comes first: an anonymous caller gets 401 before any body is read. */
    @Bean
    public FilterRegistrationBean<org.spgateway.gateway.security.SmartFhirFilter> smartFhirFilter(
            org.spgateway.gateway.security.SmartTokens tokens, org.spgateway.gateway.security.SmartProperties smart,
            FhirContext fhirContext) {
        FilterRegistrationBean<org.spgateway.gateway.security.SmartFhirFilter> registration =
                new FilterRegistrationBean<>(new org.spgateway.gateway.security.SmartFhirFilter(tokens, smart, fhirContext));
        registration.addUrlPatterns("/fhir/*", "/fhir", "/.well-known/smart-configuration");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 5);
        return registration;
    }

    @Bean
    public FilterRegistrationBean<RequestSizeLimitFilter> fhirRequestSizeLimit(FhirProperties properties) {
        FilterRegistrationBean<RequestSizeLimitFilter> registration =
                new FilterRegistrationBean<>(new RequestSizeLimitFilter(properties.maxBodyBytes()));
        registration.addUrlPatterns("/fhir/*", "/vcs/*", "/operator/*");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
        return registration;
    }
}
