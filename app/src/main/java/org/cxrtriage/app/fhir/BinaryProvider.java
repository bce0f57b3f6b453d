package org.cxrtriage.app.fhir;

import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Read;
import ca.uhn.fhir.rest.server.IResourceProvider;
import jakarta.inject.Singleton;
import org.cxrtriage.app.audit.References;
import org.cxrtriage.app.delivery.StructuredReports;
import org.cxrtriage.app.worklist.ResultRow;
import org.cxrtriage.app.worklist.WorklistQueries;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Reference;

import java.sql.SQLException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code Binary/sr-r<result id>}: the DICOM SR of an active result (the DiagnosticReport's
 * presentedForm). Asked for as FHIR JSON or XML it is a Binary resource with the file in
 * {@code data}; asked for with any other Accept header (e.g. {@code application/dicom}) HAPI sends
 * the file itself. Its securityContext names the study, so the read is audited against it.
 */
@Singleton
public final class BinaryProvider implements IResourceProvider {

    private static final Pattern SR_ID = Pattern.compile("sr-r(\\d{1,18})");

    private final StructuredReports reports;
    private final WorklistQueries queries;

    public BinaryProvider(StructuredReports reports, WorklistQueries queries) {
        this.reports = reports;
        this.queries = queries;
    }

    @Override
    public Class<Binary> getResourceType() {
        return Binary.class;
    }

    @Read
    public Binary read(@IdParam IdType id) {
        Matcher matcher = SR_ID.matcher(id.getIdPart());
        if (!matcher.matches()) {
            throw FhirErrors.notFound("Binary", id);
        }
        long resultId = Long.parseLong(matcher.group(1));
        try {
            Optional<ResultRow> result = queries.result(resultId);
            Optional<byte[]> file = reports.part10(resultId);
            if (result.isEmpty() || file.isEmpty()) {
                throw FhirErrors.notFound("Binary", id);
            }
            Binary binary = new Binary();
            binary.setId(References.structuredReportId(resultId));
            binary.setContentType(StructuredReports.MEDIA_TYPE);
            binary.setSecurityContext(new Reference(References.imagingStudy(result.get().studyUid())));
            binary.setData(file.get());
            return binary;
        } catch (SQLException e) {
            throw FhirErrors.database(e);
        }
    }
}
