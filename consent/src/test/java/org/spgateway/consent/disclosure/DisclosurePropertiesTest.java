package org.spgateway.consent.disclosure;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.spgateway.consent.Consents;
import org.spgateway.consent.DataClass;
import org.spgateway.consent.Purpose;
import org.spgateway.consent.Recipient;
import org.spgateway.consent.RecipientRole;
import org.spgateway.consent.decision.ConsentEngine;
import org.spgateway.consent.model.ConsentStatus;
import org.spgateway.consent.model.PatientConsent;
import org.spgateway.consent.model.Period;
import org.spgateway.consent.model.Provision;
import org.spgateway.consent.model.ProvisionType;
import org.spgateway.consent.policy.Rule;
import org.spgateway.consent.policy.SharingPolicy;

/**
 * Properties of the disclosure gate over random valid policies, payloads (random subsets of the classified fields),
 * consents (random status, period and provisions), recipients and purposes. jqwik 1.9.3 runs on the JUnit Platform 6
 * that Spring Boot 4.1 manages.
 */
class DisclosurePropertiesTest {
    private static final Instant NOW = Consents.NOW;
    private static final Purpose OTHER_PURPOSE = new Purpose("service-evaluation");
    private static final List<String> ORGANISATIONS = List.of("org-a", "org-b");

    /** One random disclosure. */
    record Scenario(SharingPolicy policy, Recipient recipient, Purpose purpose, ObjectNode payload,
                    PatientConsent consent, boolean contactingSubjectProhibited) {

        DisclosureRequest request(PatientConsent withConsent) {
            return new DisclosureRequest("msg-p", recipient, Consents.PATIENT, purpose, payload,
                    ReferralPayloads.CLASSIFICATION, withConsent, contactingSubjectProhibited, NOW);
        }

        GatedPayload gate(PatientConsent withConsent) {
            return new PolicyDisclosureGate(new ConsentEngine(policy)).gate(request(withConsent));
        }
    }

    @Property(tries = 400)
    void neverSendsAFieldOfADeniedClass(@ForAll("scenarios") Scenario scenario) {
        GatedPayload gated = scenario.gate(scenario.consent());

        var denied = gated.decision().denied();
        ReferralPayloads.CLASSIFICATION.fields().forEach((pointer, dataClass) -> {
            if (denied.contains(dataClass)) {
                assertThat(gated.payload().at(pointer).isMissingNode()).as(pointer).isTrue();
            }
        });
        // Independently of the decision: the policy's deny cells and an absent consent are never overridden.
        for (String pointer : gated.record().fieldsSent()) {
            DataClass dataClass = ReferralPayloads.CLASSIFICATION.classOf(pointer);
            if (dataClass == null) {
                assertThat(ReferralPayloads.CLASSIFICATION.isEnvelope(pointer)).isTrue();
                continue;
            }
            assertThat(scenario.policy().rule(scenario.recipient().role(), dataClass)).isNotEqualTo(Rule.DENY);
            if (scenario.consent() == null || !scenario.consent().inForceAt(NOW)) {
                assertThat(dataClass.identifiable()).as(pointer).isFalse();
            }
            if (scenario.policy().rule(scenario.recipient().role(), dataClass) == Rule.EXPLICIT_CONSENT) {
                assertThat(scenario.consent().provisions()).as("explicit consent for " + pointer)
                        .anyMatch(p -> p.type() == ProvisionType.PERMIT && p.names(dataClass)
                                && p.appliesTo(scenario.recipient().organisationId(), scenario.purpose(), NOW));
            }
        }
    }

    @Property(tries = 400)
    void narrowingAConsentNeverWidensThePayload(@ForAll("scenarios") Scenario scenario,
                                                @ForAll("provisions") Provision extraDeny,
                                                @ForAll("narrowings") Narrowing narrowing) {
        PatientConsent consent = scenario.consent() != null ? scenario.consent() : Consents.permitAllExplicitly();
        PatientConsent narrowed = narrowing.apply(consent, new Provision(ProvisionType.DENY, extraDeny.actor(),
                extraDeny.dataClasses(), extraDeny.period(), extraDeny.purpose()));

        Set<String> before = new HashSet<>(scenario.gate(consent).record().fieldsSent());
        Set<String> after = new HashSet<>(scenario.gate(narrowed).record().fieldsSent());

        assertThat(before).containsAll(after);
    }

    @Property(tries = 400)
    void consentNeverSendsMoreThanTheFullyPermissiveConsent(@ForAll("scenarios") Scenario scenario) {
        Set<String> sent = new HashSet<>(scenario.gate(scenario.consent()).record().fieldsSent());
        Set<String> ceiling = new HashSet<>(scenario.gate(Consents.permitAllExplicitly()).record().fieldsSent());

        assertThat(ceiling).containsAll(sent);
    }

    @Property(tries = 400)
    void everyInputFieldIsEitherSentOrWithheldNeverBoth(@ForAll("scenarios") Scenario scenario) {
        ObjectNode before = scenario.payload().deepCopy();

        DisclosureRecord record = scenario.gate(scenario.consent()).record();

        List<String> present = presentFields(scenario.payload());
        var sent = record.fieldsSent();
        var withheld = record.fieldsWithheld();
        assertThat(sent).doesNotHaveDuplicates();
        assertThat(withheld).doesNotHaveDuplicates();
        var both = new HashSet<>(sent);
        both.retainAll(withheld);
        assertThat(both).as("fields both sent and withheld").isEmpty();
        var union = new ArrayList<>(sent);
        union.addAll(withheld);
        assertThat(union).containsExactlyInAnyOrderElementsOf(present);
        assertThat(scenario.payload()).as("input untouched").isEqualTo(before);
    }

    // ---- generators -------------------------------------------------------------------------------------------

    @Provide
    Arbitrary<Scenario> scenarios() {
        return Combinators.combine(policies(), Arbitraries.of(RecipientRole.class), Arbitraries.of(ORGANISATIONS),
                        Arbitraries.frequencyOf(
                                Tuple.of(8, Arbitraries.just(Purpose.SOCIAL_PRESCRIBING_REFERRAL)),
                                Tuple.of(1, Arbitraries.just(OTHER_PURPOSE)),
                                Tuple.of(1, Arbitraries.just(new Purpose("research")))),
                        payloads(), consents(), Arbitraries.of(true, false))
                .as((policy, role, org, purpose, payload, consent, noContact) ->
                        new Scenario(policy, new Recipient(org, role), purpose, payload, consent, noContact));
    }

    /** Random but valid policies: any rule in any cell; both test purposes covered. */
    Arbitrary<SharingPolicy> policies() {
        int cells = DataClass.values().length * RecipientRole.values().length;
        return Arbitraries.of(Rule.class).list().ofSize(cells).map(rules -> {
            var table = new EnumMap<DataClass, Map<RecipientRole, Rule>>(DataClass.class);
            int i = 0;
            for (DataClass dataClass : DataClass.values()) {
                var row = new EnumMap<RecipientRole, Rule>(RecipientRole.class);
                for (RecipientRole role : RecipientRole.values()) {
                    row.put(role, rules.get(i++));
                }
                table.put(dataClass, row);
            }
            return new SharingPolicy("random", "", Set.of(Purpose.SOCIAL_PRESCRIBING_REFERRAL, OTHER_PURPOSE),
                    table);
        });
    }

    /** The referral with a random subset of its classified fields (envelope always kept). */
    Arbitrary<ObjectNode> payloads() {
        var pointers = List.copyOf(ReferralPayloads.CLASSIFICATION.fields().keySet());
        return Arbitraries.of(pointers).set().map(drop -> {
            ObjectNode payload = ReferralPayloads.referral();
            drop.forEach(pointer -> remove(payload, pointer));
            return payload;
        });
    }

    @Provide
    Arbitrary<PatientConsent> consents() {
        Arbitrary<PatientConsent> some = Combinators.combine(
                        Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.just(ConsentStatus.ACTIVE)),
                                Tuple.of(2, Arbitraries.of(ConsentStatus.class))),
                        periods(), Arbitraries.of(ProvisionType.class), provisions().list().ofMaxSize(5))
                .as((status, period, base, provisions) -> new PatientConsent("consent-p", "1", Consents.PATIENT,
                        status, period, base, provisions));
        return Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.just((PatientConsent) null)),
                Tuple.of(6, some));
    }

    @Provide
    Arbitrary<Provision> provisions() {
        return Combinators.combine(Arbitraries.of(ProvisionType.class),
                        Arbitraries.of("org-a", "org-b").injectNull(0.5),
                        Arbitraries.of(DataClass.class).set().ofMaxSize(3),
                        periods(),
                        Arbitraries.of(Purpose.SOCIAL_PRESCRIBING_REFERRAL, OTHER_PURPOSE).injectNull(0.6))
                .as(Provision::new);
    }

    Arbitrary<Period> periods() {
        return Arbitraries.of(
                        Period.ALWAYS,
                        new Period(NOW.minus(Duration.ofDays(10)), NOW.plus(Duration.ofDays(10))),
                        new Period(NOW.minus(Duration.ofDays(10)), NOW.minus(Duration.ofDays(1))),
                        new Period(NOW.plus(Duration.ofDays(1)), null),
                        new Period(null, NOW))
                .injectNull(0.3);
    }

    /** Ways to narrow a consent. */
    enum Narrowing {
        ADD_DENY_PROVISION, REMOVE_A_PERMIT_PROVISION, WITHDRAW, BASE_TO_DENY;

        PatientConsent apply(PatientConsent consent, Provision deny) {
            return switch (this) {
                case ADD_DENY_PROVISION -> consent.plus(deny);
                case REMOVE_A_PERMIT_PROVISION -> {
                    var provisions = new ArrayList<>(consent.provisions());
                    int index = -1;
                    for (int i = 0; i < provisions.size(); i++) {
                        if (provisions.get(i).type() == ProvisionType.PERMIT) {
                            index = i;
                        }
                    }
                    if (index >= 0) {
                        provisions.remove(index);
                    }
                    yield consent.withProvisions(provisions);
                }
                case WITHDRAW -> consent.withStatus(ConsentStatus.INACTIVE);
                case BASE_TO_DENY -> consent.withBaseDecision(ProvisionType.DENY);
            };
        }
    }

    @Provide
    Arbitrary<Narrowing> narrowings() {
        return Arbitraries.of(Narrowing.class);
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    /** Classified and envelope pointers present in the payload. */
    private static List<String> presentFields(ObjectNode payload) {
        var present = new ArrayList<String>();
        ReferralPayloads.CLASSIFICATION.fields().keySet().stream()
                .filter(p -> !payload.at(p).isMissingNode()).forEach(present::add);
        ReferralPayloads.CLASSIFICATION.envelope().stream()
                .filter(p -> !payload.at(p).isMissingNode()).forEach(present::add);
        return present;
    }

    /** Removes the field at {@code pointer}, and any parent it leaves empty (an empty parent is unclassified). */
    private static void remove(ObjectNode root, String pointer) {
        JsonPointer path = JsonPointer.compile(pointer);
        JsonNode parent = root.at(path.head());
        if (parent instanceof ObjectNode object) {
            object.remove(path.last().getMatchingProperty());
            if (object.isEmpty() && object != root) {
                remove(root, path.head().toString());
            }
        }
    }

}
