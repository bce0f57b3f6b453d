package org.cxrtriage.dicom.scp;

import org.cxrtriage.dicom.store.InstanceCatalog;
import org.cxrtriage.dicom.store.Receipt;
import org.cxrtriage.dicom.store.SpooledInstance;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An in-memory catalogue for the listener's own tests; the database-backed one is tested in the
 * app module against H2 and PostgreSQL. Keeps the latest record per SOP Instance UID and every
 * receipt it gave, in order.
 */
final class RecordingCatalog implements InstanceCatalog {

    final Map<String, SpooledInstance> instances = new ConcurrentHashMap<>();
    final List<String> recordCalls = new CopyOnWriteArrayList<>();
    final List<Receipt> receipts = new CopyOnWriteArrayList<>();
    volatile boolean unavailable;

    @Override
    public Optional<Recorded> recorded(String sopInstanceUid) throws CatalogUnavailableException {
        if (unavailable) {
            throw new CatalogUnavailableException("test: database down", null);
        }
        SpooledInstance known = instances.get(sopInstanceUid);
        return known == null ? Optional.empty() : Optional.of(new Recorded(known.studyInstanceUid(), known.contentSha256()));
    }

    @Override
    public synchronized Receipt record(SpooledInstance instance) throws CatalogUnavailableException {
        if (unavailable) {
            throw new CatalogUnavailableException("test: database down", null);
        }
        recordCalls.add(instance.sopInstanceUid());
        SpooledInstance known = instances.get(instance.sopInstanceUid());
        Receipt receipt = known == null ? Receipt.NEW
                : known.contentSha256() != null && Objects.equals(known.contentSha256(), instance.contentSha256())
                ? Receipt.IDENTICAL_RESEND : Receipt.CHANGED_RESEND;
        if (receipt != Receipt.IDENTICAL_RESEND) {
            instances.put(instance.sopInstanceUid(), instance);
        }
        receipts.add(receipt);
        return receipt;
    }
}
