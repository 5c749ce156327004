package org.spgateway.consent.policy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.spgateway.consent.DataClass;
import org.spgateway.consent.Purpose;
import org.spgateway.consent.RecipientRole;

/**
 * A complete, immutable sharing policy: a rule for every role and every data class. Completeness is checked here
 * as well as by the loader, so no code path can hold a policy with a gap (a gap would otherwise have to be read as
 * permit or deny by guesswork).
 *
 * @param version     version label, recorded with every disclosure
 * @param description free text for the IG page, may be empty
 * @param purposes    purposes of use this policy covers; disclosures for any other purpose are denied
 * @param rules       rule per data class per role
 */
public record SharingPolicy(String version, String description, Set<Purpose> purposes,
                            Map<DataClass, Map<RecipientRole, Rule>> rules) {

    public SharingPolicy {
        Objects.requireNonNull(version, "version");
        if (version.isBlank()) {
            throw new IllegalArgumentException("policy version must not be blank");
        }
        description = description == null ? "" : description;
        if (purposes == null || purposes.isEmpty()) {
            throw new IllegalArgumentException("policy must cover at least one purpose");
        }
        purposes = Collections.unmodifiableSet(new LinkedHashSet<>(purposes));
        Objects.requireNonNull(rules, "rules");
        var copy = new EnumMap<DataClass, Map<RecipientRole, Rule>>(DataClass.class);
        for (DataClass dataClass : DataClass.values()) {
            var row = rules.get(dataClass);
            if (row == null) {
                throw new IllegalArgumentException("policy has no rules for data class " + dataClass.id());
            }
            var rowCopy = new EnumMap<RecipientRole, Rule>(RecipientRole.class);
            for (RecipientRole role : RecipientRole.values()) {
                var rule = row.get(role);
                if (rule == null) {
                    throw new IllegalArgumentException(
                            "policy has no rule for " + dataClass.id() + " / " + role.id());
                }
                rowCopy.put(role, rule);
            }
            copy.put(dataClass, Collections.unmodifiableMap(rowCopy));
        }
        rules = Collections.unmodifiableMap(copy);
    }

    /** The rule for {@code dataClass} when sent to a recipient in {@code role}. */
    public Rule rule(RecipientRole role, DataClass dataClass) {
        return rules.get(dataClass).get(role);
    }

    /** Whether this policy covers disclosures for {@code purpose} at all. */
    public boolean covers(Purpose purpose) {
        return purposes.contains(purpose);
    }

    /** The policy as a table for the IG page: a row per data class, a column per role, each cell the rule text. */
    public PolicyTable table() {
        var rows = new ArrayList<PolicyTable.Row>();
        for (DataClass dataClass : DataClass.values()) {
            var cells = new ArrayList<PolicyTable.Cell>();
            for (RecipientRole role : RecipientRole.values()) {
                var rule = rule(role, dataClass);
                cells.add(new PolicyTable.Cell(role, rule, rule.text()));
            }
            rows.add(new PolicyTable.Row(dataClass, dataClass.label(), dataClass.identifiable(), cells));
        }
        return new PolicyTable(version, description, List.copyOf(purposes), List.of(RecipientRole.values()), rows);
    }
}
