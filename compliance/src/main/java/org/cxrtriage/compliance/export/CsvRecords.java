package org.cxrtriage.compliance.export;

import org.cxrtriage.compliance.chain.AuditEntry;
import org.cxrtriage.compliance.chain.AuditRecord;
import org.cxrtriage.compliance.chain.ResourceColumn;

import java.io.IOException;
import java.io.Writer;
import java.util.Arrays;
import java.util.List;

/**
 * RFC 4180 CSV with a header row and CRLF line ends. A field holding a comma, quote, CR or LF is
 * quoted with inner quotes doubled. As in PostgreSQL's CSV format, an absent value is an empty
 * field and an empty string is {@code ""}, so every record's hash can be recomputed from the file.
 * Resources are written as stored: a JSON array of strings (format 2) or joined by newlines
 * (format 1, older records); the last column names the format. Times are ISO-8601 UTC to the microsecond.
 */
public final class CsvRecords implements RecordWriter {

    /** Writes {@code records} as one CSV document (header row first) in the same format as the export. */
    public static void write(Iterable<AuditRecord> records, Writer out) throws IOException {
        CsvRecords csv = new CsvRecords(out);
        csv.begin();
        for (AuditRecord record : records) {
            csv.write(record);
        }
        csv.end();
    }

    static final List<String> COLUMNS = List.of("sequence", "recorded_at", "actor_type", "actor", "action", "study_uid",
            "resources", "outcome", "source", "details", "previous_hash", "hash", "format");

    private final Writer out;

    CsvRecords(Writer out) {
        this.out = out;
    }

    @Override
    public void begin() throws IOException {
        row(COLUMNS);
    }

    @Override
    public void write(AuditRecord record) throws IOException {
        AuditEntry e = record.entry();
        String resources = ResourceColumn.encode(e.resources(), record.format());
        row(Arrays.asList(Long.toString(record.sequence()), e.time().toString(), e.actorType(), e.actor(),
                e.action(), e.studyUid(), resources, e.outcome(), e.source(), e.details(), record.previousHash(),
                record.hash(), Integer.toString(record.format())));
    }

    @Override
    public void end() throws IOException {
        out.flush();
    }

    private void row(List<String> fields) throws IOException {
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                out.write(',');
            }
            out.write(field(fields.get(i)));
        }
        out.write("\r\n");
    }

    static String field(String value) {
        if (value == null) {
            return "";
        }
        if (value.isEmpty() || value.chars().anyMatch(c -> c == ',' || c == '"' || c == '\r' || c == '\n')) {
            return '"' + value.replace("\"", "\"\"") + '"';
        }
        return value;
    }
}
