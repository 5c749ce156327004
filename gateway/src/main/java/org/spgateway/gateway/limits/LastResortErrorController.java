package org.spgateway.gateway.limits;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Replaces Spring Boot's {@code /error} page, where the container sends a request whose failure escaped everything
 * else: the answer is an OperationOutcome for a FHIR request and problem+json for any other, with the status and no
 * details of the failure (the container has logged it).
 */
@RestController
public class LastResortErrorController implements ErrorController {

    @RequestMapping("${server.error.path:/error}")
    public ResponseEntity<String> error(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        // asked for directly, /error is just a path that does not exist
        int status = code == null ? 404 : code instanceof Integer i && i >= 400 ? i : 500;
        Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        String path = uri == null ? "" : uri.toString().substring(request.getContextPath().length());
        boolean fhir = path.equals("/fhir") || path.startsWith("/fhir/");
        HttpStatus known = HttpStatus.resolve(status);
        String reason = known == null ? "Error" : known.getReasonPhrase();
        String detail = status >= 500 ? "The request failed inside the gateway; nothing was saved" : reason;
        FilterAnswers.Answer answer = FilterAnswers.answer(fhir, FilterAnswers.wantsXml(request), status,
                FilterAnswers.issueFor(status), status >= 500 ? "internal-error" : "http-" + status, reason, detail);
        return ResponseEntity.status(status).contentType(MediaType.parseMediaType(answer.contentType())).body(answer.body());
    }
}
