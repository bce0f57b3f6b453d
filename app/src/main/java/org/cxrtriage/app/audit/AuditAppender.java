package org.cxrtriage.app.audit;

import org.cxrtriage.compliance.chain.AuditEntry;
import org.cxrtriage.compliance.chain.AuditLog;
import org.cxrtriage.compliance.chain.AuditRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Group commit for the audit log. Every record must be durable before what it records is shown,
 * but one transaction per record made unrelated writers (FHIR reads, C-STOREs, triage results)
 * queue on the chain's head row one by one. Here callers hand their entry to one appender thread
 * and wait: the thread takes everything queued, appends it in one transaction (one lock of the
 * head, one commit) and then releases all the waiting callers. Alone, a caller waits for one
 * commit as before; under load, a commit carries many records.
 */
final class AuditAppender implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AuditAppender.class);
    private static final int MAX_GROUP = 256;
    private static final Duration WAIT = Duration.ofSeconds(30);

    private record Pending(AuditEntry entry, CompletableFuture<AuditRecord> done) {
    }

    private final AuditLog chain;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean running = true;

    AuditAppender(AuditLog chain) {
        this.chain = chain;
        this.thread = new Thread(this::run, "audit-appender");
        thread.setDaemon(true);
        thread.start();
    }

    /** Appends {@code entry} with whatever else is waiting; returns once it is committed. */
    AuditRecord append(AuditEntry entry) throws SQLException {
        Pending pending = new Pending(entry, new CompletableFuture<>());
        if (!running) {
            throw new SQLException("the audit log is closing");
        }
        queue.add(pending);
        try {
            return pending.done().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof SQLException sql ? sql : new SQLException(e.getCause());
        } catch (TimeoutException e) {
            throw new SQLException("the audit log did not commit within " + WAIT.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while the audit record was written", e);
        }
    }

    private void run() {
        List<Pending> group = new ArrayList<>(MAX_GROUP);
        while (running || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                group.clear();
                group.add(first);
                queue.drainTo(group, MAX_GROUP - 1);
                commit(group);
            } catch (InterruptedException e) {
                running = false;
            }
        }
    }

    private void commit(List<Pending> group) {
        try {
            List<AuditRecord> records = chain.appendAll(group.stream().map(Pending::entry).toList());
            for (int i = 0; i < group.size(); i++) {
                group.get(i).done().complete(records.get(i));
            }
        } catch (Throwable e) {
            log.error("could not commit {} audit record(s): {}", group.size(), e.getClass().getSimpleName());
            group.forEach(pending -> pending.done().completeExceptionally(e));
        }
    }

    /** Stops taking records; those already queued are still written. */
    @Override
    public void close() {
        running = false;
        try {
            thread.join(WAIT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Pending left;
        while ((left = queue.poll()) != null) {
            left.done().completeExceptionally(new SQLException("the audit log closed before this record was written"));
        }
    }
}
