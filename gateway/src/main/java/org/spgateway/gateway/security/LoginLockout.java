package org.spgateway.gateway.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;
import org.spgateway.gateway.audit.AuditEntry;
import org.spgateway.gateway.audit.AuditLog;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.context.event.EventListener;
import org.springframework.security.authentication.event.AuthenticationFailureBadCredentialsEvent;
import org.springframework.security.authentication.event.AuthenticationSuccessEvent;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.stereotype.Component;

/**
 * Stops password guessing on the IG and operator logins: after {@code max-failures} wrong passwords in a row for one
 * login name, that name is locked for {@code lock-duration} (the right password is refused too, so guessing gains
 * nothing), then gets {@code max-failures} more tries. Names that do not exist lock the same way, so a lockout
 * reveals nothing about which accounts exist. A lock is audited as {@code auth.locked}; a successful login clears the
 * count. The counts are per node and in memory (a bounded cache): with N nodes an attacker gets at most N times the
 * tries, which the rate limit in front and the audit trail make visible.
 */
@Component
public class LoginLockout {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_NAMES = 10_000;

    /** {@code spgateway.security.login-lockout}. */
    @org.springframework.validation.annotation.Validated
    @ConfigurationProperties("spgateway.security.login-lockout")
    public record Properties(@DefaultValue("true") boolean enabled,
                             @DefaultValue("5") @jakarta.validation.constraints.Min(1) int maxFailures,
                             @DefaultValue("15m") @org.hibernate.validator.constraints.time.DurationMin(seconds = 1)
                             Duration lockDuration) {
        public Properties {
            if (maxFailures < 1) {
                throw new IllegalStateException("spgateway.security.login-lockout.max-failures must be 1 or more, was " + maxFailures);
            }
        }
    }

    private record Failures(int count, Instant lockedUntil) {
    }

    private final Properties properties;
    private final AuditLog audit;
    private final Clock clock;
    private final Cache<String, Failures> failures;
    private final String lockedPassword;

    public LoginLockout(Properties properties, AuditLog audit, Clock clock) {
        this.properties = properties;
        this.audit = audit;
        this.clock = clock;
        this.failures = Caffeine.newBuilder().maximumSize(MAX_NAMES)
                .expireAfterWrite(properties.lockDuration().plusHours(1)).build();
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        this.lockedPassword = "{noop}" + Base64.getEncoder().encodeToString(random);
    }

    private static String key(String username) {
        String name = username == null ? "" : username.trim().toLowerCase(Locale.ROOT);
        return name.length() > 200 ? name.substring(0, 200) : name;
    }

    /** Whether the login name is locked now. */
    public boolean locked(String username) {
        if (!properties.enabled()) {
            return false;
        }
        Failures f = failures.getIfPresent(key(username));
        return f != null && f.lockedUntil() != null && clock.instant().isBefore(f.lockedUntil());
    }

    /** The accounts, with a locked name answered as a locked account (Spring Security then refuses it unchecked). */
    public UserDetailsService guard(UserDetailsService accounts) {
        return username -> {
            if (!locked(username)) {
                return accounts.loadUserByUsername(username);
            }
            UserDetails user;
            try {
                user = accounts.loadUserByUsername(username);
            } catch (UsernameNotFoundException unknown) {
                user = User.withUsername(username).password(lockedPassword).roles().build();
            }
            return User.withUserDetails(user).accountLocked(true).build();
        };
    }

    @EventListener
    public void failed(AuthenticationFailureBadCredentialsEvent event) {
        if (!properties.enabled()) {
            return;
        }
        String name = key(event.getAuthentication().getName());
        Instant now = clock.instant();
        Failures after = failures.asMap().compute(name, (k, before) -> {
            int count = before == null || (before.lockedUntil() != null && !now.isBefore(before.lockedUntil()))
                    ? 1 : before.count() + 1;
            return new Failures(count, count >= properties.maxFailures() ? now.plus(properties.lockDuration()) : null);
        });
        if (after.count() == properties.maxFailures()) {
            ObjectNode details = JSON.createObjectNode();
            details.put("claimedUser", name);
            details.put("failures", after.count());
            details.put("lockedUntil", after.lockedUntil().toString());
            audit.appendAlone(new AuditEntry("auth.locked", "unauthenticated", null, null, null, details));
        }
    }

    @EventListener
    public void succeeded(AuthenticationSuccessEvent event) {
        failures.invalidate(key(event.getAuthentication().getName()));
    }
}
