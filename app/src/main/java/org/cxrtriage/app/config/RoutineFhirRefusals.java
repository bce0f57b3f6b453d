package org.cxrtriage.app.config;

import ca.uhn.fhir.rest.server.exceptions.AuthenticationException;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.Marker;

/**
 * Keeps routine FHIR refusals out of the error log. HAPI logs every exception an interceptor
 * throws at ERROR with a stack trace and again at WARN, including our own 401 and 403 answers, which are neither
 * errors of the server nor news to anyone: each refused request is in the audit log already.
 * Left at ERROR they page the on-call for a wrong password. Everything else HAPI logs stays.
 */
public final class RoutineFhirRefusals extends TurboFilter {

    /** HAPI's loggers that report an exception thrown by an interceptor: at ERROR, then again at WARN. */
    static final java.util.Set<String> REPORTERS = java.util.Set.of(
            "ca.uhn.fhir.interceptor.executor.BaseInterceptorService",
            "ca.uhn.fhir.rest.server.interceptor.ExceptionHandlingInterceptor");

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        if (logger == null || !REPORTERS.contains(logger.getName()) || level == null || !level.isGreaterOrEqual(Level.WARN)) {
            return FilterReply.NEUTRAL;
        }
        if (routine(t)) {
            return FilterReply.DENY;
        }
        if (params != null) {
            for (Object param : params) {
                // ExceptionHandlingInterceptor passes the exception as text ("...Exception: message").
                if (param instanceof Throwable thrown ? routine(thrown) : routineText(String.valueOf(param))) {
                    return FilterReply.DENY;
                }
            }
        }
        return FilterReply.NEUTRAL;
    }

    private static boolean routineText(String text) {
        return text.startsWith(AuthenticationException.class.getName() + ":")
                || text.startsWith(ForbiddenOperationException.class.getName() + ":");
    }

    private static boolean routine(Throwable t) {
        for (Throwable cause = t; cause != null; cause = cause.getCause()) {
            if (cause instanceof AuthenticationException || cause instanceof ForbiddenOperationException) {
                return true;
            }
        }
        return false;
    }
}
