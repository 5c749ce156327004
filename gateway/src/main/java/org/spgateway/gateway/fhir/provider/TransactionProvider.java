package org.spgateway.gateway.fhir.provider;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.annotation.Transaction;
import ca.uhn.fhir.rest.annotation.TransactionParam;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.PayloadTooLargeException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.spgateway.gateway.config.FhirProperties;
import org.spgateway.gateway.fhir.OperationOutcomes;
import org.spgateway.gateway.store.ResourceWriteService;
import org.spgateway.gateway.store.SearchQuery;
import org.spgateway.gateway.store.WriteOutcome;
import org.spgateway.gateway.store.WriteSession;
import org.springframework.stereotype.Component;

/**
 * Transaction Bundles ({@code POST /fhir}): a referral with its Patient, Consent, Condition, Practitioner and
 * Organization in one all-or-nothing request. References between entries ({@code urn:uuid:} full URLs) are
 * rewritten to the ids the gateway assigns; conditional creates ({@code ifNoneExist}) that match point at the
 * existing resource. Everything commits in one database transaction, or nothing does.
 */
@Component
public class TransactionProvider {

    private static final Set<String> WRITABLE =
            Set.of("ServiceRequest", "Patient", "Consent", "Condition", "Practitioner", "Organization", "MedicationStatement");

    private final ResourceWriteService writes;
    private final FhirContext fhirContext;
    private final FhirProperties properties;
    private final ConditionalUrls conditionalUrls = new ConditionalUrls();

    public TransactionProvider(ResourceWriteService writes, FhirContext fhirContext, FhirProperties properties) {
        this.writes = writes;
        this.fhirContext = fhirContext;
        this.properties = properties;
    }

    @Transaction
    public Bundle transaction(@TransactionParam Bundle request, ca.uhn.fhir.rest.api.server.RequestDetails details) {
        Bundle response = transaction(request);
        // FHIR requires absolute fullUrls in a transaction-response (bdl-7/entry.fullUrl): the stored (and replayed)
        // response keeps them relative, as the server's base can differ between nodes and over time.
        String base = details == null ? null : details.getFhirServerBase();
        if (base != null) {
            for (BundleEntryComponent entry : response.getEntry()) {
                if (entry.hasFullUrl() && !entry.getFullUrl().contains("://")) {
                    entry.setFullUrl(base + "/" + entry.getFullUrl());
                }
            }
        }
        return response;
    }

    /** The transaction itself; its response has relative fullUrls (the HAPI-facing method makes them absolute). */
    public Bundle transaction(Bundle request) {
        checkShape(request);
        // Each attempt works on a fresh copy: a retried transaction must not see ids assigned by the failed one.
        return writes.inTransaction(session -> process(request.copy(), session));
    }

    private void checkShape(Bundle bundle) {
        if (bundle.getType() != Bundle.BundleType.TRANSACTION) {
            throw new InvalidRequestException("Bundle.type must be 'transaction' (got '"
                    + (bundle.getType() == null ? "none" : bundle.getType().toCode()) + "'); batch and message Bundles are not accepted here");
        }
        if (bundle.getEntry().size() > properties.maxBundleEntries()) {
            // The body pre-scan refuses such a Bundle before parsing; this backstop answers the same 413.
            String message = "The Bundle has " + bundle.getEntry().size() + " entries; at most "
                    + properties.maxBundleEntries() + " are accepted in one request";
            throw new PayloadTooLargeException(message,
                    OperationOutcomes.error(org.hl7.fhir.r4.model.OperationOutcome.IssueType.TOOCOSTLY, message));
        }
        for (int i = 0; i < bundle.getEntry().size(); i++) {
            BundleEntryComponent entry = bundle.getEntry().get(i);
            String where = "Bundle.entry[" + i + "]";
            if (!entry.hasResource()) {
                throw new InvalidRequestException(where + ".resource is required");
            }
            String type = entry.getResource().fhirType();
            if (!WRITABLE.contains(type)) {
                throw new InvalidRequestException(where + ": " + type + " cannot be written here; accepted types are " + WRITABLE);
            }
            HTTPVerb method = entry.getRequest().getMethod();
            if (method != HTTPVerb.POST && method != HTTPVerb.PUT) {
                throw new InvalidRequestException(where + ".request.method must be POST or PUT");
            }
            if (method == HTTPVerb.PUT && targetId(entry) == null) {
                throw new InvalidRequestException(where + ".request.url must be " + type + "/[id] for PUT; conditional update is not supported");
            }
        }
    }

    private Bundle process(Bundle bundle, WriteSession session) {
        Bundle replay = replayOfEarlierTransaction(bundle, session);
        if (replay != null) {
            return replay;
        }
        int n = bundle.getEntry().size();
        Map<String, String> resolved = new HashMap<>();
        String[] ids = new String[n];
        WriteOutcome[] existing = new WriteOutcome[n];
        SearchQuery[] matches = new SearchQuery[n];

        // 1. decide every entry's id first, so references can be rewritten before anything is stored
        for (int i = 0; i < n; i++) {
            BundleEntryComponent entry = bundle.getEntry().get(i);
            Resource resource = entry.getResource();
            if (entry.getRequest().getMethod() == HTTPVerb.PUT) {
                ids[i] = targetId(entry);
            } else {
                SearchQuery match = entry.getRequest().hasIfNoneExist()
                        ? conditionalUrls.toQuery(resource.fhirType(), entry.getRequest().getIfNoneExist()) : null;
                matches[i] = match;
                existing[i] = session.existing(resource, match).orElse(null);
                ids[i] = existing[i] != null ? existing[i].resource().getIdElement().getIdPart() : UUID.randomUUID().toString();
            }
            String target = resource.fhirType() + "/" + ids[i];
            if (entry.hasFullUrl()) {
                resolved.put(entry.getFullUrl(), target);
            }
            if (resource.getIdElement().hasIdPart()) {
                resolved.put(resource.fhirType() + "/" + resource.getIdElement().getIdPart(), target);
            }
        }

        // 2. rewrite references between entries; a Bundle-local URL (urn:uuid:, urn:oid:) that names no entry is an
        // error of the request, not something to store
        for (int i = 0; i < n; i++) {
            BundleEntryComponent entry = bundle.getEntry().get(i);
            for (Reference ref : fhirContext.newTerser().getAllPopulatedChildElementsOfType(entry.getResource(), Reference.class)) {
                if (ref.hasReference() && resolved.containsKey(ref.getReference())) {
                    ref.setReference(resolved.get(ref.getReference()));
                } else if (ref.hasReference() && (ref.getReference().startsWith("urn:uuid:") || ref.getReference().startsWith("urn:oid:"))) {
                    String shown = ref.getReference().length() > 100 ? ref.getReference().substring(0, 100) + "..." : ref.getReference();
                    String message = "Bundle.entry[" + i + "] (" + entry.getResource().fhirType() + ") refers to " + shown
                            + ", which is not the fullUrl of any entry of this Bundle";
                    InvalidRequestException e = new InvalidRequestException(message);
                    e.setOperationOutcome(OperationOutcomes.error(org.hl7.fhir.r4.model.OperationOutcome.IssueType.NOTFOUND, message));
                    throw e;
                }
            }
        }

        // 3. store, in FHIR's processing order: POST before PUT
        WriteOutcome[] outcomes = new WriteOutcome[n];
        for (HTTPVerb verb : List.of(HTTPVerb.POST, HTTPVerb.PUT)) {
            for (int i = 0; i < n; i++) {
                BundleEntryComponent entry = bundle.getEntry().get(i);
                if (entry.getRequest().getMethod() != verb) {
                    continue;
                }
                Resource resource = entry.getResource();
                if (verb == HTTPVerb.PUT) {
                    resource.setId(ids[i]);
                    outcomes[i] = session.update(resource, ids[i], null);
                } else if (existing[i] != null) {
                    outcomes[i] = existing[i];
                } else if (matches[i] != null) {
                    outcomes[i] = session.createConditional(resource, ids[i], matches[i]);
                } else {
                    outcomes[i] = session.createWithId(resource, ids[i]);
                }
            }
        }
        Bundle response = response(outcomes);
        for (WriteOutcome outcome : outcomes) {
            if (outcome.created() && outcome.resource() instanceof ServiceRequest sr) {
                session.recordTransaction(sr.getIdElement().getIdPart(), response);
            }
        }
        return response;
    }

    /**
     * A Bundle whose referral (by ServiceRequest.identifier) already came in an earlier transaction is a retry:
     * it gets that transaction's response, every entry marked 200, and creates nothing.
     */
    private Bundle replayOfEarlierTransaction(Bundle bundle, WriteSession session) {
        for (BundleEntryComponent entry : bundle.getEntry()) {
            if (entry.getRequest().getMethod() == HTTPVerb.POST && entry.getResource() instanceof ServiceRequest sr) {
                var existing = session.existing(sr, null);
                if (existing.isPresent()) {
                    var recorded = session.recordedTransaction(existing.get().resource().getIdElement().getIdPart());
                    if (recorded.isPresent() && recorded.get().getEntry().size() == bundle.getEntry().size()) {
                        Bundle replay = recorded.get();
                        replay.getEntry().forEach(e -> e.getResponse().setStatus("200 OK"));
                        return replay;
                    }
                }
            }
        }
        return null;
    }

    private static Bundle response(WriteOutcome[] outcomes) {
        Bundle response = new Bundle();
        response.setType(Bundle.BundleType.TRANSACTIONRESPONSE);
        List<BundleEntryComponent> entries = new ArrayList<>();
        for (WriteOutcome outcome : outcomes) {
            Resource r = outcome.resource();
            BundleEntryComponent entry = new BundleEntryComponent();
            entry.setFullUrl(r.fhirType() + "/" + r.getIdElement().getIdPart());
            entry.setResource(r);
            entry.getResponse()
                    .setStatus(outcome.created() ? "201 Created" : "200 OK")
                    .setLocation(r.fhirType() + "/" + r.getIdElement().getIdPart() + "/_history/" + r.getMeta().getVersionId())
                    .setEtag("W/\"" + r.getMeta().getVersionId() + "\"")
                    .setLastModified(r.getMeta().getLastUpdated());
            entries.add(entry);
        }
        response.setEntry(entries);
        return response;
    }

    private static String targetId(BundleEntryComponent entry) {
        String url = entry.getRequest().getUrl();
        if (url == null || url.contains("?")) {
            return null;
        }
        IdType id = new IdType(url);
        if (!id.hasIdPart() || !entry.getResource().fhirType().equals(id.getResourceType())) {
            return null;
        }
        return id.getIdPart();
    }
}
