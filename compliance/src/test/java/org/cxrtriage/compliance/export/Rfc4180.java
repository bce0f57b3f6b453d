package org.cxrtriage.compliance.export;

import java.util.ArrayList;
import java.util.List;

/**
 * A strict reader for the CSV the export writes: CRLF between records, quoted fields with doubled
 * quotes, an unquoted empty field read as null and a quoted one ({@code ""}) as the empty string.
 */
final class Rfc4180 {

    private Rfc4180() {
    }

    static List<List<String>> parse(String text) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            String field;
            if (text.charAt(i) == '"') {
                StringBuilder value = new StringBuilder();
                i++;
                while (true) {
                    char c = text.charAt(i++);
                    if (c == '"' && i < text.length() && text.charAt(i) == '"') {
                        value.append('"');
                        i++;
                    } else if (c == '"') {
                        break;
                    } else {
                        value.append(c);
                    }
                }
                field = value.toString();
            } else {
                int end = i;
                while (end < text.length() && text.charAt(end) != ',' && text.charAt(end) != '\r') {
                    end++;
                }
                field = end == i ? null : text.substring(i, end);
                i = end;
            }
            row.add(field);
            if (text.startsWith("\r\n", i)) {
                rows.add(row);
                row = new ArrayList<>();
                i += 2;
            } else if (text.charAt(i) == ',') {
                i++;
            } else {
                throw new IllegalArgumentException("expected ',' or CRLF at offset " + i);
            }
        }
        return rows;
    }
}
