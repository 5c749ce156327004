package org.spgateway.gateway.fhir;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Holds the start-up back until the FHIR validator, built beside the rest of the application
 * ({@link ResourceValidator}), is ready: Spring Boot reports readiness (ACCEPTING_TRAFFIC) only after its runners, so
 * {@code /actuator/health/readiness} answers 200 only with the validator warm, and a validator that could not be built
 * fails the start-up as it did when it was built in the constructor.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class ValidatorReady implements ApplicationRunner {

    private final ResourceValidator validator;

    ValidatorReady(ResourceValidator validator) {
        this.validator = validator;
    }

    @Override
    public void run(ApplicationArguments args) {
        validator.ready();
    }
}
