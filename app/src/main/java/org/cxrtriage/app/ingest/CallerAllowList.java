package org.cxrtriage.app.ingest;

import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.context.event.StartupEvent;
import jakarta.inject.Singleton;
import org.cxrtriage.app.config.DicomConfig;
import org.cxrtriage.app.config.OwnerOnlyFiles;
import org.cxrtriage.app.config.StorageConfig;
import org.cxrtriage.app.db.Sql;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Who may add studies over DICOM (TRIAGE_DICOM_ALLOWED_CALLERS). Empty means any calling AE title
 * that reaches the port, and any of them can put a study with a STAT priority on top of the
 * worklist; that is allowed for a first installation but never silently: every start logs a
 * warning, the first start writes a guidance file into the data directory, and {@code /health}
 * and the administration page show it together with the callers seen so far, which is what an
 * administrator needs to write the list.
 */
@Singleton
public final class CallerAllowList implements ApplicationEventListener<StartupEvent> {

    /** The guidance file in the data directory. */
    public static final String GUIDANCE_FILE = "dicom-allowed-callers.txt";

    private static final Logger log = LoggerFactory.getLogger(CallerAllowList.class);

    /** A calling AE title that stored instances here, how many, and when last. */
    public record Caller(String aeTitle, long instances, String lastStored) {
    }

    private final Set<String> allowed;
    private final int port;
    private final Path guidance;
    private final Sql sql;

    public CallerAllowList(DicomConfig dicom, StorageConfig storage, Sql sql) {
        this.allowed = dicom.allowedCallerSet();
        this.port = dicom.port();
        this.guidance = storage.dataDir().resolve(GUIDANCE_FILE);
        this.sql = sql;
    }

    /** True when any calling AE title is accepted. */
    public boolean isOpen() {
        return allowed.isEmpty();
    }

    public Set<String> allowed() {
        return allowed;
    }

    /** The warning an administrator sees while the list is empty. */
    public String warning() {
        return "TRIAGE_DICOM_ALLOWED_CALLERS is empty: any DICOM peer that reaches port " + port
                + " can add studies to the worklist, with any priority. Set it to the AE titles of your PACS and"
                + " modalities (comma-separated) and restart.";
    }

    /** Calling AE titles that stored instances, most recent first (AE titles are not patient data). */
    public List<Caller> callersSeen() throws SQLException {
        return sql.query("""
                SELECT calling_ae_title, COUNT(*), MAX(received_at) FROM instance
                 GROUP BY calling_ae_title ORDER BY MAX(received_at) DESC LIMIT 50""",
                row -> new Caller(row.getString(1), row.getLong(2), row.getObject(3, OffsetDateTime.class).toInstant().toString()));
    }

    @Override
    public void onApplicationEvent(StartupEvent event) {
        if (!isOpen()) {
            log.info("DICOM callers allowed: {}", String.join(", ", allowed));
            return;
        }
        String seen = describeSeen();
        log.warn("{} Callers seen so far: {}. Guidance: {}", warning(), seen, guidance);
        if (!Files.exists(guidance)) {
            writeGuidance(seen);
        }
    }

    private String describeSeen() {
        try {
            List<Caller> callers = callersSeen();
            return callers.isEmpty() ? "none yet" : callers.stream()
                    .map(caller -> caller.aeTitle() + " (" + caller.instances() + ")").collect(Collectors.joining(", "));
        } catch (SQLException e) {
            return "unknown (" + e.getSQLState() + ")";
        }
    }

    private void writeGuidance(String seen) {
        String text = """
                cxr-triage: which DICOM peers may send studies

                The server was started without TRIAGE_DICOM_ALLOWED_CALLERS, so it accepts
                associations from any calling AE title on port %d. Anyone on the network who
                can reach that port can add studies to the radiologists' worklist, including
                ones that claim a STAT priority.

                Set the variable to the calling AE titles of your PACS and modalities before
                going live, and restart:

                    TRIAGE_DICOM_ALLOWED_CALLERS=PACS_MAIN,PACS_DR ./cxr-triage start

                Calling AE titles that had stored instances when this file was written:
                    %s

                Until the list is set, every start logs a warning, and /health (for
                administrators) and the administration page show it with the callers seen
                since. This file is written once and can be deleted.
                """.formatted(port, seen);
        try {
            OwnerOnlyFiles.write(guidance, text);
        } catch (FileAlreadyExistsException anotherNodeWroteIt) {
            // one copy is enough
        } catch (IOException e) {
            log.warn("could not write {}: {}", guidance, e.getMessage());
        }
    }
}
