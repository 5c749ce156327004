package org.spgateway.consent.decision;

import org.spgateway.consent.DataClass;
import org.spgateway.consent.RecipientRole;
import org.spgateway.consent.policy.Rule;

/**
 * The policy cell that applied to a class decision, as cited in the audit log.
 *
 * @param policyVersion version of the sharing policy
 * @param role          the recipient's role (column)
 * @param dataClass     the data class (row)
 * @param rule          the rule in that cell
 */
public record PolicyRuleRef(String policyVersion, RecipientRole role, DataClass dataClass, Rule rule) {
}
