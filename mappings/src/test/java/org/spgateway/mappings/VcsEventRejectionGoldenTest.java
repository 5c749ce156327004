package org.spgateway.mappings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code vcs-events-invalid/<case>/input.json} must be refused with exactly the errors in {@code expected.json}. */
class VcsEventRejectionGoldenTest {

    static Stream<Arguments> cases() {
        return GoldenFiles.cases("vcs-events-invalid");
    }

    @ParameterizedTest
    @MethodSource("cases")
    void refusesInvalidEventWithErrorsNamingTheField(Path dir) {
        String body = GoldenFiles.text(dir.resolve("input.json"));
        InvalidVcsEventException thrown = catchThrowableOfType(InvalidVcsEventException.class,
                () -> new VcsEventParser().parse(body));
        assertThat(thrown).as("the parser must refuse " + dir.getFileName()).isNotNull();
        ObjectNode actual = GoldenFiles.JSON.createObjectNode();
        actual.set("errors", GoldenFiles.JSON.valueToTree(thrown.errors()));
        GoldenFiles.assertMatches(dir, actual);
    }
}
