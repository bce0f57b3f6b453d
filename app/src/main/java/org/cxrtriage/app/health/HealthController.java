package org.cxrtriage.app.health;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import org.cxrtriage.app.security.AccessFilter;
import org.cxrtriage.app.security.Permission;
import org.cxrtriage.app.security.Principal;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code GET /health}, open to anyone (load balancers, probes, monitoring): the overall status
 * (UP, DEGRADED or DOWN; HTTP 503 when DOWN) and each component's status and details. What could
 * help an attacker map the installation (database URL, file paths, model file hashes, error texts)
 * is shown to administrators only.
 */
@Controller("/health")
@ExecuteOn(TaskExecutors.BLOCKING)
public final class HealthController {

    /** Detail keys only an administrator sees. */
    static final Set<String> ADMIN_ONLY = Set.of("url", "path", "sha256", "problems", "error", "dataDir",
            "allowedCallers", "warning", "destinations");
    private static final List<String> ORDER = List.of("DOWN", "DEGRADED", "UNKNOWN", "UP");

    private final List<HealthIndicator> indicators;

    public HealthController(List<HealthIndicator> indicators) {
        this.indicators = indicators.stream().sorted(Comparator.comparing(i -> i.getClass().getSimpleName())).toList();
    }

    @Get
    public HttpResponse<Map<String, Object>> health(HttpRequest<?> request) {
        boolean admin = AccessFilter.principal(request).map(p -> p.may(Permission.USER_ADMIN)).orElse(false);
        Map<String, Object> components = new LinkedHashMap<>();
        String overall = "UP";
        for (HealthIndicator indicator : indicators) {
            for (HealthResult result : collect(indicator.getResult(), Duration.ofSeconds(10))) {
                String status = result.getStatus().getName();
                overall = ORDER.indexOf(status) >= 0 && ORDER.indexOf(status) < ORDER.indexOf(overall) ? status : overall;
                Map<String, Object> component = new LinkedHashMap<>();
                component.put("name", "cxr-triage");
                component.put("status", status);
                if (result.getDetails() != null) {
                    component.put("details", admin ? result.getDetails() : withoutAdminOnly(result.getDetails()));
                }
                components.put(result.getName(), component);
            }
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", "cxr-triage");
        body.put("status", overall);
        body.put("details", components);
        return HttpResponse.status(overall.equals("DOWN") ? HttpStatus.SERVICE_UNAVAILABLE : HttpStatus.OK).body(body);
    }

    /** The results a health indicator publishes, waiting at most {@code timeout}. */
    private static List<HealthResult> collect(Publisher<HealthResult> publisher, Duration timeout) {
        List<HealthResult> results = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        publisher.subscribe(new Subscriber<>() {
            @Override
            public void onSubscribe(Subscription subscription) {
                subscription.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(HealthResult result) {
                results.add(result);
            }

            @Override
            public void onError(Throwable error) {
                done.countDown();
            }

            @Override
            public void onComplete() {
                done.countDown();
            }
        });
        try {
            done.await(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return List.copyOf(results);
    }

    static Object withoutAdminOnly(Object details) {
        if (details instanceof Map<?, ?> map) {
            Map<String, Object> kept = new LinkedHashMap<>();
            map.forEach((key, value) -> {
                if (!ADMIN_ONLY.contains(String.valueOf(key))) {
                    kept.put(String.valueOf(key), withoutAdminOnly(value));
                }
            });
            return kept;
        }
        if (details instanceof List<?> list) {
            return list.stream().map(HealthController::withoutAdminOnly).toList();
        }
        return details;
    }

    /** For callers outside HTTP (tests, the admin page): whether this principal sees every detail. */
    static boolean seesEverything(Principal principal) {
        return principal != null && principal.may(Permission.USER_ADMIN);
    }
}
