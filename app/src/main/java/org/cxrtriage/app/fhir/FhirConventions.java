package org.cxrtriage.app.fhir;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.ResourceBinding;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.method.BaseMethodBinding;
import ca.uhn.fhir.rest.server.method.IParameter;
import ca.uhn.fhir.rest.server.method.BaseQueryParameter;
import ca.uhn.fhir.rest.server.method.SearchMethodBinding;
import ca.uhn.fhir.rest.server.method.SortParameter;
import jakarta.servlet.http.HttpServletResponse;
import org.hl7.fhir.instance.model.api.IBaseConformance;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Resource;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What integrating systems can rely on, whatever the provider: a search parameter this server does
 * not support is a 400 OperationOutcome (never silently ignored, which would return everything);
 * reads carry ETag and Last-Modified from meta; every searchset entry says its search.mode; the
 * CapabilityStatement names this product and version and how to authenticate.
 */
@Interceptor
@jakarta.inject.Singleton
public final class FhirConventions {

    /** Result parameters every search understands (HAPI applies them). */
    private static final Set<String> RESULT_PARAMETERS = Set.of("_count", "_format", "_pretty", "_summary", "_elements",
            "_total");
    public static final String PRODUCT = "cxr-triage";
    public static final String VERSION = buildVersion();

    private final Map<String, Set<String>> supported = new ConcurrentHashMap<>();

    private static String buildVersion() {
        try (InputStream in = FhirConventions.class.getResourceAsStream("/cxr-triage-build.properties")) {
            Properties properties = new Properties();
            if (in != null) {
                properties.load(in);
            }
            String version = properties.getProperty("version", "");
            return version.isBlank() || version.startsWith("${") ? "unknown" : version;
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** Refuses searches that name a parameter no search method of the resource type declares. */
    @Hook(value = Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED, order = 100)
    public void unsupportedParameters(RequestDetails request, RestOperationTypeEnum operation) {
        if (operation != RestOperationTypeEnum.SEARCH_TYPE || request.getResourceName() == null
                || !(request.getServer() instanceof RestfulServer server)) {
            return;
        }
        Set<String> known = supported.computeIfAbsent(request.getResourceName(), type -> parameters(server, type));
        Set<String> unknown = new TreeSet<>();
        for (String name : request.getParameters().keySet()) {
            String base = name.contains(":") ? name.substring(0, name.indexOf(':')) : name;
            if (base.contains(".")) {
                throw new InvalidRequestException("CXR-400: chained search parameters (" + name + ") are not supported");
            }
            if (!known.contains(base) && !RESULT_PARAMETERS.contains(base)) {
                unknown.add(base);
            }
        }
        if (!unknown.isEmpty()) {
            throw new InvalidRequestException("CXR-400: " + request.getResourceName() + " cannot be searched by " + unknown
                    + "; supported: " + new TreeSet<>(known) + " and " + new TreeSet<>(RESULT_PARAMETERS));
        }
    }

    private static Set<String> parameters(RestfulServer server, String resourceType) {
        Set<String> names = new TreeSet<>();
        for (ResourceBinding binding : server.getResourceBindings()) {
            if (!resourceType.equals(binding.getResourceName())) {
                continue;
            }
            for (BaseMethodBinding method : binding.getMethodBindings()) {
                if (method instanceof SearchMethodBinding search) {
                    for (IParameter parameter : search.getParameters()) {
                        if (parameter instanceof BaseQueryParameter query) {
                            // search parameters by their name; _include and _revinclude likewise
                            names.add(query.getName());
                        } else if (parameter instanceof SortParameter) {
                            names.add("_sort");
                        }
                    }
                }
            }
        }
        return names;
    }

    /** ETag and Last-Modified from the resource's meta, and search.mode on every searchset entry. */
    @Hook(Pointcut.SERVER_OUTGOING_RESPONSE)
    public boolean outgoing(RequestDetails request, IBaseResource response, HttpServletResponse servletResponse) {
        if (response instanceof Bundle bundle && bundle.getType() == Bundle.BundleType.SEARCHSET) {
            for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
                if (entry.hasResource() && !entry.getSearch().hasMode()) {
                    boolean outcome = "OperationOutcome".equals(entry.getResource().fhirType());
                    entry.getSearch().setMode(outcome ? Bundle.SearchEntryMode.OUTCOME : Bundle.SearchEntryMode.MATCH);
                }
            }
        } else if (response instanceof Resource resource && servletResponse != null
                && (request.getRestOperationType() == RestOperationTypeEnum.READ
                || request.getRestOperationType() == RestOperationTypeEnum.VREAD
                || request.getRestOperationType() == RestOperationTypeEnum.UPDATE)) {
            if (resource.getMeta().hasVersionId() && servletResponse.getHeader("ETag") == null) {
                servletResponse.setHeader("ETag", "W/\"" + resource.getMeta().getVersionId() + "\"");
            }
            if (resource.getMeta().hasLastUpdated() && servletResponse.getHeader("Last-Modified") == null) {
                servletResponse.setHeader("Last-Modified", java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(
                        resource.getMeta().getLastUpdated().toInstant().atOffset(java.time.ZoneOffset.UTC)));
            }
        }
        return true;
    }

    /** Our product and version (not HAPI's), and how to authenticate. */
    @Hook(Pointcut.SERVER_CAPABILITY_STATEMENT_GENERATED)
    public void capabilities(IBaseConformance generated) {
        if (!(generated instanceof CapabilityStatement statement)) {
            return;
        }
        statement.getSoftware().setName(PRODUCT).setVersion(VERSION);
        statement.setPublisher(PRODUCT);
        statement.getImplementation().setDescription(PRODUCT + " " + VERSION
                + ": chest X-ray triage worklist (AI triage for prioritisation, not a diagnosis)");
        for (CapabilityStatement.CapabilityStatementRestComponent rest : statement.getRest()) {
            CapabilityStatement.CapabilityStatementRestSecurityComponent security = rest.getSecurity();
            security.setCors(false);
            security.getService().clear();
            security.addService(new CodeableConcept(new Coding(
                    "http://terminology.hl7.org/CodeSystem/restful-security-service", "Basic", "Basic"))
                    .setText("HTTP Basic with a cxr-triage user"));
            security.addService(new CodeableConcept().setText("Bearer: a cxr-triage session token"
                    + " (Authorization: Bearer <token>, from POST /api/token)"));
            security.setDescription("Every interaction except GET /fhir/metadata needs a cxr-triage user: HTTP Basic"
                    + " (Authorization: Basic) or a Bearer session token. Roles decide what may be read or changed;"
                    + " AuditEvent is for compliance officers only.");
        }
    }
}
