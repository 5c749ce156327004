package org.spgateway.gateway.observability;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * First of all filters, so every answer (a 413 or 429 from the limits, a 401 from security, an error page) carries
 * the id and every log line of the request has it. Ends with one access log line: method, path, status, time.
 */
public class RequestIdFilter extends OncePerRequestFilter {

    private static final Logger access = LoggerFactory.getLogger("org.spgateway.gateway.access");

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String id = RequestIds.acceptOrGenerate(request.getHeader(RequestIds.HEADER));
        MDC.put(RequestIds.MDC_KEY, id);
        response.setHeader(RequestIds.HEADER, id);
        long start = System.nanoTime();
        try {
            // whatever reads the header later (HAPI FHIR answers with it on /fhir) sees the id in use
            chain.doFilter(new HttpServletRequestWrapper(request) {
                @Override
                public String getHeader(String name) {
                    return RequestIds.HEADER.equalsIgnoreCase(name) ? id : super.getHeader(name);
                }

                @Override
                public java.util.Enumeration<String> getHeaders(String name) {
                    return RequestIds.HEADER.equalsIgnoreCase(name) ? java.util.Collections.enumeration(java.util.List.of(id))
                            : super.getHeaders(name);
                }
            }, response);
        } finally {
            // the path only: query strings can hold patient identifiers (Patient?identifier=...|9000000009)
            access.info("{} {} {} {} ms", request.getMethod(), request.getRequestURI(), response.getStatus(),
                    (System.nanoTime() - start) / 1_000_000);
            MDC.remove(RequestIds.MDC_KEY);
        }
    }

    @Override
    protected boolean shouldNotFilterAsyncDispatch() {
        return false;
    }
}
