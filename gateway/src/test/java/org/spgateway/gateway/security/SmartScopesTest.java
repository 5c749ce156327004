package org.spgateway.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** SMART v1 and v2 system scopes: what each lets a token do, and what a client registered for them may be granted. */
class SmartScopesTest {

    @Test
    void aV1ReadScopeReadsAndNeverWrites() {
        // "read" contains the letter d: it must not be taken for the v2 letters (which would grant delete)
        SmartScopes read = SmartScopes.parse("system/Task.read system/*.read");
        assertThat(read.canRead("Task")).isTrue();
        assertThat(read.canRead("Patient")).isTrue();
        assertThat(read.canWrite("Task")).isFalse();
        assertThat(read.canWrite("Patient")).isFalse();
    }

    @Test
    void aV1WriteScopeWritesAndDoesNotRead() {
        SmartScopes write = SmartScopes.parse("system/ServiceRequest.write");
        assertThat(write.canWrite("ServiceRequest")).isTrue();
        assertThat(write.canRead("ServiceRequest")).isFalse();
        assertThat(write.canWrite("Patient")).isFalse();
        SmartScopes all = SmartScopes.parse("system/Consent.*");
        assertThat(all.canRead("Consent")).isTrue();
        assertThat(all.canWrite("Consent")).isTrue();
    }

    @Test
    void v2LettersGrantWhatTheyName() {
        assertThat(SmartScopes.parse("system/Task.rs").canWrite("Task")).isFalse();
        assertThat(SmartScopes.parse("system/Task.rs").canRead("Task")).isTrue();
        assertThat(SmartScopes.parse("system/Task.cu").canRead("Task")).isFalse();
        assertThat(SmartScopes.parse("system/Task.cu").canWrite("Task")).isTrue();
        assertThat(SmartScopes.parse("system/Task.cruds").canWrite("Task")).isTrue();
    }

    @Test
    void aClientIsGrantedOnlyWhatItsRegistrationCovers() {
        SmartScopes registered = SmartScopes.parse("system/*.read system/ServiceRequest.write");
        assertThat(registered.grant(SmartScopes.parse("system/AuditEvent.write")).isEmpty()).isTrue();
        assertThat(registered.grant(SmartScopes.parse("system/Task.rs")).texts()).containsExactly("system/Task.rs");
        assertThat(registered.grant(SmartScopes.parse("system/Task.cruds")).isEmpty())
                .as("read-only registration cannot be widened by v2 letters").isTrue();
        assertThat(registered.grant(SmartScopes.parse("system/ServiceRequest.write system/Patient.write")).texts())
                .containsExactly("system/ServiceRequest.write");
    }

    @Test
    void unknownFormsAreRefusedNamingTheScope() {
        assertThatThrownBy(() -> SmartScopes.parse("patient/*.read")).hasMessageContaining("patient/*.read");
        assertThatThrownBy(() -> SmartScopes.parse("system/Task.")).hasMessageContaining("system/Task.");
    }
}
