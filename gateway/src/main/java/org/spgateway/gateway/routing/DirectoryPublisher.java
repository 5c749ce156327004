package org.spgateway.gateway.routing;

import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Organization;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.spgateway.gateway.store.ResourceWriteService;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Publishes the configured practices and services as FHIR Organizations under their configured ids, so GP
 * systems can read them and referrals can name a service as performer. Existing entries are left untouched
 * unless their configuration changed (no new version on every restart).
 */
@Component
@Order(0)
public class DirectoryPublisher implements ApplicationRunner {

    static final String ODS = "https://fhir.nhs.uk/Id/ods-organization-code";
    static final String ROLE_SYSTEM = "https://spgateway.org/fhir/CodeSystem/vcs-role";

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
            org.addType(new CodeableConcept(new Coding(ROLE_SYSTEM, service.role(), service.role().replace('-', ' '))));
            org.addType(new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/organization-type", "cg",
                    "Community Group")));
            publish(org);
        }
        log.info("Directory: {} practice(s), {} VCS service(s)", directory.practices().size(), directory.services().size());
    }

    private void publish(Organization wanted) {
        String id = wanted.getIdElement().getIdPart();
        writes.inTransaction(session -> {
            var current = session.read("Organization", id);
            if (current.isEmpty() || !current.get().equalsDeep(withMetaOf(wanted, current.get()))) {
                session.update(wanted.copy(), id, null);
            }
            return null;
        });
    }

    private static Organization withMetaOf(Organization wanted, org.hl7.fhir.r4.model.Resource current) {
        Organization copy = wanted.copy();
        copy.setIdElement(current.getIdElement());
        copy.setMeta(current.getMeta());
        return copy;
    }
}
