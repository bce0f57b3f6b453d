package org.cxrtriage.dicom.scp;

import org.cxrtriage.dicom.store.InstanceCatalog;
import org.cxrtriage.dicom.store.SpooledInstance;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An in-memory catalogue for the listener's own tests; the database-backed one is tested in the
 * app module against H2 and PostgreSQL.
 */
final class RecordingCatalog implements InstanceCatalog {

    final Map<String, SpooledInstance> instances = new ConcurrentHashMap<>();
    final List<String> recordCalls = new CopyOnWriteArrayList<>();
    volatile boolean unavailable;

    @Override
    public boolean record(SpooledInstance instance) throws CatalogUnavailableException {
        if (unavailable) {
            throw new CatalogUnavailableException("test: database down", null);
        }
        recordCalls.add(instance.sopInstanceUid());
        return instances.putIfAbsent(instance.sopInstanceUid(), instance) == null;
    }
}
