package org.cxrtriage.app.config;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Log injection: a value from the network with a line break or a terminal escape, logged through
 * logback configured as logback.xml configures the server ({@code %safemsg}), stays on its own line
 * and cannot rewrite the terminal.
 */
class SingleLineMessageTest {

    @TempDir
    Path dir;

    @Test
    void controlCharactersInALoggedValueAreEscaped() throws Exception {
        Path file = dir.resolve("server.log");
        String configuration = """
                <configuration>
                  <conversionRule conversionWord="safemsg" class="org.cxrtriage.app.config.SingleLineMessage"/>
                  <appender name="FILE" class="ch.qos.logback.core.FileAppender">
                    <file>%s</file>
                    <encoder><pattern>%%-5level %%logger - %%safemsg%%n</pattern></encoder>
                  </appender>
                  <root level="INFO"><appender-ref ref="FILE"/></root>
                </configuration>""".formatted(file);
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(new ByteArrayInputStream(configuration.getBytes(StandardCharsets.UTF_8)));
        Logger logger = context.getLogger("cxr");

        logger.warn("rejected association from {}", "EVIL\r\nINFO  org.cxrtriage - all is well\u001b[2J\u0000");
        context.stop();

        String logged = Files.exists(file) ? Files.readString(file) : "";
        assertEquals(1, logged.lines().count(), logged + context.getStatusManager().getCopyOfStatusList());
        assertTrue(logged.contains("EVIL\\r\\nINFO  org.cxrtriage - all is well\\u001B[2J\\u0000"), logged);
        assertFalse(logged.contains("\u001b"));
    }

    @Test
    void ordinaryMessagesAreUnchanged() {
        assertEquals("study 1.2.3 ready with 2 instance(s) — ü", SingleLineMessage.escape("study 1.2.3 ready with 2 instance(s) — ü"));
    }
}
