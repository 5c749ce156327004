package org.spgateway.gateway.fhir.provider;

import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.OptionalParam;
import ca.uhn.fhir.rest.annotation.Read;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.param.UriParam;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.util.List;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.MetadataResource;

/**
 * The gateway's implementation guide, as FHIR resources: the StructureDefinitions, CodeSystems, ValueSets and the
 * ImplementationGuide of its package ({@code org.spgateway.ig.FhirPackage}), read-only, searchable by canonical
 * {@code url} (and {@code version}). Served from memory: they come with the build, not from the store.
 */
public class ConformanceResourceProvider<T extends MetadataResource> implements IResourceProvider {

    private final Class<T> type;
    private final List<T> resources;

    public ConformanceResourceProvider(Class<T> type, List<? extends MetadataResource> resources) {
        this.type = type;
        this.resources = resources.stream().filter(type::isInstance).map(type::cast).toList();
    }

    @Override
    public Class<T> getResourceType() {
        return type;
    }

    @Read
    public T read(@IdParam IdType id) {
        return resources.stream().filter(r -> r.getIdElement().getIdPart().equals(id.getIdPart())).findFirst()
                .map(r -> type.cast(r.copy()))
                .orElseThrow(() -> new ResourceNotFoundException(id));
    }

    @Search
    public List<T> search(@OptionalParam(name = "url") UriParam url, @OptionalParam(name = "version") TokenParam version) {
        if (url != null && url.getQualifier() != null) {
            throw new InvalidRequestException("Modifier " + url.getQualifier() + " is not supported on url");
        }
        if (version != null && version.getModifier() != null) {
            throw new InvalidRequestException("Modifier :" + version.getModifier().getValue() + " is not supported on version");
        }
        String wantedUrl = url == null ? null : url.getValue();
        String wantedVersion = null;
        if (wantedUrl != null && wantedUrl.contains("|")) {
            // a versioned canonical, url|version
            wantedVersion = wantedUrl.substring(wantedUrl.indexOf('|') + 1);
            wantedUrl = wantedUrl.substring(0, wantedUrl.indexOf('|'));
        }
        if (version != null) {
            wantedVersion = version.getValue();
        }
        String u = wantedUrl;
        String v = wantedVersion;
        return resources.stream()
                .filter(r -> u == null || u.equals(r.getUrl()))
                .filter(r -> v == null || v.equals(r.getVersion()))
                .map(r -> type.cast(r.copy()))
                .toList();
    }
}
