package org.cxrtriage.compliance.export;

import org.cxrtriage.compliance.chain.AuditRecord;

import java.io.IOException;

/** Writes audit records in one export format; the caller owns and closes the stream underneath. */
interface RecordWriter {

    /** Called once before the first record (also when there are none). */
    void begin() throws IOException;

    void write(AuditRecord record) throws IOException;

    /** Called once after the last record; flushes what is buffered. */
    void end() throws IOException;
}
