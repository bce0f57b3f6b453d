/**
 * The append-only, hash-chained audit log, its FHIR AuditEvent mapping, verification and export.
 * Plain Java: depends on neither Micronaut nor the other feature modules.
 */
package org.cxrtriage.compliance;
