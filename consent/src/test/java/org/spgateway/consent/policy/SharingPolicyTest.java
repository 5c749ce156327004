package org.spgateway.consent.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.spgateway.consent.DataClass;
import org.spgateway.consent.Purpose;
import org.spgateway.consent.RecipientRole;

class SharingPolicyTest {

    @Test
    void refusesAPolicyBuiltInCodeWithAMissingCell() {
        var rules = permitEverything();
        rules.get(DataClass.GOALS).remove(RecipientRole.ADVICE_SERVICE);

        assertThatIllegalArgumentException()
                .isThrownBy(() -> new SharingPolicy("v1", null, Set.of(Purpose.SOCIAL_PRESCRIBING_REFERRAL), rules))
                .withMessageContaining("goals / advice-service");
    }

    @Test
    void refusesAPolicyWithoutPurposes() {
        assertThatIllegalArgumentException().isThrownBy(() -> new SharingPolicy("v1", null, Set.of(),
                permitEverything())).withMessageContaining("purpose");
    }

    @Test
    void isNotChangedByLaterEditsToTheMapsItWasBuiltFrom() {
        var rules = permitEverything();
        var policy = new SharingPolicy("v1", null, Set.of(Purpose.SOCIAL_PRESCRIBING_REFERRAL), rules);

        rules.get(DataClass.MEDICATIONS).put(RecipientRole.ACTIVITY_PROVIDER, Rule.DENY);

        assertThat(policy.rule(RecipientRole.ACTIVITY_PROVIDER, DataClass.MEDICATIONS)).isEqualTo(Rule.PERMIT);
    }

    private static Map<DataClass, Map<RecipientRole, Rule>> permitEverything() {
        var rules = new EnumMap<DataClass, Map<RecipientRole, Rule>>(DataClass.class);
        for (DataClass dataClass : DataClass.values()) {
            var row = new EnumMap<RecipientRole, Rule>(RecipientRole.class);
            for (RecipientRole role : RecipientRole.values()) {
                row.put(role, Rule.PERMIT);
            }
            rules.put(dataClass, row);
        }
        return rules;
    }
}
