package org.cxrtriage.models.inference;

import org.cxrtriage.models.ReferenceModel;
import org.cxrtriage.models.manifest.ModelDirectory;
import org.cxrtriage.models.registry.LoadedModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.Permission;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Loading a model and running inference opens no socket and resolves no host name: every
 * connect, listen and name lookup the JVM performs in the meantime is recorded and must be none.
 */
class NoNetworkTest {

    @TempDir
    Path dir;

    @Test
    @SuppressWarnings("removal")
    void inferenceMakesNoNetworkConnection() throws Exception {
        Path model = ReferenceModel.copyTo(dir);
        List<String> attempts = new CopyOnWriteArrayList<>();
        SecurityManager previous = System.getSecurityManager();
        System.setSecurityManager(new SecurityManager() {
            @Override
            public void checkConnect(String host, int port) {
                attempts.add("connect " + host + ":" + port);
            }

            @Override
            public void checkConnect(String host, int port, Object context) {
                attempts.add("connect " + host + ":" + port);
            }

            @Override
            public void checkListen(int port) {
                attempts.add("listen " + port);
            }

            @Override
            public void checkPermission(Permission permission) {
                // everything else is allowed; only network use is recorded
            }
        });
        try (LoadedModel loaded = LoadedModel.load(ModelDirectory.open(model), SessionSettings.defaults())) {
            loaded.score(new float[160 * 160]).join();
        } finally {
            System.setSecurityManager(previous);
        }
        assertEquals(List.of(), attempts);
    }
}
