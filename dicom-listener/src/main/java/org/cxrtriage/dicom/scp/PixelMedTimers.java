package org.cxrtriage.dicom.scp;

import com.pixelmed.network.Association;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Field;

/**
 * After answering an A-RELEASE-RQ, PixelMed holds the association thread in an unconditional
 * 5-second wait before closing the transport (its ARTIM wait is not woken by the peer closing).
 * With many short associations that idles our threads and the association limit; there is no
 * public setting, so the private static is lowered once at start-up.
 */
final class PixelMedTimers {

    private static final Logger log = LoggerFactory.getLogger(PixelMedTimers.class);
    private static final int RELEASE_WAIT_MILLIS = 100;

    private PixelMedTimers() {
    }

    static synchronized void shortenReleaseWait() {
        try {
            Field field = Association.class.getDeclaredField("associationReleaseToTransportConnectionCloseTimeoutInMilliseconds");
            field.setAccessible(true);
            field.setInt(null, RELEASE_WAIT_MILLIS);
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.warn("could not shorten PixelMed's release wait; each association thread will linger 5 s: {}", e.toString());
        }
    }
}
