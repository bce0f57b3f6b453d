package org.cxrtriage.app.health;

import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import jakarta.inject.Singleton;
import org.reactivestreams.Publisher;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code /health} entry "jdbc": the database answers a query within 2 s. */
@Singleton
public final class DatabaseHealth implements HealthIndicator {

    private final DataSource dataSource;

    public DatabaseHealth(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public Publisher<HealthResult> getResult() {
        Map<String, Object> details = new LinkedHashMap<>();
        HealthStatus status;
        try (Connection connection = dataSource.getConnection()) {
            DatabaseMetaData meta = connection.getMetaData();
            details.put("database", meta.getDatabaseProductName());
            details.put("version", meta.getDatabaseProductVersion());
            details.put("url", meta.getURL());
            status = connection.isValid(2) ? HealthStatus.UP : HealthStatus.DOWN;
        } catch (Exception e) {
            details.put("error", e.getClass().getSimpleName());
            status = HealthStatus.DOWN;
        }
        return Publishers.just(HealthResult.builder("jdbc", status).details(details).build());
    }
}
