package org.spgateway.gateway.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NhsNumberTest {

    @ParameterizedTest
    @ValueSource(strings = {"9000000009", "9434765919", "4010232137", "9876543210"})
    void acceptsNumbersWithTheRightCheckDigit(String value) {
        assertThat(NhsNumber.isValid(value)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"9000000001", "9434765918", "943476591", "94347659190", "943476591X", "", " 9000000009",
            // remainder 1 gives check value 10, which no NHS number may have
            "0000000060", "0000000069"})
    void refusesAnythingElse(String value) {
        assertThat(NhsNumber.isValid(value)).isFalse();
    }

    @Test
    void randomTestNumbersAreValidInTheTestRangeAndVary() {
        java.util.Random random = new java.util.Random(42);
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String n = NhsNumber.randomTestNumber(random);
            assertThat(n).startsWith("9");
            assertThat(NhsNumber.isValid(n)).as(n).isTrue();
            seen.add(n);
        }
        assertThat(seen).hasSizeGreaterThan(990);
    }
}
