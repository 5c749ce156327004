package org.spgateway.gateway.fhir.fastpath;

import ca.uhn.fhir.context.support.ConceptValidationOptions;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.context.support.ValidationSupportContext;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Code checks through the same terminology services the full validator uses, remembered: a referral's codes come
 * from small sets (statuses, genders, a few code systems), so after warm-up nearly every check is a map look-up.
 * A code is "clean" only when the service says so with no error; anything else makes the fast path defer.
 */
final class Terminology {

    private static final int MAX_REMEMBERED = 50_000;

    private final IValidationSupport support;
    private final IValidationSupport known;
    private final Map<String, Boolean> remembered = new ConcurrentHashMap<>();

    /**
     * @param support the full validator's terminology (including its unknown-code-system warnings)
     * @param known   the same without the unknown-code-system module: what can actually be checked
     */
    Terminology(IValidationSupport support, IValidationSupport known) {
        this.support = support;
        this.known = known;
    }

    /** The code system can be checked here (SNOMED CT, for one, cannot: the full validator only warns about it). */
    boolean knows(String system) {
        String key = "known|" + system;
        Boolean k = remembered.get(key);
        if (k == null) {
            try {
                k = known.isCodeSystemSupported(new ValidationSupportContext(known), system);
            } catch (RuntimeException e) {
                k = true; // treated as known, so its codes are checked (and defer if they cannot be)
            }
            remembered.put(key, k);
        }
        return k;
    }

    /** The code is valid in its code system; an unknown system (a warning in the full validator) is clean. */
    boolean codeSystemAccepts(String system, String code, String display) {
        if (!knows(system)) {
            return true;
        }
        return check("cs|" + system + "|" + code + "|" + display, system, code, display, null, false);
    }

    /** The code (with its system, or inferred when none) is in the value set. */
    boolean valueSetContains(String valueSet, String system, String code, String display) {
        return check("vs|" + valueSet + "|" + system + "|" + code + "|" + display, system, code, display, valueSet, system == null);
    }

    private boolean check(String key, String system, String code, String display, String valueSet, boolean infer) {
        Boolean known = remembered.get(key);
        if (known != null) {
            return known;
        }
        boolean clean;
        try {
            ConceptValidationOptions options = new ConceptValidationOptions().setInferSystem(infer);
            IValidationSupport.CodeValidationResult result = support.validateCode(new ValidationSupportContext(support),
                    options, system, code, display, valueSet);
            clean = result != null && result.isOk() && result.getSeverity() != IValidationSupport.IssueSeverity.ERROR
                    && result.getSeverity() != IValidationSupport.IssueSeverity.FATAL
                    && (valueSet == null || result.getSeverity() == null)
                    && (result.getIssues() == null || result.getIssues().stream().noneMatch(i ->
                            i.getSeverity() == IValidationSupport.IssueSeverity.ERROR
                                    || i.getSeverity() == IValidationSupport.IssueSeverity.FATAL));
        } catch (RuntimeException e) {
            clean = false;
        }
        if (remembered.size() < MAX_REMEMBERED) {
            remembered.put(key, clean);
        }
        return clean;
    }
}
