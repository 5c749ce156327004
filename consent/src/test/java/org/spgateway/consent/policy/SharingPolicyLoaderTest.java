package org.spgateway.consent.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.InputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.spgateway.consent.DataClass;
import org.spgateway.consent.Purpose;
import org.spgateway.consent.RecipientRole;

class SharingPolicyLoaderTest {
    private final SharingPolicyLoader loader = new SharingPolicyLoader();

    @Test
    void loadsTheDefaultPolicyWithVersionAndPurpose() {
        SharingPolicy policy = loader.loadDefault();

        assertThat(policy.version()).isEqualTo("2026.1-default");
        assertThat(policy.purposes()).containsExactly(Purpose.SOCIAL_PRESCRIBING_REFERRAL);
        assertThat(policy.description()).contains("postcode district");
    }

    @Test
    void rendersTheDefaultPolicyAsATableOfClassesByRoles() {
        PolicyTable table = loader.loadDefault().table();

        assertThat(table.columns()).containsExactly(RecipientRole.LINK_WORKER_SERVICE, RecipientRole.ADVICE_SERVICE,
                RecipientRole.ACTIVITY_PROVIDER);
        assertThat(table.rows()).hasSize(16);
        var conditions = table.rows().get(DataClass.CONDITIONS.ordinal());
        assertThat(conditions.dataClass()).isEqualTo(DataClass.CONDITIONS);
        assertThat(conditions.label()).isEqualTo("Diagnoses / conditions");
        assertThat(conditions.cells()).extracting(PolicyTable.Cell::text)
                .containsExactly("only with explicit consent for this class", "no", "no");
    }

    @Test
    void acceptsBlockStyleRowsAndANumericVersion() {
        SharingPolicy policy = load("block-style.yaml");

        assertThat(policy.version()).isEqualTo("7");
        assertThat(policy.rule(RecipientRole.LINK_WORKER_SERVICE, DataClass.MEDICATIONS)).isEqualTo(Rule.PERMIT);
        assertThat(policy.rule(RecipientRole.ADVICE_SERVICE, DataClass.NAME)).isEqualTo(Rule.DENY);
    }

    @ParameterizedTest(name = "{0}: line {1}, key {2}")
    @CsvSource({
            "unknown-class.yaml,   21, rules.medicines",
            "unknown-role.yaml,    18, rules.goals.gym",
            "unknown-rule.yaml,    12, rules.address.activity-provider",
            "missing-role.yaml,    16, rules.nhs-number.activity-provider",
            "missing-class.yaml,    9, rules.safety-guidance",
            "missing-version.yaml,  1, version",
            "blank-version.yaml,    1, version",
            "unknown-key.yaml,      6, owner",
            "duplicate-class.yaml, 25, rules.goals",
    })
    void refusesABrokenPolicyNamingLineAndKey(String file, int line, String key) {
        var error = catchThrowableOfType(PolicyValidationException.class, () -> load(file));

        assertThat(error).as("loading %s must fail", file).isNotNull();
        assertThat(error.line()).isEqualTo(line);
        assertThat(error.key()).isEqualTo(key);
        assertThat(error.source()).isEqualTo(file);
        assertThat(error).hasMessageStartingWith(file + " line " + line + ", key " + key + ": ");
    }

    @Test
    void namesTheOffendingValueOfAnUnknownRule() {
        var error = catchThrowableOfType(PolicyValidationException.class, () -> load("unknown-rule.yaml"));

        assertThat(error).hasMessageContaining("unknown rule value 'maybe'")
                .hasMessageContaining("permit, deny or explicit-consent");
    }

    @Test
    void refusesMalformedYamlWithItsLine() {
        var error = catchThrowableOfType(PolicyValidationException.class, () -> load("malformed.yaml"));

        assertThat(error).isNotNull();
        assertThat(error.line()).isEqualTo(MALFORMED_LINE);
        assertThat(error).hasMessageContaining("not valid YAML");
    }

    @Test
    void refusesAPolicyThatIsNotAMapping() {
        var error = catchThrowableOfType(PolicyValidationException.class,
                () -> loader.parse("- just\n- a list\n", "list.yaml"));

        assertThat(error.line()).isEqualTo(1);
        assertThat(error.key()).isEqualTo("(document)");
    }

    private static final int MALFORMED_LINE = 15;

    private SharingPolicy load(String file) {
        InputStream in = getClass().getResourceAsStream("/policy/" + file);
        assertThat(in).as("test resource %s", file).isNotNull();
        return loader.load(in, file);
    }
}
