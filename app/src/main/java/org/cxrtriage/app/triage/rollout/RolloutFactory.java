package org.cxrtriage.app.triage.rollout;

import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import org.cxrtriage.app.audit.AuditTrail;
import org.cxrtriage.app.config.NodeName;
import org.cxrtriage.app.config.StorageConfig;
import org.cxrtriage.app.db.Sql;
import org.cxrtriage.app.delivery.DeliveryOutbox;
import org.cxrtriage.app.delivery.OperationsNotice;
import org.cxrtriage.compliance.AuditAction;

/**
 * The rollout writer inside the server, with the rules of {@code triage.rollout.*} (README "Model
 * rollout"); an automatic rollback queues a notice to the configured webhooks and mailbox.
 */
@Factory
final class RolloutFactory {

    @Singleton
    ModelRollout modelRollout(Sql sql, AuditTrail audit, StorageConfig storage, DeliveryOutbox outbox,
                              @Value("${triage.rollout.min-shadow-studies:200}") int minShadowStudies,
                              @Value("${triage.rollout.min-agreement:0.90}") double minAgreement,
                              @Value("${triage.rollout.sensitivity-margin:0.02}") double sensitivityMargin,
                              @Value("${triage.rollout.min-sensitivity:0.95}") double minSensitivity) {
        return new ModelRollout(sql, audit.log(), storage.dataDir(),
                new RolloutRules(minShadowStudies, minAgreement, sensitivityMargin, minSensitivity),
                (connection, version, reason, at) -> outbox.enqueue(connection, new OperationsNotice(
                        AuditAction.MODEL_AUTO_ROLLBACK.code(), version.modelId(), version.version(),
                        ModelRollout.device(version), reason, at, NodeName.hostName())));
    }
}
