package org.cxrtriage.app.fhir;

import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.OptionalParam;
import ca.uhn.fhir.rest.annotation.Read;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.param.DateParam;
import ca.uhn.fhir.rest.param.DateRangeParam;
import ca.uhn.fhir.rest.param.ParamPrefixEnum;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.StringParam;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import jakarta.inject.Singleton;
import org.cxrtriage.compliance.chain.AuditLog;
import org.cxrtriage.compliance.chain.AuditQuery;
import org.cxrtriage.compliance.fhir.AuditEvents;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IPrimitiveType;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.InstantType;

import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;

/**
 * The audit log as FHIR AuditEvent resources (IHE Basic Audit Log Patterns), for compliance
 * officers only (see FhirAccessPolicy). Search by {@code date}, {@code entity} (a study UID,
 * "ImagingStudy/uid", "Task/uid", ...) and {@code agent} or {@code agent-name} (the user, AE title
 * or "cxr-triage"); results come oldest first and page through the database, never all at once.
 */
@Singleton
public final class AuditEventProvider implements IResourceProvider {

    private final AuditLog log;
    private final AuditEvents events = new AuditEvents();

    public AuditEventProvider(AuditLog log) {
        this.log = log;
    }

    @Override
    public Class<AuditEvent> getResourceType() {
        return AuditEvent.class;
    }

    @Read
    public AuditEvent read(@IdParam IdType id) {
        long sequence;
        try {
            sequence = Long.parseLong(id.getIdPart());
        } catch (NumberFormatException e) {
            throw FhirErrors.notFound("AuditEvent", id);
        }
        try {
            return events.toFhir(log.read(sequence).orElseThrow(() -> FhirErrors.notFound("AuditEvent", id)));
        } catch (SQLException e) {
            throw FhirErrors.database(e);
        }
    }

    @Search
    public IBundleProvider search(@OptionalParam(name = AuditEvent.SP_DATE) DateRangeParam date,
                                  @OptionalParam(name = AuditEvent.SP_ENTITY) ReferenceParam entity,
                                  @OptionalParam(name = AuditEvent.SP_AGENT) ReferenceParam agent,
                                  @OptionalParam(name = AuditEvent.SP_AGENT_NAME) StringParam agentName) {
        AuditQuery query = new AuditQuery(lower(date), upper(date), actor(agent, agentName),
                entity == null ? null : entity.getValue(), null);
        try {
            // Pin the result to the chain head now, so later records do not shift the pages.
            AuditQuery pinned = query.through(log.head().sequence());
            long size = log.count(pinned);
            return pages(log, pinned, (int) Math.min(Integer.MAX_VALUE, size));
        } catch (SQLException e) {
            throw FhirErrors.database(e);
        }
    }

    private static String actor(ReferenceParam agent, StringParam agentName) {
        if (agent != null && agentName != null) {
            throw new InvalidRequestException("CXR-400: give agent or agent-name, not both");
        }
        if (agent != null) {
            return agent.getIdPart();
        }
        return agentName == null ? null : agentName.getValue();
    }

    /**
     * The first instant a date range includes. Dates without a time are whole UTC days, months or
     * years (HAPI's own bounds widen them by time-zone slack, which an audit search must not).
     */
    private static Instant lower(DateRangeParam date) {
        DateParam bound = date == null ? null : date.getLowerBound();
        if (bound == null || bound.isEmpty()) {
            return null;
        }
        Period period = Period.of(bound);
        return bound.getPrefix() == ParamPrefixEnum.GREATERTHAN ? period.end() : period.start();
    }

    /** The first instant after a date range. */
    private static Instant upper(DateRangeParam date) {
        DateParam bound = date == null ? null : date.getUpperBound();
        if (bound == null || bound.isEmpty()) {
            return null;
        }
        Period period = Period.of(bound);
        return bound.getPrefix() == ParamPrefixEnum.LESSTHAN ? period.start() : period.end();
    }

    /** What a date parameter's value covers: [start, end). */
    private record Period(Instant start, Instant end) {
        static Period of(DateParam param) {
            TemporalPrecisionEnum precision = param.getPrecision();
            Instant start = param.getValue().toInstant();
            if (precision == TemporalPrecisionEnum.YEAR || precision == TemporalPrecisionEnum.MONTH
                    || precision == TemporalPrecisionEnum.DAY) {
                String text = param.getValueAsString();
                LocalDate day = LocalDate.parse(text.length() == 4 ? text + "-01-01" : text.length() == 7 ? text + "-01" : text);
                LocalDate next = precision == TemporalPrecisionEnum.YEAR ? day.plusYears(1)
                        : precision == TemporalPrecisionEnum.MONTH ? day.plusMonths(1) : day.plusDays(1);
                return new Period(day.atStartOfDay(ZoneOffset.UTC).toInstant(), next.atStartOfDay(ZoneOffset.UTC).toInstant());
            }
            return new Period(start, start.plusMillis(precision == TemporalPrecisionEnum.SECOND ? 1000 : 1));
        }
    }

    /** A search's results, {@code count} records matching a pinned query, read a page at a time. */
    static Pages pages(AuditLog log, AuditQuery pinned, int count) {
        return new Pages(log, new AuditEvents(), pinned, count);
    }

    /**
     * One search's results, read a page at a time. {@link DatabasePagingProvider} keeps its query,
     * not its records, for the {@code next} links.
     */
    record Pages(AuditLog log, AuditEvents events, AuditQuery query, int count) implements IBundleProvider {

        @Override
        public IPrimitiveType<Date> getPublished() {
            return InstantType.now();
        }

        @Override
        public List<IBaseResource> getResources(int fromIndex, int toIndex) {
            try {
                return log.search(query, fromIndex, Math.max(0, toIndex - fromIndex)).stream()
                        .map(record -> (IBaseResource) events.toFhir(record)).toList();
            } catch (SQLException e) {
                throw FhirErrors.database(e);
            }
        }

        @Override
        public String getUuid() {
            return null;
        }

        @Override
        public Integer preferredPageSize() {
            return null;
        }

        @Override
        public Integer size() {
            return count;
        }
    }
}
