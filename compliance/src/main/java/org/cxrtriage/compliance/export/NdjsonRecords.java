package org.cxrtriage.compliance.export;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import org.cxrtriage.compliance.chain.AuditRecord;
import org.cxrtriage.compliance.fhir.AuditEvents;

import java.io.IOException;
import java.io.Writer;

/** FHIR bulk-data NDJSON: one compact R4 AuditEvent per line, lines ending in LF. */
final class NdjsonRecords implements RecordWriter {

    private final Writer out;
    private final AuditEvents events;
    private final IParser json = FhirContext.forR4Cached().newJsonParser().setPrettyPrint(false);

    NdjsonRecords(Writer out, AuditEvents events) {
        this.out = out;
        this.events = events;
    }

    @Override
    public void begin() {
    }

    @Override
    public void write(AuditRecord record) throws IOException {
        out.write(json.encodeResourceToString(events.toFhir(record)));
        out.write('\n');
    }

    @Override
    public void end() throws IOException {
        out.flush();
    }
}
