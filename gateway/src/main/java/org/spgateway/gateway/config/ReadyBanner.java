package org.spgateway.gateway.config;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/** Tells whoever started the gateway where it listens and where its data lives. */
@Component
public class ReadyBanner {

    private static final Logger log = LoggerFactory.getLogger(ReadyBanner.class);

    private final Environment environment;

    public ReadyBanner(Environment environment) {
        this.environment = environment;
    }

    @EventListener(ApplicationReadyEvent.class)
    public void ready() {
        String port = environment.getProperty("local.server.port", environment.getProperty("server.port", "8080"));
        String base = "http://localhost:" + port;
        log.info("""

                ==============================================================
                 spgateway is ready
                   FHIR endpoint (GP systems):  {}/fhir
                   CapabilityStatement:         {}/fhir/metadata
                   Health:                      {}/actuator/health
                   Data directory:              {}
                ==============================================================""",
                base, base, base, environment.getProperty("spgateway.data-dir", "./data"));
    }
}
