package org.spgateway.gateway.config;

import org.slf4j.Logger;
import org.spgateway.gateway.security.Accounts;
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
    private final Accounts.DemoAccounts demo;

    public ReadyBanner(Environment environment, Accounts.DemoAccounts demo) {
        this.environment = environment;
        this.demo = demo;
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
                   IG lead and operator pages:  {}/ui
                   Database:                    {}{}
                ==============================================================""",
                base, base, base, base, database(), demoLogins());
    }

    /** The embedded default's directory, or the database URL without its parameters (which may hold secrets). */
    private String database() {
        String url = environment.getProperty("spring.datasource.url", "");
        return url.startsWith("jdbc:h2:")
                ? "H2 file in " + environment.getProperty("spgateway.data-dir", "./data")
                : url.replaceFirst("\\?.*", "");
    }

    /** The embedded default's demo logins: printed so a newcomer can log in; never in production. */
    private String demoLogins() {
        if (demo.passwords().isEmpty()) {
            return "";
        }
        StringBuilder text = new StringBuilder("\n   Demo logins (embedded default only; kept in " + demo.file() + "):");
        demo.passwords().forEach((user, password) -> text.append("\n     ").append(String.format("%-9s", user))
                .append(" password ").append(password));
        if (environment.getProperty("spgateway.security.smart.demo-client", Boolean.class, false)) {
            text.append("\n   Demo GP system: client demo-gp, key ").append(environment.getProperty("spgateway.data-dir", "./data"))
                    .append("/demo-gp-client.pem; get a FHIR access token with tools/smart-token.sh");
        }
        text.append("\n   Production: set spgateway.security.demo-accounts=false and configure spgateway.security.accounts")
                .append("\n   (encoded passwords: java -jar spgateway-gateway.jar --hash-password)");
        return text.toString();
    }
}
