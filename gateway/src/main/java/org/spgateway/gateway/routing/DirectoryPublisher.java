package org.spgateway.gateway.routing;

import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Endpoint;
import org.hl7.fhir.r4.model.HealthcareService;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.spgateway.gateway.store.ResourceWriteService;
import org.spgateway.consent.RecipientRole;
import org.spgateway.mappings.CodeSystems;
import org.spgateway.mappings.EndpointType;
import org.spgateway.mappings.SocialNeed;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Publishes the configured practices and services as FHIR Organizations under their configured ids (each service also
 * as a HealthcareService with its categories and area, and an Endpoint saying how it receives referrals), so GP systems
 * can read them and referrals can name a service as performer. Existing entries are left untouched
 * unless their configuration changed (no new version on every restart).
 */
@Component
@Order(0)
public class DirectoryPublisher implements ApplicationRunner {

    static final String ODS = "https://fhir.nhs.uk/Id/ods-organization-code";
    static final String ROLE_SYSTEM = CodeSystems.VCS_ROLE;
    static final String ENDPOINT_TYPE = CodeSystems.ENDPOINT_TYPE;
    static final String SOCIAL_NEED_SYSTEM = SocialNeed.SYSTEM;

    private static final Logger log = LoggerFactory.getLogger(DirectoryPublisher.class);

    private final DirectoryProperties directory;
    private final ResourceWriteService writes;

    public DirectoryPublisher(DirectoryProperties directory, ResourceWriteService writes) {
        this.directory = directory;
        this.writes = writes;
    }

    @Override
    public void run(ApplicationArguments args) {
        for (DirectoryProperties.Practice practice : directory.practices()) {
            Organization org = new Organization();
            org.setId(practice.id());
            org.setActive(true).setName(practice.name());
            org.addIdentifier().setSystem(ODS).setValue(practice.odsCode());
            org.addType(new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/organization-type", "prov",
                    "Healthcare Provider")));
            publish(org);
        }
        for (DirectoryProperties.Service service : directory.services()) {
            Organization org = new Organization();
            org.setId(service.id());
            org.setActive(true).setName(service.name());
            org.addType(role(service));
            org.addType(new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/organization-type", "cg",
                    "Community Group")));
            publish(org);

            Endpoint endpoint = new Endpoint();
            endpoint.setId(service.id() + "-endpoint");
            endpoint.setStatus(Endpoint.EndpointStatus.ACTIVE);
            endpoint.setName(service.name() + (service.push() ? " webhook" : " pull inbox"));
            EndpointType type = service.push() ? EndpointType.STANDARD_WEBHOOKS
                    : EndpointType.PULL_INBOX;
            endpoint.setConnectionType(new Coding(ENDPOINT_TYPE, type.code(), type.display()));
            endpoint.setManagingOrganization(new Reference("Organization/" + service.id()));
            endpoint.addPayloadType().setText("spgateway VCS JSON v1");
            endpoint.addPayloadMimeType("application/json");
            // the webhook URL is the service's own business; the directory says how, not where
            endpoint.setAddress(service.push() ? "urn:spgateway:webhook:" + service.id() : "/vcs/v1/inbox");
            publish(endpoint);

            HealthcareService healthcareService = new HealthcareService();
            healthcareService.setId(service.id() + "-service");
            healthcareService.setActive(true).setName(service.name());
            healthcareService.setProvidedBy(new Reference("Organization/" + service.id()));
            healthcareService.addCategory(role(service));
            for (String category : service.categories()) {
                String display = java.util.Arrays.stream(SocialNeed.values())
                        .filter(n -> n.code().equals(category)).map(SocialNeed::display)
                        .findFirst().orElse(category.replace('-', ' '));
                healthcareService.addType(new CodeableConcept(new Coding(SOCIAL_NEED_SYSTEM, category, display)));
            }
            if (!service.area().isEmpty()) {
                healthcareService.setExtraDetails("Covers postcode areas/districts: " + String.join(", ", service.area()));
            }
            healthcareService.addEndpoint(new Reference("Endpoint/" + service.id() + "-endpoint"));
            publish(healthcareService);
        }
        log.info("Directory: {} practice(s), {} VCS service(s)", directory.practices().size(), directory.services().size());
    }

    /** The service's role, displayed as the published vcs-role CodeSystem displays it. */
    private static CodeableConcept role(DirectoryProperties.Service service) {
        String display = RecipientRole.fromId(service.role())
                .map(RecipientRole::label).orElse(service.role().replace('-', ' '));
        return new CodeableConcept(new Coding(ROLE_SYSTEM, service.role(), display));
    }

    private void publish(org.hl7.fhir.r4.model.DomainResource wanted) {
        String id = wanted.getIdElement().getIdPart();
        writes.inTransaction(session -> {
            var current = session.read(wanted.fhirType(), id);
            if (current.isEmpty() || !current.get().equalsDeep(withMetaOf(wanted, current.get()))) {
                session.update(wanted.copy(), id, null);
            }
            return null;
        });
    }

    private static org.hl7.fhir.r4.model.DomainResource withMetaOf(org.hl7.fhir.r4.model.DomainResource wanted,
                                                                 org.hl7.fhir.r4.model.Resource current) {
        org.hl7.fhir.r4.model.DomainResource copy = wanted.copy();
        copy.setIdElement(current.getIdElement());
        copy.setMeta(current.getMeta());
        return copy;
    }
}
