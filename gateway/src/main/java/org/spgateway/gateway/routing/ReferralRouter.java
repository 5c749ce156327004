package org.spgateway.gateway.routing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.spgateway.mappings.SocialNeed;
import org.springframework.stereotype.Component;

/**
 * Picks the VCS service for a referral (design.md 2.2): the service the referrer named in
 * {@code ServiceRequest.performer}, otherwise a service whose categories meet the referral's social needs and whose
 * area covers the patient's postcode district. A generic "referral to social prescribing service" with no specific
 * need goes to a link-worker service first: link workers are the front door of social prescribing.
 */
@Component
public class ReferralRouter {

    /** The outcome: the chosen service, or none with the reason the GP will see on the Task. */
    public record RouteDecision(Optional<DirectoryProperties.Service> service, String reason) {
    }

    private final DirectoryProperties directory;

    public ReferralRouter(DirectoryProperties directory) {
        this.directory = directory;
    }

    public RouteDecision route(ServiceRequest referral, Patient patient, Set<String> disabledDestinations) {
        for (Reference performer : referral.getPerformer()) {
            var id = performer.getReferenceElement();
            if ("Organization".equals(id.getResourceType())) {
                Optional<DirectoryProperties.Service> named = directory.service(id.getIdPart());
                if (named.isPresent()) {
                    return disabledDestinations.contains(named.get().id())
                            ? new RouteDecision(Optional.empty(), "The named service " + named.get().name()
                                    + " is not accepting deliveries (its endpoint was withdrawn)")
                            : new RouteDecision(named, "named by the referrer");
                }
                return new RouteDecision(Optional.empty(), "The named performer Organization/" + id.getIdPart()
                        + " is not a service in the gateway's directory");
            }
        }
        Set<SocialNeed> needs = needsOf(referral);
        Optional<String> district = postcodeDistrict(patient);
        List<DirectoryProperties.Service> candidates = new ArrayList<>();
        for (DirectoryProperties.Service service : directory.services()) {
            if (!disabledDestinations.contains(service.id()) && covers(service, district) && serves(service, needs)) {
                candidates.add(service);
            }
        }
        if (candidates.isEmpty()) {
            return new RouteDecision(Optional.empty(), "No service in the directory serves "
                    + (needs.isEmpty() ? "social prescribing referrals" : "needs " + codes(needs))
                    + " in " + district.orElse("an unknown area (no postcode)"));
        }
        if (needs.isEmpty()) {
            candidates.sort(Comparator.comparing(s -> !"link-worker-service".equals(s.role())));
        }
        DirectoryProperties.Service chosen = candidates.get(0);
        return new RouteDecision(Optional.of(chosen), "matched on " + (needs.isEmpty() ? "area" : "needs " + codes(needs) + " and area"));
    }

    static Set<SocialNeed> needsOf(ServiceRequest referral) {
        Set<SocialNeed> needs = EnumSet.noneOf(SocialNeed.class);
        List<CodeableConcept> concepts = new ArrayList<>(referral.getCategory());
        concepts.add(referral.getCode());
        concepts.addAll(referral.getReasonCode());
        for (CodeableConcept concept : concepts) {
            for (Coding coding : concept.getCoding()) {
                SocialNeed.of(coding).ifPresent(needs::add);
            }
        }
        return needs;
    }

    static Optional<String> postcodeDistrict(Patient patient) {
        for (Address address : patient.getAddress()) {
            if (address.hasPostalCode()) {
                String postcode = address.getPostalCode().trim().toUpperCase(Locale.ROOT);
                int space = postcode.indexOf(' ');
                String outward = space > 0 ? postcode.substring(0, space)
                        : postcode.length() > 3 ? postcode.substring(0, postcode.length() - 3) : postcode;
                return Optional.of(outward);
            }
        }
        return Optional.empty();
    }

    private static boolean covers(DirectoryProperties.Service service, Optional<String> district) {
        if (service.area().isEmpty()) {
            return true;
        }
        if (district.isEmpty()) {
            return false;
        }
        String d = district.get();
        String area = d.replaceAll("[0-9].*$", "");
        return service.area().stream().map(a -> a.trim().toUpperCase(Locale.ROOT))
                .anyMatch(a -> a.equals(d) || (a.chars().allMatch(Character::isLetter) && a.equals(area)));
    }

    private static boolean serves(DirectoryProperties.Service service, Set<SocialNeed> needs) {
        return needs.isEmpty() || service.categories().isEmpty()
                || needs.stream().anyMatch(n -> service.categories().contains(n.code()));
    }

    private static String codes(Set<SocialNeed> needs) {
        return needs.stream().map(SocialNeed::code).sorted().toList().toString();
    }
}
