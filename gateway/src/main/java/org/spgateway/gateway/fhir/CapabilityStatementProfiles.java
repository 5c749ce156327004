package org.spgateway.gateway.fhir;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import org.hl7.fhir.instance.model.api.IBaseConformance;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.spgateway.ig.FhirPackage;

/**
 * Adds what the package declares to the CapabilityStatement HAPI generates from the registered providers: each
 * resource's profiles ({@code supportedProfile}, from the package's StructureDefinitions of that type) and the
 * implementation guide. Nothing is hand-listed: a profile added to the package is declared with the next build.
 */
@Interceptor
public class CapabilityStatementProfiles {

    private final FhirPackage fhirPackage;

    public CapabilityStatementProfiles(FhirPackage fhirPackage) {
        this.fhirPackage = fhirPackage;
    }

    @Hook(Pointcut.SERVER_CAPABILITY_STATEMENT_GENERATED)
    public void declareProfiles(IBaseConformance statement) {
        if (!(statement instanceof CapabilityStatement cs)) {
            return;
        }
        cs.addImplementationGuide(FhirPackage.IG_URL + "|" + fhirPackage.version());
        for (CapabilityStatement.CapabilityStatementRestComponent rest : cs.getRest()) {
            // HAPI declares OperationDefinition read for the server's operations; there are none, so nothing to read
            if (rest.getOperation().isEmpty()) {
                rest.getResource().removeIf(r -> "OperationDefinition".equals(r.getType()));
            }
            for (CapabilityStatement.CapabilityStatementRestResourceComponent resource : rest.getResource()) {
                fhirPackage.ofType("StructureDefinition").stream()
                        .map(StructureDefinition.class::cast)
                        .filter(sd -> sd.getKind() == StructureDefinition.StructureDefinitionKind.RESOURCE)
                        .filter(sd -> sd.getType().equals(resource.getType()))
                        .forEach(sd -> resource.addSupportedProfile(sd.getUrl() + "|" + sd.getVersion()));
            }
        }
    }
}
