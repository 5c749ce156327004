package org.spgateway.gateway.limits;

import java.io.IOException;
import java.io.Writer;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.http.HttpStatus;

/**
 * Answers what Tomcat refuses before the application sees the request (a request line or headers over Tomcat's size
 * limit, an undecodable URL...) in the gateway's dialects instead of Tomcat's HTML page: an OperationOutcome under
 * {@code /fhir}, problem+json elsewhere. Never shows a stack trace or the server's version. Installed as the host's
 * error report valve by {@link LimitsConfig}.
 */
public class ContainerErrorValve extends ErrorReportValve {

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        // As the standard valve: only errors, only if nothing was written, and only once.
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        // For a request refused while its headers were read, only the raw request line is known
        String uri = request.getCoyoteRequest() == null ? null : request.getCoyoteRequest().requestURI().toString();
        boolean fhir = uri != null && (uri.equals("/fhir") || uri.startsWith("/fhir/"));
        HttpStatus known = HttpStatus.resolve(status);
        String reason = known == null ? "Error" : known.getReasonPhrase();
        String detail = status >= 500 ? "The server could not handle the request"
                : "The request was refused before it reached the gateway (" + reason + "): check its URL, headers and size";
        FilterAnswers.Answer answer = FilterAnswers.answer(fhir, false, status, FilterAnswers.issueFor(status),
                "http-" + status, reason, detail);
        try {
            response.setContentType(answer.contentType());
            Writer writer = response.getReporter();
            if (writer != null) {
                writer.write(answer.body());
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // the connection is gone or the response cannot take a body: nothing more to say
        }
    }
}
