package org.spgateway.gateway.security;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * People who log in to the IG and operator pages and APIs.
 *
 * @param accounts     the accounts; passwords as Spring Security encoded values, e.g. {@code {bcrypt}$2a$10$...}
 *                     (produce one with {@code java -jar spgateway-gateway.jar --hash-password}); read them from
 *                     the environment or a secrets file, never commit them
 * @param demoAccounts the embedded default's demo accounts: {@code ig-lead} and {@code operator} with random
 *                     passwords generated once into the data directory and printed at start-up. Switch off in
 *                     production.
 */
@ConfigurationProperties("spgateway.security")
public record SecurityProperties(@DefaultValue List<Account> accounts, @DefaultValue("false") boolean demoAccounts) {

    /**
     * One login.
     *
     * @param username the login name, recorded as the actor in the audit log
     * @param password the encoded password
     * @param roles    any of {@code IG_LEAD}, {@code OPERATOR}
     */
    public record Account(String username, String password, @DefaultValue List<String> roles) {
    }
}
