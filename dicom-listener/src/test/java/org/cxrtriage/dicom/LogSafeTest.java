package org.cxrtriage.dicom;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LogSafeTest {

    @Test
    void controlCharactersBecomeEscapes() {
        assertEquals("EVIL\\u000A2026-01-01 INFO forged", LogSafe.text("EVIL\n2026-01-01 INFO forged"));
        assertEquals("A\\u000D\\u0000\\u001B[31m", LogSafe.text("A\r\0\u001B[31m"));
    }

    @Test
    void textOutsidePrintableAsciiIsEscapedToo() {
        assertEquals("M\\u00FCller\\u007F", LogSafe.text("Müller\u007F"));
    }

    @Test
    void longTextIsCutToTheBound() {
        String safe = LogSafe.text("1.2.3.".repeat(100));
        assertTrue(safe.length() <= LogSafe.MAX_LENGTH, safe.length() + " characters");
        assertTrue(safe.endsWith("…"));
        String escapes = LogSafe.text("\n".repeat(100));
        assertTrue(escapes.length() <= LogSafe.MAX_LENGTH, escapes.length() + " characters");
        assertTrue(escapes.matches("(\\\\u000A)+…"), "never cut inside an escape: " + escapes);
    }

    @Test
    void nullAndPlainTextPassThrough() {
        assertEquals("null", LogSafe.text(null));
        assertEquals("CXRTRIAGE 1.2.840.10008.1.2.1", LogSafe.text("CXRTRIAGE 1.2.840.10008.1.2.1"));
    }
}
