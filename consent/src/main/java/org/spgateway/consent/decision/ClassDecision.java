package org.spgateway.consent.decision;

import java.util.Objects;
import org.spgateway.consent.DataClass;

/**
 * The decision for one data class: {@link Permit} or {@link Deny}, each saying why, which policy cell applied and
 * which part of the consent (if any) decided.
 */
public sealed interface ClassDecision permits ClassDecision.Permit, ClassDecision.Deny {

    /** The class decided. */
    DataClass dataClass();

    /** Plain-English reason, fit for the IG page and the audit log (never contains patient data). */
    String reason();

    /** The policy cell that applied. */
    PolicyRuleRef rule();

    /** The consent part that decided, or {@code null} if the policy or request alone decided. */
    ConsentRef consent();

    /** Whether the class may be sent. */
    boolean permitted();

    /**
     * The class may be sent.
     *
     * @param dataClass the class
     * @param reason    why
     * @param rule      the policy cell
     * @param consent   the consent part that permitted it, or {@code null} for non-identifiable classes the policy
     *                  alone permits
     */
    record Permit(DataClass dataClass, String reason, PolicyRuleRef rule, ConsentRef consent)
            implements ClassDecision {
        public Permit {
            Objects.requireNonNull(dataClass, "dataClass");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(rule, "rule");
        }

        @Override
        public boolean permitted() {
            return true;
        }
    }

    /**
     * The class must be withheld.
     *
     * @param dataClass the class
     * @param ground    the kind of reason
     * @param reason    why, in words
     * @param rule      the policy cell
     * @param consent   the consent part that denied it, or {@code null}
     */
    record Deny(DataClass dataClass, DenyGround ground, String reason, PolicyRuleRef rule, ConsentRef consent)
            implements ClassDecision {
        public Deny {
            Objects.requireNonNull(dataClass, "dataClass");
            Objects.requireNonNull(ground, "ground");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(rule, "rule");
        }

        @Override
        public boolean permitted() {
            return false;
        }
    }
}
