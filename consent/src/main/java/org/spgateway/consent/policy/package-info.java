/**
 * The sharing policy: for each recipient role and data class, one rule ({@code permit}, {@code deny} or
 * {@code explicit-consent}), plus the purposes of use it covers and a version recorded with every disclosure. It is
 * a YAML file an IG lead can read and edit without code; {@link org.spgateway.consent.policy.SharingPolicyLoader}
 * refuses a file with an unknown class, role or rule value, a missing row or cell, or no version, naming the line
 * and key, so a bad policy fails at start-up rather than leaking.
 */
package org.spgateway.consent.policy;
