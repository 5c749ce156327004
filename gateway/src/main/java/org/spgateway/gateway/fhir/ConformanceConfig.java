package org.spgateway.gateway.fhir;

import ca.uhn.fhir.context.FhirContext;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.ImplementationGuide;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.hl7.fhir.r4.model.ValueSet;
import org.spgateway.gateway.fhir.provider.ConformanceResourceProvider;
import org.spgateway.ig.FhirPackage;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The gateway's FHIR package (built by the {@code ig} module) and what serves it: one read-only provider per
 * conformance resource type at {@code /fhir}, and the package download ({@link FhirPackageController}).
 */
@Configuration(proxyBeanMethods = false)
public class ConformanceConfig {

    @Bean
    public FhirPackage fhirPackage(FhirContext fhirContext) {
        return FhirPackage.load(fhirContext);
    }

    @Bean
    public ConformanceResourceProvider<StructureDefinition> structureDefinitionProvider(FhirPackage pkg) {
        return new ConformanceResourceProvider<>(StructureDefinition.class, pkg.resources());
    }

    @Bean
    public ConformanceResourceProvider<CodeSystem> codeSystemProvider(FhirPackage pkg) {
        return new ConformanceResourceProvider<>(CodeSystem.class, pkg.resources());
    }

    @Bean
    public ConformanceResourceProvider<ValueSet> valueSetProvider(FhirPackage pkg) {
        return new ConformanceResourceProvider<>(ValueSet.class, pkg.resources());
    }

    @Bean
    public ConformanceResourceProvider<ImplementationGuide> implementationGuideProvider(FhirPackage pkg) {
        return new ConformanceResourceProvider<>(ImplementationGuide.class, pkg.resources());
    }
}
