package org.cxrtriage.app.web;

import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;
import org.cxrtriage.app.audit.AuditUnavailableException;

import java.util.Map;

/** No audit record, no data: a request whose audit record cannot be written gets 503 and nothing else. */
@Produces
@Singleton
@Requires(classes = {AuditUnavailableException.class, ExceptionHandler.class})
public final class AuditUnavailableHandler implements ExceptionHandler<AuditUnavailableException, HttpResponse<Map<String, String>>> {

    @Override
    public HttpResponse<Map<String, String>> handle(HttpRequest request, AuditUnavailableException exception) {
        return HttpResponse.<Map<String, String>>status(HttpStatus.SERVICE_UNAVAILABLE)
                .header("Retry-After", "5")
                .body(Map.of("error", exception.getMessage()));
    }
}
