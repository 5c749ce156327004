package org.spgateway.gateway.security;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;

/**
 * The logins: accounts from configuration ({@code spgateway.security.accounts}), plus, on the embedded default, two
 * demo accounts whose random passwords are generated once into {@code <data-dir>/demo-accounts.properties} and
 * printed at start-up. A misconfigured account stops start-up with a message naming the key and the fix.
 */
@Configuration(proxyBeanMethods = false)
public class Accounts {

    /** The demo logins the embedded default creates: user name to role. */
    public static final Map<String, String> DEMO = Map.of("ig-lead", Roles.IG_LEAD, "operator", Roles.OPERATOR);

    @Bean
    public PasswordEncoder passwordEncoder() {
        return PasswordEncoderFactories.createDelegatingPasswordEncoder();
    }

    @Bean
    public DemoAccounts demoAccounts(SecurityProperties properties,
                                     @Value("${spgateway.data-dir:./data}") String dataDir) throws IOException {
        if (!properties.demoAccounts()) {
            return new DemoAccounts(Map.of(), null);
        }
        Path file = Path.of(dataDir).resolve("demo-accounts.properties");
        Properties saved = new Properties();
        if (Files.exists(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                saved.load(in);
            }
        }
        Map<String, String> passwords = new LinkedHashMap<>();
        boolean changed = false;
        for (String user : List.of("ig-lead", "operator")) {
            String password = saved.getProperty(user);
            if (password == null || password.isBlank()) {
                password = randomPassword();
                saved.setProperty(user, password);
                changed = true;
            }
            passwords.put(user, password);
        }
        if (changed) {
            java.io.StringWriter text = new java.io.StringWriter();
            saved.store(text, "spgateway demo logins (embedded default only). Delete this file to get new passwords;"
                    + " set spgateway.security.demo-accounts=false and configure spgateway.security.accounts in production.");
            org.spgateway.gateway.config.SecretFiles.write(file, text.toString());
        }
        return new DemoAccounts(passwords, file);
    }

    @Bean
    public UserDetailsService userDetailsService(SecurityProperties properties, DemoAccounts demo, PasswordEncoder encoder,
                                                 LoginLockout lockout) {
        List<UserDetails> users = new ArrayList<>();
        List<SecurityProperties.Account> accounts = properties.accounts();
        for (int i = 0; i < accounts.size(); i++) {
            SecurityProperties.Account account = accounts.get(i);
            String key = "spgateway.security.accounts[" + i + "]";
            if (account.username() == null || account.username().isBlank()) {
                throw new IllegalStateException(key + ".username is empty: give every account a login name");
            }
            if (account.password() == null || !account.password().startsWith("{")) {
                throw new IllegalStateException(key + ".password must be an encoded password such as {bcrypt}$2a$10$...:"
                        + " produce one with `java -jar spgateway-gateway.jar --hash-password`");
            }
            if (account.roles().isEmpty() || !Roles.ALL.containsAll(account.roles())) {
                throw new IllegalStateException(key + ".roles must list one or more of " + Roles.ALL + ", was " + account.roles());
            }
            if (DEMO.containsKey(account.username()) && properties.demoAccounts()) {
                throw new IllegalStateException(key + ".username '" + account.username() + "' is a demo login: rename it or"
                        + " set spgateway.security.demo-accounts=false");
            }
            users.add(User.withUsername(account.username()).password(account.password())
                    .roles(account.roles().toArray(String[]::new)).build());
        }
        demo.passwords().forEach((user, password) -> users.add(User.withUsername(user)
                .password(encoder.encode(password)).roles(DEMO.get(user)).build()));
        if (users.isEmpty()) {
            // No logins at all: IG and operator pages stay closed to everyone rather than open to anyone.
            users.add(User.withUsername("no-login-configured").password("{noop}" + randomPassword()).roles().build());
        }
        return lockout.guard(new InMemoryUserDetailsManager(users));
    }

    private static String randomPassword() {
        byte[] bytes = new byte[15];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The embedded default's demo logins and where their passwords are kept. */
    public record DemoAccounts(Map<String, String> passwords, Path file) {
        public Set<String> users() {
            return passwords.keySet();
        }
    }
}
