package org.cxrtriage.compliance.export;

import org.cxrtriage.compliance.chain.ChainHead;

/**
 * What an export holds and how to check it, written next to it as {@code <file>.manifest.json}.
 * Times are ISO-8601 UTC; sequences are null when the export holds no record.
 *
 * @param file              the export's file name (same directory)
 * @param format            "ndjson" (FHIR R4 AuditEvent per line) or "csv"
 * @param from              first instant included
 * @param to                first instant not included
 * @param sha256            SHA-256 of the export file's bytes, lower-case hex
 * @param chainHead         the database's chain head when the export began; the export holds no later record
 * @param chainVerification the whole chain from genesis to that head, checked when the export was made
 * @param producer          the tool that wrote it
 */
public record ExportManifest(String file, String format, String from, String to, long recordCount, Long firstSequence,
                             Long lastSequence, String sha256, ChainHead chainHead, ChainVerification chainVerification,
                             String createdAt, String producer) {

    /**
     * @param intact              true when no record from genesis to the head was altered, removed or reordered
     * @param firstBrokenSequence the first record that breaks the chain, or null
     * @param problem             what is wrong with it, or null
     */
    public record ChainVerification(boolean intact, long recordsChecked, Long firstBrokenSequence, String problem) {
    }
}
