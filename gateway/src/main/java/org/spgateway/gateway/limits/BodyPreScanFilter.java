package org.spgateway.gateway.limits;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.spgateway.gateway.fhir.RequestSizeLimitFilter;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Runs {@link BodyPreScan} over every body that {@link RequestSizeLimitFilter} has buffered (so only bodies within the
 * size limit), before HAPI, the validator or a controller parse it, and answers a refused body itself: an
 * OperationOutcome on {@code /fhir}, problem+json on {@code /vcs}. Bodies that are neither JSON nor XML go on: the
 * endpoint refuses them as it always has.
 */
public class BodyPreScanFilter extends OncePerRequestFilter {

    private final BodyPreScan scan;

    public BodyPreScanFilter(BodyPreScan scan) {
        this.scan = scan;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Optional<byte[]> body = RequestSizeLimitFilter.bufferedBody(request);
        if (body.isPresent()) {
            BodyPreScan.Format format = BodyPreScan.formatOf(request.getContentType(), body.get());
            if (format != null) {
                BodyPreScan.Refusal refusal = scan.scan(body.get(), format, FilterAnswers.isFhir(request));
                if (refusal != null) {
                    FilterAnswers.refuse(request, response, refusal.status(), refusal.issue(), refusal.kind(),
                            refusal.title(), refusal.detail());
                    return;
                }
            }
        }
        chain.doFilter(request, response);
    }
}
