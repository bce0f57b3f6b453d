package org.cxrtriage.app.web;

import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import org.cxrtriage.app.ingest.CallerAllowList;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code GET /api/admin/warnings}: what an administrator should change in this installation's
 * configuration, for the administration page. Each warning names the setting that fixes it.
 */
@Controller("/api/admin/warnings")
@ExecuteOn(TaskExecutors.BLOCKING)
public final class WarningsController {

    /** One configuration warning; {@code callersSeen} only for the DICOM allow-list. */
    public record Warning(String code, String setting, String message, List<CallerAllowList.Caller> callersSeen) {
    }

    private final CallerAllowList allowList;

    public WarningsController(CallerAllowList allowList) {
        this.allowList = allowList;
    }

    @Get
    public List<Warning> warnings() throws SQLException {
        List<Warning> warnings = new ArrayList<>();
        if (allowList.isOpen()) {
            warnings.add(new Warning("dicom-allow-list-empty", "TRIAGE_DICOM_ALLOWED_CALLERS", allowList.warning(),
                    allowList.callersSeen()));
        }
        return warnings;
    }
}
