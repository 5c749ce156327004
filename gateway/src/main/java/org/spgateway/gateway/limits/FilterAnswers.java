package org.spgateway.gateway.limits;

import ca.uhn.fhir.context.FhirContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.spgateway.gateway.fhir.OperationOutcomes;
import org.spgateway.gateway.vcs.Problem;
import org.springframework.http.HttpStatus;

/**
 * Answers a request that a servlet filter refuses before any controller or HAPI sees it, in the caller's dialect:
 * an OperationOutcome on {@code /fhir} (XML if the client asked for XML, JSON otherwise), RFC 9457 problem+json
 * everywhere else. Messages are the gateway's own text: never a fragment of the body, which may hold patient data.
 */
public final class FilterAnswers {

    private FilterAnswers() {
    }

    /** True for requests to the FHIR endpoint. */
    public static boolean isFhir(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        return path.equals("/fhir") || path.startsWith("/fhir/");
    }

    /** A content type and the body to send with it. */
    public record Answer(String contentType, String body) {
    }

    /**
     * Writes the refusal.
     *
     * @param issue       the OperationOutcome issue code on {@code /fhir}
     * @param problemKind the last segment of the problem {@code type} URI elsewhere
     */
    public static void refuse(HttpServletRequest request, HttpServletResponse response, int status, IssueType issue,
                              String problemKind, String title, String detail) throws IOException {
        Answer answer = answer(isFhir(request), wantsXml(request), status, issue, problemKind, title, detail);
        response.setStatus(status);
        response.setContentType(answer.contentType());
        byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    /** The answer for a FHIR request (an OperationOutcome) or any other (problem+json). */
    public static Answer answer(boolean fhir, boolean xml, int status, IssueType issue, String problemKind, String title,
                                String detail) {
        if (fhir) {
            FhirContext context = FhirContext.forR4Cached();
            var outcome = OperationOutcomes.error(issue, detail);
            return xml ? new Answer("application/fhir+xml;charset=utf-8", context.newXmlParser().encodeResourceToString(outcome))
                    : new Answer("application/fhir+json;charset=utf-8", context.newJsonParser().encodeResourceToString(outcome));
        }
        HttpStatus httpStatus = HttpStatus.resolve(status);
        return new Answer("application/problem+json;charset=utf-8",
                Problem.of(httpStatus == null ? HttpStatus.BAD_REQUEST : httpStatus, problemKind, title, detail).toJson());
    }

    /** The OperationOutcome issue code that fits an HTTP status. */
    public static IssueType issueFor(int status) {
        return switch (status) {
            case 401, 403 -> IssueType.SECURITY;
            case 404, 410 -> IssueType.NOTFOUND;
            case 405, 406, 415 -> IssueType.NOTSUPPORTED;
            case 408 -> IssueType.TIMEOUT;
            case 413, 414, 431 -> IssueType.TOOCOSTLY;
            case 429 -> IssueType.THROTTLED;
            default -> status >= 500 ? IssueType.EXCEPTION : IssueType.INVALID;
        };
    }

    /**
     * {@code _format=xml} in the query string or an Accept header naming XML but not JSON. The query string is read
     * by hand: {@code getParameter} could make the container read a form body.
     */
    public static boolean wantsXml(HttpServletRequest request) {
        String query = request.getQueryString();
        if (query != null) {
            for (String pair : query.split("&")) {
                if (pair.startsWith("_format=")) {
                    return pair.toLowerCase(Locale.ROOT).contains("xml");
                }
            }
        }
        String accept = request.getHeader("Accept");
        return accept != null && accept.toLowerCase(Locale.ROOT).contains("xml")
                && !accept.toLowerCase(Locale.ROOT).contains("json");
    }
}
