package org.spgateway.gateway.config;

import ca.uhn.fhir.context.FhirContext;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Beans shared by every feature: one FhirContext (expensive to build) and the clock. */
@Configuration(proxyBeanMethods = false)
public class CoreConfig {

    @Bean
    public FhirContext fhirContext() {
        return FhirContext.forR4Cached();
    }

    @Bean
    public Clock clock() {
        return Clock.systemUTC();
    }
}
