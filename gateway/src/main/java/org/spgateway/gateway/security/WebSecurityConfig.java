package org.spgateway.gateway.security;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.spgateway.gateway.vcs.Problem;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.AuthenticationEventPublisher;
import org.springframework.security.authentication.DefaultAuthenticationEventPublisher;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandlerImpl;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;

/**
 * Three kinds of caller, three filter chains:
 * <ol>
 *   <li>the IG and operator JSON APIs ({@code /ig/v1/**}, {@code /operator/**}, {@code /actuator/**} but health):
 *       HTTP Basic on every request, no session, no cookies, so no CSRF; problem+json 401/403;</li>
 *   <li>the web pages ({@code /ui/**}, {@code /login}, {@code /logout}): form login, a session, CSRF tokens on every
 *       form;</li>
 *   <li>machine endpoints ({@code /fhir/**}, {@code /vcs/**}): authenticated by their own schemes (the VCS
 *       signature check in {@code VcsRequestAuthenticator}); Spring Security keeps no session for them.</li>
 * </ol>
 * Every failed login and every refused request is audited ({@link SecurityAudit}).
 */
@Configuration(proxyBeanMethods = false)
public class WebSecurityConfig {

    @Bean
    public AuthenticationEventPublisher authenticationEventPublisher(ApplicationEventPublisher publisher) {
        return new DefaultAuthenticationEventPublisher(publisher);
    }

    @Bean
    @Order(1)
    public SecurityFilterChain peopleApis(HttpSecurity http, SecurityAudit audit) throws Exception {
        http.securityMatcher("/ig/v1/**", "/operator/**", "/actuator/**")
                .authorizeHttpRequests(a -> a
                        .requestMatchers("/actuator/health", "/actuator/health/**", "/actuator/info").permitAll()
                        .requestMatchers("/ig/v1/**").hasRole(Roles.IG_LEAD)
                        .anyRequest().hasRole(Roles.OPERATOR))
                .httpBasic(basic -> basic.authenticationEntryPoint((request, response, e) -> unauthorised(response)))
                .exceptionHandling(e -> e
                        .authenticationEntryPoint((request, response, ex) -> unauthorised(response))
                        .accessDeniedHandler((request, response, ex) -> {
                            audit.denied(request, ex);
                            problem(response, Problem.of(HttpStatus.FORBIDDEN, "forbidden", "Forbidden",
                                    "Your login does not have the role this needs"));
                        }))
                .csrf(csrf -> csrf.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .securityContext(c -> c.securityContextRepository(new RequestAttributeSecurityContextRepository()))
                .requestCache(cache -> cache.disable());
        return http.build();
    }

    @Bean
    @Order(2)
    public SecurityFilterChain webPages(HttpSecurity http, SecurityAudit audit) throws Exception {
        AccessDeniedHandlerImpl deniedPage = new AccessDeniedHandlerImpl();
        deniedPage.setErrorPage("/ui/denied");
        http.securityMatcher("/ui/**", "/login", "/logout")
                .authorizeHttpRequests(a -> a
                        .requestMatchers("/login", "/ui/app.css").permitAll()
                        .requestMatchers("/ui/ig/**").hasRole(Roles.IG_LEAD)
                        .requestMatchers("/ui/dashboard").hasAnyRole(Roles.IG_LEAD, Roles.SCHEME_MANAGER)
                        .requestMatchers("/ui/operator/**").hasRole(Roles.OPERATOR)
                        .anyRequest().authenticated())
                .formLogin(form -> form.loginPage("/login").defaultSuccessUrl("/ui", false).permitAll())
                .logout(logout -> logout.logoutUrl("/logout").logoutSuccessUrl("/login?logout"))
                .exceptionHandling(e -> e.accessDeniedHandler((request, response, ex) -> {
                    audit.denied(request, ex);
                    deniedPage.handle(request, response, ex);
                }))
                .headers(h -> h.contentSecurityPolicy(csp -> csp.policyDirectives(
                        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'")));
        return http.build();
    }

    /**
     * The OpenAPI document and its browsable UI: open to anyone (integrators have no login; the document holds no
     * data), read-only, no session, and a CSP that lets Swagger UI run its own scripts from this origin only (its
     * React components set inline styles, hence 'unsafe-inline' for styles here and nowhere else).
     */
    @Bean
    @Order(3)
    public SecurityFilterChain apiDocs(HttpSecurity http) throws Exception {
        http.securityMatcher("/v3/api-docs", "/v3/api-docs/**", "/swagger-ui.html", "/swagger-ui/**")
                .authorizeHttpRequests(a -> a.requestMatchers(org.springframework.http.HttpMethod.GET).permitAll()
                        .anyRequest().denyAll())
                .csrf(csrf -> csrf.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(cache -> cache.disable())
                .headers(h -> h.contentSecurityPolicy(csp -> csp.policyDirectives("default-src 'self'; img-src 'self' data:;"
                        + " style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'")));
        return http.build();
    }

    /**
     * The demo VCS inbox ({@code /demo/**}, only with {@code spgateway.demo.vcs-inbox.enabled}): no login (it plays a
     * charity's own system, not a gateway user), CSRF tokens on its forms, the pages' CSP. Its webhook receiver is
     * authenticated by the webhook signature, so it takes no CSRF token.
     */
    @Bean
    @Order(4)
    public SecurityFilterChain demoInbox(HttpSecurity http) throws Exception {
        http.securityMatcher("/demo/**")
                .authorizeHttpRequests(a -> a.anyRequest().permitAll())
                .csrf(csrf -> csrf.ignoringRequestMatchers("/demo/vcs/webhook"))
                .requestCache(cache -> cache.disable())
                .headers(h -> h.contentSecurityPolicy(csp -> csp.policyDirectives(
                        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'")));
        return http.build();
    }

    @Bean
    @Order(5)
    public SecurityFilterChain machines(HttpSecurity http) throws Exception {
        http.authorizeHttpRequests(a -> a.anyRequest().permitAll())
                .csrf(csrf -> csrf.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .securityContext(c -> c.securityContextRepository(new RequestAttributeSecurityContextRepository()))
                .requestCache(cache -> cache.disable())
                .httpBasic(basic -> basic.disable())
                .formLogin(form -> form.disable())
                .logout(logout -> logout.disable())
                .headers(Customizer.withDefaults());
        return http.build();
    }

    private static void unauthorised(HttpServletResponse response) throws IOException {
        response.setHeader("WWW-Authenticate", "Basic realm=\"spgateway\"");
        problem(response, Problem.of(HttpStatus.UNAUTHORIZED, "unauthenticated", "Not authenticated",
                "Log in with an IG lead or operator account (HTTP Basic)"));
    }

    private static void problem(HttpServletResponse response, Problem problem) throws IOException {
        response.setStatus(problem.status().value());
        response.setContentType(Problem.PROBLEM_JSON.toString());
        response.getWriter().write(problem.toJson());
    }
}
