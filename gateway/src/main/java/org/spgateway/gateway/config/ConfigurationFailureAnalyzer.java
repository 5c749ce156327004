package org.spgateway.gateway.config;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.validation.FieldError;
import org.springframework.validation.ObjectError;

/**
 * Start-up stops on a bad {@code spgateway.*} value with a message that names the key, says what is wrong, and
 * gives the fix in the two forms an operator uses (command line and environment variable) with the default as an
 * example. Secrets are never echoed. Registered in {@code META-INF/spring.factories}, ahead of Spring Boot's own
 * analyzers (whose action is only "update your application's configuration").
 */
@Order(Ordered.HIGHEST_PRECEDENCE)
public class ConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<BindException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, BindException cause) {
        if (cause.getName() == null || !cause.getName().toString().startsWith("spgateway.")) {
            return null;
        }
        // the record being bound: the outermost bind failure whose target is one (a conversion failure's own
        // target is the property's type)
        Class<?> target = null;
        org.springframework.boot.context.properties.ConfigurationPropertiesBindException bean =
                findCause(rootFailure, org.springframework.boot.context.properties.ConfigurationPropertiesBindException.class);
        if (bean != null && bean.getBeanType() != null && bean.getBeanType().isRecord()) {
            target = bean.getBeanType();
        }
        for (Throwable t = rootFailure; t != null && target == null; t = t.getCause()) {
            if (t instanceof BindException bind && bind.getTarget().getType().resolve() != null
                    && bind.getTarget().getType().resolve().isRecord()) {
                target = bind.getTarget().getType().resolve();
            }
        }
        List<Problem> problems = new ArrayList<>();
        BindValidationException validation = findCause(rootFailure, BindValidationException.class);
        if (validation != null) {
            String prefix = validation.getValidationErrors().getName().toString();
            for (ObjectError error : validation.getValidationErrors().getAllErrors()) {
                if (error instanceof FieldError field) {
                    String key = key(prefix, field.getField());
                    problems.add(new Problem(key, shown(key, field.getRejectedValue()), field.getDefaultMessage(),
                            defaultOf(target, key)));
                } else {
                    problems.add(new Problem(prefix, null, error.getDefaultMessage(), null));
                }
            }
        } else {
            String key = cause.getName().toString();
            ConfigurationProperty property = cause.getProperty();
            Throwable reason = cause.getCause() == null ? cause : cause.getCause();
            while (reason.getCause() != null) {
                reason = reason.getCause();
            }
            problems.add(new Problem(key, property == null ? null : shown(key, property.getValue()),
                    "cannot be read as " + expected(reason) + " (" + reason.getClass().getSimpleName() + ")",
                    defaultOf(target, key)));
        }
        StringBuilder description = new StringBuilder("The gateway's configuration has ").append(problems.size())
                .append(problems.size() == 1 ? " bad value:" : " bad values:");
        StringBuilder action = new StringBuilder();
        for (Problem p : problems) {
            description.append("\n  ").append(p.key()).append(p.value() == null ? "" : " = " + p.value()).append(": ")
                    .append(p.reason());
            String example = p.defaultValue() == null ? "<value>" : p.defaultValue();
            action.append("Fix ").append(p.key()).append(" (it ").append(p.reason()).append("): set it on the command line")
                    .append(" (--").append(p.key()).append('=').append(example).append("), in the environment (")
                    .append(environmentName(p.key())).append('=').append(example).append(") or in application.yml");
            if (p.defaultValue() != null) {
                action.append(", or remove it to use the default (").append(p.defaultValue()).append(')');
            }
            action.append(". See the configuration table in README.md and docs/operations.md.\n");
        }
        return new FailureAnalysis(description.toString(), action.toString().trim(), cause);
    }

    private record Problem(String key, String value, String reason, String defaultValue) {
    }

    /** The key as written in YAML: the prefix and the field in kebab case (fields may arrive as camelCase). */
    static String key(String prefix, String field) {
        String kebab = field.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
        return kebab.startsWith(prefix + ".") ? kebab : prefix + "." + kebab;
    }

    /** Spring Boot's relaxed binding name for the environment: SPGATEWAY_FHIR_MAXBODYBYTES, list indexes as _0_. */
    static String environmentName(String key) {
        return key.replace("[", ".").replace("]", "").replace("-", "").replace('.', '_').toUpperCase(Locale.ROOT);
    }

    private static String shown(String key, Object value) {
        String k = key.toLowerCase(Locale.ROOT);
        if (k.contains("secret") || k.contains("password") || k.contains("key") || k.contains("token-key") || k.contains("jwks")) {
            return "(not shown: a secret)";
        }
        if (value == null) {
            return "(not set)";
        }
        String text = String.valueOf(value);
        return '"' + (text.length() > 80 ? text.substring(0, 80) + "..." : text) + '"';
    }

    private static String expected(Throwable reason) {
        String message = String.valueOf(reason.getMessage());
        if (message.toLowerCase(Locale.ROOT).contains("duration") || reason.getClass().getName().contains("DateTime")) {
            return "a duration such as 500ms, 30s, 5m or 2h";
        }
        if (reason instanceof NumberFormatException) {
            return "a number";
        }
        return "the type this setting needs";
    }

    /** The @DefaultValue of the record component behind the key, if the key is a direct component of the record. */
    private static String defaultOf(Class<?> target, String key) {
        if (target == null || !target.isRecord()) {
            return null;
        }
        String last = key.substring(key.lastIndexOf('.') + 1);
        for (RecordComponent component : target.getRecordComponents()) {
            String kebab = component.getName().replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
            if (kebab.equals(last)) {
                DefaultValue value = component.getAnnotation(DefaultValue.class);
                if (value == null) {
                    try {
                        value = target.getDeclaredConstructor(java.util.Arrays.stream(target.getRecordComponents())
                                .map(RecordComponent::getType).toArray(Class[]::new)).getParameters()[indexOf(target, component)]
                                .getAnnotation(DefaultValue.class);
                    } catch (NoSuchMethodException e) {
                        return null;
                    }
                }
                return value == null || value.value().length == 0 ? null : String.join(",", value.value());
            }
        }
        return null;
    }

    private static int indexOf(Class<?> target, RecordComponent component) {
        RecordComponent[] all = target.getRecordComponents();
        for (int i = 0; i < all.length; i++) {
            if (all[i].getName().equals(component.getName())) {
                return i;
            }
        }
        return -1;
    }
}
