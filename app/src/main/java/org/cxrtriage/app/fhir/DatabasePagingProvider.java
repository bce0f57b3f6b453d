package org.cxrtriage.app.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.FifoMemoryPagingProvider;
import ca.uhn.fhir.rest.server.IPagingProvider;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import org.cxrtriage.app.db.Sql;
import org.cxrtriage.app.security.FhirSecurityInterceptor;
import org.cxrtriage.app.security.Principal;
import org.cxrtriage.compliance.chain.AuditLog;
import org.cxrtriage.compliance.chain.AuditQuery;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keeps search results for paging in the database: a {@code next} link names a stored search, so it
 * works on every node that shares the database, for the configured lifetime (default 60 minutes),
 * however many other searches happen meanwhile. Each stored search keeps its matches in order with
 * what was included for each, as FHIR JSON: later pages show the result as it was when searched
 * (stable paging), and only the user who searched may page through it. An AuditEvent search pages
 * the audit log itself: its stored search keeps the query, pinned to the chain head when it ran,
 * instead of the records. Searches a provider answers with a plain list stay in this node's memory.
 */
@Singleton
public final class DatabasePagingProvider implements IPagingProvider {

    private static final Logger LOG = LoggerFactory.getLogger(DatabasePagingProvider.class);
    private static final Duration CLEANUP_INTERVAL = Duration.ofMinutes(1);
    private static final String MEMORY_PREFIX = "m-";

    private final Sql sql;
    private final AuditLog auditLog;
    private final IParser parser;
    private final Duration lifetime;
    private final FifoMemoryPagingProvider memory = new FifoMemoryPagingProvider(200);
    private final AtomicLong lastCleanup = new AtomicLong();

    public DatabasePagingProvider(Sql sql, AuditLog auditLog, FhirContext context,
                                  @Value("${triage.fhir.search-lifetime-minutes:60}") long lifetimeMinutes) {
        this.sql = sql;
        this.auditLog = auditLog;
        this.parser = context.newJsonParser();
        this.lifetime = Duration.ofMinutes(Math.max(30, lifetimeMinutes));
        memory.setDefaultPageSize(getDefaultPageSize());
        memory.setMaximumPageSize(getMaximumPageSize());
    }

    public Duration lifetime() {
        return lifetime;
    }

    @Override
    public int getDefaultPageSize() {
        return 50;
    }

    @Override
    public int getMaximumPageSize() {
        return 500;
    }

    @Override
    public String storeResultList(RequestDetails request, IBundleProvider provider) {
        if (provider instanceof AuditEventProvider.Pages audit) {
            return storeAuditQuery(request, audit);
        }
        if (!(provider instanceof SearchResults results)) {
            return MEMORY_PREFIX + memory.storeResultList(request, provider);
        }
        String id = UUID.randomUUID().toString();
        String owner = owner(request);
        int total = results.size();
        List<SearchResults.Hit> hits = results.hits(0, total);
        List<Object[]> rows = new ArrayList<>();
        for (int position = 0; position < hits.size(); position++) {
            SearchResults.Hit hit = hits.get(position);
            String included = null;
            if (!hit.included().isEmpty()) {
                Bundle bundle = new Bundle().setType(Bundle.BundleType.COLLECTION);
                hit.included().forEach(resource -> bundle.addEntry().setResource((org.hl7.fhir.r4.model.Resource) resource));
                included = parser.encodeResourceToString(bundle);
            }
            rows.add(new Object[] {id, position, parser.encodeResourceToString(hit.match()), included});
        }
        OffsetDateTime now = Instant.now().atOffset(ZoneOffset.UTC);
        try {
            sql.inTransaction(connection -> {
                Sql.update(connection, "INSERT INTO fhir_search (id, owner, total, created_at) VALUES (?, ?, ?, ?)",
                        id, owner, total, now);
                Sql.batch(connection, "INSERT INTO fhir_search_entry (search_id, position, match_json, included_json)"
                        + " VALUES (?, ?, ?, ?)", rows);
                return null;
            });
        } catch (SQLException e) {
            throw FhirErrors.database(e);
        }
        cleanUp(now);
        return id;
    }

    private String storeAuditQuery(RequestDetails request, AuditEventProvider.Pages audit) {
        String id = UUID.randomUUID().toString();
        AuditQuery query = audit.query();
        OffsetDateTime now = Instant.now().atOffset(ZoneOffset.UTC);
        try {
            sql.update("""
                    INSERT INTO fhir_search (id, owner, total, created_at, audit_from, audit_to, audit_actor, audit_entity,
                           audit_through) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""", id, owner(request), audit.size(), now,
                    utc(query.from()), utc(query.to()), query.actor(), query.entity(), query.throughSequence());
        } catch (SQLException e) {
            throw FhirErrors.database(e);
        }
        cleanUp(now);
        return id;
    }

    @Override
    public IBundleProvider retrieveResultList(RequestDetails request, String id) {
        if (id == null) {
            return null;
        }
        if (id.startsWith(MEMORY_PREFIX)) {
            return memory.retrieveResultList(request, id.substring(MEMORY_PREFIX.length()));
        }
        try {
            // Unknown, expired or another user's: all "gone" (410), so a search id reveals nothing.
            return sql.queryOne("""
                    SELECT total, audit_through, audit_from, audit_to, audit_actor, audit_entity FROM fhir_search
                     WHERE id = ? AND owner = ? AND created_at >= ?""", row -> {
                        int size = row.getInt(1);
                        Long through = Sql.nullable(row, 2, Long.class);
                        if (through == null) {
                            return (IBundleProvider) stored(id, size);
                        }
                        AuditQuery query = new AuditQuery(instant(row.getObject(3, OffsetDateTime.class)),
                                instant(row.getObject(4, OffsetDateTime.class)), row.getString(5), row.getString(6), through);
                        return AuditEventProvider.pages(auditLog, query, size);
                    }, id, owner(request), Instant.now().minus(lifetime).atOffset(ZoneOffset.UTC)).orElse(null);
        } catch (SQLException e) {
            throw FhirErrors.database(e);
        }
    }

    private static String owner(RequestDetails request) {
        return FhirSecurityInterceptor.principal(request).map(Principal::name).orElse("");
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    private static Instant instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }

    private SearchResults stored(String id, int size) {
        return new SearchResults() {
            @Override
            List<Hit> hits(int from, int to) {
                try {
                    return sql.query("SELECT match_json, included_json FROM fhir_search_entry WHERE search_id = ?"
                            + " AND position >= ? AND position < ? ORDER BY position", row -> {
                                IBaseResource match = parser.parseResource(row.getString(1));
                                String included = row.getString(2);
                                List<IBaseResource> includes = new ArrayList<>();
                                if (included != null) {
                                    parser.parseResource(Bundle.class, included).getEntry()
                                            .forEach(entry -> includes.add(entry.getResource()));
                                }
                                return new Hit(match, includes);
                            }, id, from, to);
                } catch (SQLException e) {
                    throw FhirErrors.database(e);
                }
            }

            @Override
            public Integer size() {
                return size;
            }
        };
    }

    /** Deletes searches older than the lifetime, at most once a minute per node. */
    private void cleanUp(OffsetDateTime now) {
        long last = lastCleanup.get();
        if (now.toInstant().toEpochMilli() - last < CLEANUP_INTERVAL.toMillis()
                || !lastCleanup.compareAndSet(last, now.toInstant().toEpochMilli())) {
            return;
        }
        OffsetDateTime expired = now.minus(lifetime);
        try {
            sql.inTransaction(connection -> {
                Sql.update(connection, "DELETE FROM fhir_search_entry WHERE search_id IN"
                        + " (SELECT id FROM fhir_search WHERE created_at < ?)", expired);
                Sql.update(connection, "DELETE FROM fhir_search WHERE created_at < ?", expired);
                return null;
            });
        } catch (SQLException e) {
            LOG.warn("Could not delete expired FHIR searches (SQLState {}); will retry", e.getSQLState());
        }
    }
}
