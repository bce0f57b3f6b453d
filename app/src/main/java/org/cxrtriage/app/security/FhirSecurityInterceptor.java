package org.cxrtriage.app.security;

import org.cxrtriage.compliance.AuditAction;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.AuthenticationException;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import jakarta.inject.Singleton;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import org.cxrtriage.app.audit.AuditTrail;
import org.cxrtriage.app.audit.AuditUnavailableException;
import org.cxrtriage.app.security.Authenticator.Outcome;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Resource;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Security for the FHIR API, which HAPI serves outside Micronaut's filters: the same users,
 * credentials and throttling as the web ({@link Authenticator}), the rules of
 * {@link FhirAccessPolicy}, and an audit record for every response that carries patient or audit
 * data, naming each resource returned.
 */
@Singleton
@Interceptor
public final class FhirSecurityInterceptor {

    private static final String PRINCIPAL = "cxr.principal";
    /** More entries than this in one response are counted, not listed, in its audit record. */
    private static final int LISTED_RESOURCES = 500;

    private final Authenticator authenticator;
    private final AuditTrail audit;
    private final TransportPolicy transport;

    public FhirSecurityInterceptor(Authenticator authenticator, AuditTrail audit, TransportPolicy transport) {
        this.authenticator = authenticator;
        this.audit = audit;
        this.transport = transport;
    }

    /** The caller's network address. */
    public static String source(RequestDetails request) {
        return request instanceof ServletRequestDetails servlet ? servlet.getServletRequest().getRemoteAddr() : null;
    }

    /** A change rather than a read: any method but GET and HEAD, except a search sent as POST .../_search. */
    private static boolean writes(HttpServletRequest request) {
        String method = request.getMethod();
        String path = request.getPathInfo() == null ? "" : request.getPathInfo();
        return !method.equals("GET") && !method.equals("HEAD")
                && !(method.equals("POST") && (path.endsWith("/_search") || path.equals("/_search")));
    }

    /** The signed-in user of a FHIR request (set before HAPI looks at the request). */
    public static Optional<Principal> principal(RequestDetails request) {
        return request instanceof ServletRequestDetails servlet
                ? Optional.ofNullable((Principal) servlet.getServletRequest().getAttribute(PRINCIPAL))
                : Optional.empty();
    }

    /**
     * Runs before HAPI parses the request, so unknown types and unsupported searches are refused
     * to anonymous callers too, without telling them what exists.
     */
    @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_PROCESSED)
    public boolean authenticate(HttpServletRequest servletRequest) {
        if (transport.refusesPlain(servletRequest.isSecure(), "/fhir" + servletRequest.getPathInfo())) {
            throw new ForbiddenOperationException("CXR-403: " + transport.advice(servletRequest.getHeader("Host")) + "/fhir");
        }
        String session = null;
        if (servletRequest.getCookies() != null) {
            for (Cookie cookie : servletRequest.getCookies()) {
                if (AccessFilter.SESSION_COOKIE.equals(cookie.getName())) {
                    session = cookie.getValue();
                }
            }
        }
        String authorization = servletRequest.getHeader("Authorization");
        String attempted = servletRequest.getMethod() + " /fhir" + (servletRequest.getPathInfo() == null ? ""
                : servletRequest.getPathInfo());
        String source = servletRequest.getRemoteAddr();
        boolean open = FhirAccessPolicy.isOpen(servletRequest.getPathInfo());
        Optional<String> crossSite = CrossSiteCheck.refusal(servletRequest.getMethod(), authorization == null && session != null,
                servletRequest.getHeader("X-Requested-With"), servletRequest.getHeader("Origin"),
                servletRequest.getHeader("Sec-Fetch-Site"), servletRequest.getHeader("Host"));
        if (crossSite.isPresent() && !open) {
            audit.refusal("USER", "unknown", AuditAction.ACCESS_DENIED, List.of(attempted), source, "cross-site request refused: "
                    + crossSite.get());
            throw new ForbiddenOperationException("CXR-403: request refused: " + crossSite.get());
        }
        Outcome outcome = authenticator.authenticate(authorization, session, source, "FHIR");
        if (outcome instanceof Outcome.SignedIn signedIn) {
            Principal principal = signedIn.principal();
            servletRequest.setAttribute(PRINCIPAL, principal);
            if (!open && writes(servletRequest) && !principal.may(Permission.WORKLIST_WRITE)) {
                // Refused before HAPI reads and parses the body of a change the role may not make.
                String why = principal.withheldUntilOwnPassword(Permission.WORKLIST_WRITE)
                        ? "set your own password first (your password was set by an administrator): POST /api/me/password"
                        : "the role " + principal.role() + " may not change FHIR resources";
                audit.refusal("USER", principal.name(), AuditAction.ACCESS_DENIED, List.of(attempted), source, "403: " + why);
                throw new ForbiddenOperationException("CXR-403: " + why);
            }
            if (!open && !principal.may(Permission.WORKLIST_READ) && !principal.may(Permission.AUDIT_READ)) {
                String why = principal.withheldUntilOwnPassword(Permission.WORKLIST_READ)
                        ? "set your own password first (your password was set by an administrator): POST /api/me/password"
                        : "the role " + principal.role() + " has no access to FHIR resources";
                audit.refusal("USER", principal.name(), AuditAction.ACCESS_DENIED, List.of(attempted), source, "403: " + why);
                throw new ForbiddenOperationException("CXR-403: " + why);
            }
            return true;
        }
        if (open) {
            return true;
        }
        if (outcome instanceof Outcome.Refused refused && refused.retryAfter().isPresent()) {
            BaseServerResponseException tooMany = new BaseServerResponseException(429,
                    "CXR-429: too many failed sign-ins; try again later") {
            };
            tooMany.addResponseHeader("Retry-After", Long.toString(Math.max(1, refused.retryAfter().get().toSeconds())));
            throw tooMany;
        }
        String reason = outcome instanceof Outcome.Refused refused ? refused.reason() : "credentials required";
        if (!AccessFilter.isBasic(authorization)) { // a wrong password is already audited as login.failed
            audit.refusal("USER", outcome instanceof Outcome.Refused ? "unknown" : "anonymous", AuditAction.ACCESS_DENIED,
                    List.of(attempted), source, "401: " + reason);
        }
        throw new AuthenticationException("CXR-401: " + reason
                + " (HTTP Basic or a Bearer session token of a cxr-triage user)")
                .addAuthenticateHeaderForRealm("cxr-triage");
    }

    @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
    public void authorize(RequestDetails request, RestOperationTypeEnum operation) {
        Optional<Permission> needed = FhirAccessPolicy.needed(operation, request.getResourceName());
        if (needed.isEmpty()) {
            return;
        }
        Principal principal = principal(request).orElseThrow(() ->
                new AuthenticationException("CXR-401: credentials required").addAuthenticateHeaderForRealm("cxr-triage"));
        boolean allowed = operation == RestOperationTypeEnum.GET_PAGE
                ? principal.may(Permission.WORKLIST_READ) || principal.may(Permission.AUDIT_READ)
                : principal.may(needed.get());
        if (!allowed) {
            String why = principal.withheldUntilOwnPassword(needed.get())
                    ? "set your own password first (your password was set by an administrator): POST /api/me/password"
                    : "the role " + principal.role() + " does not allow " + operation.getCode()
                    + (request.getResourceName() == null ? "" : " on " + request.getResourceName());
            audit.refusal("USER", principal.name(), AuditAction.ACCESS_DENIED, List.of(request.getRequestType() + " /fhir/"
                    + request.getRequestPath()), source(request), "403: " + why);
            throw new ForbiddenOperationException("CXR-403: " + why);
        }
    }

    /**
     * A search or operation parameter that does not parse (e.g. {@code triage-score=gt-Infinity}) is
     * the client's mistake: 400 with an OperationOutcome, not a 500.
     */
    @Hook(Pointcut.SERVER_PRE_PROCESS_OUTGOING_EXCEPTION)
    public BaseServerResponseException clientMistakes(Throwable exception) {
        for (Throwable cause = exception; cause != null; cause = cause.getCause()) {
            if (cause instanceof NumberFormatException || cause instanceof ca.uhn.fhir.parser.DataFormatException) {
                return new ca.uhn.fhir.rest.server.exceptions.InvalidRequestException(
                        "CXR-400: a parameter's value is not valid: use a finite number or a valid FHIR value");
            }
        }
        return null;
    }

    @Hook(Pointcut.SERVER_OUTGOING_RESPONSE)
    public boolean auditResponse(RequestDetails request, IBaseResource response, HttpServletRequest servletRequest) {
        Optional<Principal> principal = principal(request);
        if (principal.isEmpty() || response == null || request.getRestOperationType() == null
                || request.getRestOperationType() == RestOperationTypeEnum.METADATA) {
            return true;
        }
        List<Resource> resources = new ArrayList<>();
        if (response instanceof Bundle bundle) {
            bundle.getEntry().stream().filter(Bundle.BundleEntryComponent::hasResource)
                    .forEach(entry -> resources.add(entry.getResource()));
        } else if (response instanceof Resource resource && !"OperationOutcome".equals(resource.fhirType())) {
            resources.add(resource);
        }
        boolean auditData = resources.stream().anyMatch(resource -> "AuditEvent".equals(resource.fhirType()));
        if (auditData && !principal.get().may(Permission.AUDIT_READ)) {
            audit.refusal("USER", principal.get().name(), AuditAction.ACCESS_DENIED, List.of(request.getRequestType() + " /fhir/"
                    + request.getRequestPath()), source(request), "403: audit data in the response");
            throw new ForbiddenOperationException("CXR-403: the role " + principal.get().role() + " may not read audit data");
        }
        if (request.getRestOperationType() == RestOperationTypeEnum.UPDATE
                || request.getRestOperationType() == RestOperationTypeEnum.EXTENDED_OPERATION_INSTANCE) {
            return true; // the change itself is audited by WorklistActions
        }
        Set<String> studies = new LinkedHashSet<>();
        List<String> listed = new ArrayList<>();
        for (Resource resource : resources) {
            String id = resource.fhirType() + "/" + resource.getIdElement().getIdPart();
            if (listed.size() < LISTED_RESOURCES) {
                listed.add(id);
            }
            if ("Task".equals(resource.fhirType()) || "ImagingStudy".equals(resource.fhirType())) {
                studies.add(resource.getIdElement().getIdPart());
            }
            if (resource instanceof org.hl7.fhir.r4.model.Binary binary && binary.hasSecurityContext()
                    && "ImagingStudy".equals(binary.getSecurityContext().getReferenceElement().getResourceType())) {
                studies.add(binary.getSecurityContext().getReferenceElement().getIdPart());
            }
        }
        AuditAction action = auditData ? AuditAction.AUDIT_READ
                : request.getRestOperationType() == RestOperationTypeEnum.READ ? AuditAction.FHIR_READ : AuditAction.FHIR_SEARCH;
        try {
            // The path only: never the Host header or the query, which come from the client unchecked.
            audit.user(principal.get().name(), action, studies.size() == 1 ? studies.iterator().next() : null, listed, true,
                    servletRequest.getRemoteAddr(), request.getRequestType() + " /fhir/" + request.getRequestPath()
                            + " returned " + resources.size() + " resource(s)"
                            + (resources.size() > listed.size() ? ", first " + listed.size() + " listed" : ""));
        } catch (AuditUnavailableException e) {
            throw new BaseServerResponseException(503, "CXR-503: " + e.getMessage()) {
            };
        }
        return true;
    }
}
