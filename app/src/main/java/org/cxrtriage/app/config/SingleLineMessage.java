package org.cxrtriage.app.config;

import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * The log message ({@code %safemsg} in logback.xml) with every control character escaped, so a
 * value from the network (an AE title, a URL, a user name with a line break or a terminal escape)
 * can neither forge a second log line nor rewrite the terminal: one event stays one line.
 */
public final class SingleLineMessage extends MessageConverter {

    @Override
    public String convert(ILoggingEvent event) {
        return escape(super.convert(event));
    }

    public static String escape(String message) {
        if (message == null) {
            return null;
        }
        StringBuilder out = null;
        for (int i = 0; i < message.length(); i++) {
            char c = message.charAt(i);
            boolean control = c < 0x20 || c == 0x7F || (c >= 0x80 && c < 0xA0) || c == '\u2028' || c == '\u2029';
            if (control && out == null) {
                out = new StringBuilder(message.length() + 16).append(message, 0, i);
            }
            if (out != null) {
                if (!control) {
                    out.append(c);
                } else if (c == '\n') {
                    out.append("\\n");
                } else if (c == '\r') {
                    out.append("\\r");
                } else if (c == '\t') {
                    out.append("\\t");
                } else {
                    out.append(String.format("\\u%04X", (int) c));
                }
            }
        }
        return out == null ? message : out.toString();
    }
}
