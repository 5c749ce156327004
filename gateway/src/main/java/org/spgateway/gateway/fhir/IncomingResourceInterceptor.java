package org.spgateway.gateway.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.LenientErrorHandler;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.RestfulServerUtils;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Resource;

/**
 * Checks every incoming resource before a provider sees it: malformed JSON/XML is a 400, a resource that is not
 * valid R4 or breaks the gateway's rules is a 422 naming the element, each with an OperationOutcome.
 */
@Interceptor
public class IncomingResourceInterceptor {

    private static final Set<RestOperationTypeEnum> WRITES =
            Set.of(RestOperationTypeEnum.CREATE, RestOperationTypeEnum.UPDATE, RestOperationTypeEnum.TRANSACTION);

    private final FhirContext fhirContext;
    private final ResourceValidator validator;

    public IncomingResourceInterceptor(FhirContext fhirContext, ResourceValidator validator) {
        this.fhirContext = fhirContext;
        this.validator = validator;
    }

    /** Runs after HAPI has chosen the operation but before it parses the body, so validation speaks first. */
    @Hook(Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED)
    public void validate(RequestDetails request) {
        ControlCharacters.refuse("", request.getParameters());
        if (!WRITES.contains(request.getRestOperationType())) {
            return;
        }
        byte[] bytes = request.loadRequestContents();
        if (bytes == null || bytes.length == 0) {
            throw new InvalidRequestException("The request has no body; a FHIR resource is required",
                    OperationOutcomes.error(IssueType.REQUIRED, "The request has no body; a FHIR resource is required"));
        }
        String body = new String(bytes, StandardCharsets.UTF_8);
        if (body.startsWith("\uFEFF")) {
            // a UTF-8 byte order mark: harmless, but the validator's XML reader takes it for content before the prolog
            body = body.substring(1);
        }
        EncodingEnum encoding = RestfulServerUtils.determineRequestEncodingNoDefault(request);
        if (encoding == null) {
            encoding = EncodingEnum.detectEncodingNoDefault(body);
        }
        if (encoding == null) {
            throw malformed("The body is neither FHIR JSON nor FHIR XML");
        }
        Resource parsed;
        try {
            // Only syntax errors stop this parse; invalid values are left for the validator, which names the element.
            LenientErrorHandler lenient = new LenientErrorHandler(false).setErrorOnInvalidValue(false);
            parsed = (Resource) encoding.newParser(fhirContext).setParserErrorHandler(lenient).parseResource(body);
        } catch (DataFormatException e) {
            throw malformed("Malformed FHIR " + encoding.name() + ": " + e.getMessage());
        } catch (RuntimeException e) {
            // HAPI's parser fails on some well-formed but nonsensical input with its own internal errors (a nested
            // Bundle entry without a resource type, an unknown request method): the client's fault, and the
            // exception's message names HAPI's internals, so say it plainly.
            throw malformed("Malformed FHIR " + encoding.name() + ": the body is not a FHIR resource the gateway can read");
        }
        if (request.getRestOperationType() == RestOperationTypeEnum.TRANSACTION
                && !(parsed instanceof Bundle bundle && bundle.getType() == Bundle.BundleType.TRANSACTION)) {
            String type = parsed instanceof Bundle b && b.getType() != null ? b.getType().toCode() : parsed.fhirType();
            String message = "POST to the base accepts only a transaction Bundle (got " + type
                    + "); FHIR messaging and batch Bundles are not supported";
            throw new InvalidRequestException(message, OperationOutcomes.error(IssueType.NOTSUPPORTED, message));
        }
        ControlCharacters.refuseIn(fhirContext, parsed);
        List<OperationOutcomes.Issue> issues = validator.validateRequest(body, parsed);
        if (!issues.isEmpty()) {
            throw new UnprocessableEntityException(fhirContext, OperationOutcomes.of(issues));
        }
    }

    private static InvalidRequestException malformed(String message) {
        return new InvalidRequestException(message, OperationOutcomes.error(IssueType.STRUCTURE, message));
    }
}
