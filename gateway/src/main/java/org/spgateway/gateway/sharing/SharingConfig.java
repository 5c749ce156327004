package org.spgateway.gateway.sharing;

import java.nio.file.Path;
import org.spgateway.consent.decision.ConsentEngine;
import org.spgateway.consent.disclosure.DisclosureGate;
import org.spgateway.consent.disclosure.PolicyDisclosureGate;
import org.spgateway.consent.policy.SharingPolicy;
import org.spgateway.consent.policy.SharingPolicyLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The sharing policy (the default from the consent module, or the IG lead's file at {@code spgateway.sharing.policy-file})
 * and the disclosure gate built on it. A policy file that does not validate stops the start-up with a message naming
 * its line and key.
 */
@Configuration(proxyBeanMethods = false)
public class SharingConfig {

    private static final Logger log = LoggerFactory.getLogger(SharingConfig.class);

    @Bean
    public SharingPolicy sharingPolicy(@Value("${spgateway.sharing.policy-file:}") String policyFile) throws Exception {
        SharingPolicyLoader loader = new SharingPolicyLoader();
        SharingPolicy policy = policyFile.isBlank() ? loader.loadDefault() : loader.load(Path.of(policyFile));
        log.info("Sharing policy {} loaded from {}", policy.version(), policyFile.isBlank() ? "the built-in default" : policyFile);
        return policy;
    }

    @Bean
    public ConsentEngine consentEngine(SharingPolicy policy) {
        return new ConsentEngine(policy);
    }

    @Bean
    public DisclosureGate disclosureGate(ConsentEngine engine) {
        return new PolicyDisclosureGate(engine);
    }
}
