package org.cxrtriage.app.delivery;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.TransferSyntax;
import jakarta.inject.Singleton;
import org.cxrtriage.app.config.DicomConfig;
import org.cxrtriage.app.worklist.BusinessStatus;
import org.cxrtriage.app.worklist.ResultRow;
import org.cxrtriage.app.worklist.TaskPriority;
import org.cxrtriage.app.worklist.WorklistQueries;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.sql.SQLException;
import java.time.ZoneId;
import java.util.Optional;

/**
 * The DICOM SR of an active result as a Part 10 file, for FHIR ({@code Binary/sr-r<id>}, the
 * DiagnosticReport's presentedForm): the same content and SOP Instance UID a PACS receives, with
 * the version it replaces (the result it superseded) as its predecessor.
 */
@Singleton
public final class StructuredReports {

    public static final String MEDIA_TYPE = "application/dicom";

    private final WorklistQueries queries;
    private final DeliveryQueue queue;
    private final ResultMessageReader messages;
    private final StructuredReportBuilder builder;
    private final String aeTitle;

    public StructuredReports(WorklistQueries queries, DeliveryQueue queue, ResultMessageReader messages, DicomConfig dicom) {
        this.queries = queries;
        this.queue = queue;
        this.messages = messages;
        this.builder = new StructuredReportBuilder(SoftwareVersion.current(), ZoneId.systemDefault());
        this.aeTitle = dicom.aeTitle();
    }

    /** The SR file of result {@code resultId}; empty for an unknown or shadow result. */
    public Optional<byte[]> part10(long resultId) throws SQLException {
        Optional<ResultRow> result = queries.result(resultId).filter(r -> !r.shadow());
        if (result.isEmpty()) {
            return Optional.empty();
        }
        OutboxMessage decision = queue.message(resultId).orElseGet(() -> decided(result.get()));
        Optional<ResultMessage.Previous> previous = queries.previousActive(resultId).map(earlier -> new ResultMessage.Previous(
                earlier.revision(), earlier.id(),
                Optional.of(DerivedUids.srInstance(earlier.studyUid(), earlier.revision(), earlier.id()))));
        ResultMessage message = messages.read(decision, previous);
        try {
            AttributeList sr = builder.build(message);
            FileMetaInformation.addFileMetaInformation(sr, TransferSyntax.ExplicitVRLittleEndian, aeTitle);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            sr.write(out, TransferSyntax.ExplicitVRLittleEndian, true, true);
            return Optional.of(out.toByteArray());
        } catch (DicomException | IOException e) {
            throw new IllegalStateException("the SR of result " + resultId + " could not be written: " + e.getMessage(), e);
        }
    }

    /**
     * For results stored before delivery existed (no outbox message): the outcome from the result
     * itself, the routine priority, not raised by the AI.
     */
    private static OutboxMessage decided(ResultRow result) {
        BusinessStatus status = !"SCORED".equals(result.status())
                ? (result.reason() != null && result.reason().startsWith("error") ? BusinessStatus.ERROR : BusinessStatus.NOT_SCORED)
                : result.unreliable() ? BusinessStatus.UNRELIABLE : BusinessStatus.SCORED;
        return new OutboxMessage(result.studyUid(), result.id(), result.revision(), status, TaskPriority.ROUTINE, false);
    }
}
