package org.cxrtriage.app.fhir;

import ca.uhn.fhir.rest.server.exceptions.InternalErrorException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import org.hl7.fhir.r4.model.IdType;

import java.sql.SQLException;

/** Typed FHIR errors (HAPI turns them into OperationOutcomes) with stable codes in the message. */
final class FhirErrors {

    private FhirErrors() {
    }

    static ResourceNotFoundException notFound(String type, IdType id) {
        return new ResourceNotFoundException("CXR-404: " + type + "/" + id.getIdPart() + " is not known to this server");
    }

    /** The database's own message is not repeated: it can quote the values (patient data) of the statement. */
    static InternalErrorException database(SQLException e) {
        return new InternalErrorException("CXR-503: the worklist database is unavailable (SQLState " + e.getSQLState()
                + "); retry later", e);
    }
}
