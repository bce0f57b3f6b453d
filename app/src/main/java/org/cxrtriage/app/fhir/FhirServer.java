package org.cxrtriage.app.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.RestfulServer;
import io.micronaut.context.annotation.Factory;
import io.micronaut.servlet.api.annotation.ServletBean;
import jakarta.inject.Singleton;
import org.cxrtriage.app.security.FhirSecurityInterceptor;

import java.util.List;

/**
 * The FHIR R4 API at {@code /fhir}, HAPI's plain server running as a servlet beside the Micronaut
 * controllers on the same port. CapabilityStatement, {@code _count} paging, JSON and XML, and
 * OperationOutcome errors come from HAPI; the providers only read and write the worklist.
 */
@Factory
public final class FhirServer {

    @Singleton
    FhirContext fhirContext() {
        return FhirContext.forR4Cached();
    }

    @ServletBean(name = "fhir", urlPatterns = "/fhir/*", loadOnStartup = 1)
    RestfulServer fhirServlet(FhirContext context, List<IResourceProvider> providers, FhirSecurityInterceptor security,
                              FhirConventions conventions, DatabasePagingProvider paging) {
        RestfulServer server = new RestfulServer(context) {
            /** No X-Powered-By: the server software and its version are nobody's business on a hospital network. */
            @Override
            public void addHeadersToResponse(jakarta.servlet.http.HttpServletResponse response) {
            }
        };
        server.setServerName("cxr-triage");
        server.setImplementationDescription("cxr-triage chest X-ray triage worklist (AI triage, not a diagnosis)");
        server.setDefaultResponseEncoding(EncodingEnum.JSON);
        server.setDefaultPrettyPrint(false);
        // Paging state lives in the database: next links work on every node and survive other searches.
        server.setPagingProvider(paging);
        server.setResourceProviders(providers.toArray(IResourceProvider[]::new));
        server.registerInterceptor(security);
        server.registerInterceptor(conventions);
        return server;
    }
}
