package org.cxrtriage.app.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * labels.csv for calibration: a header {@code study_instance_uid,<finding key>,...} and one row
 * per study with 1 (present), 0 (absent) or empty (not assessed) per finding.
 */
record LabelsFile(List<String> findings, Map<String, Integer[]> byStudy) {

    static LabelsFile read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file).stream().filter(line -> !line.isBlank()).toList();
        if (lines.isEmpty() || !lines.get(0).trim().startsWith("study_instance_uid,")) {
            throw new IllegalArgumentException(file + ": line 1 must be the header 'study_instance_uid,<finding key>,...'"
                    + " with finding keys as in the model's manifest");
        }
        List<String> findings = Arrays.stream(lines.get(0).split(",", -1)).skip(1).map(String::trim).toList();
        Map<String, Integer[]> byStudy = new LinkedHashMap<>();
        for (int n = 1; n < lines.size(); n++) {
            String[] cells = lines.get(n).split(",", -1);
            if (cells.length != findings.size() + 1) {
                throw new IllegalArgumentException(file + ": line " + (n + 1) + " has " + cells.length + " columns, the header "
                        + (findings.size() + 1));
            }
            Integer[] values = new Integer[findings.size()];
            for (int k = 0; k < findings.size(); k++) {
                String cell = cells[k + 1].trim();
                if (cell.isEmpty()) {
                    continue;
                }
                if (!cell.equals("0") && !cell.equals("1")) {
                    throw new IllegalArgumentException(file + ": line " + (n + 1) + ", column " + findings.get(k) + " is '"
                            + cell + "'; write 1 (present), 0 (absent) or leave it empty (not assessed)");
                }
                values[k] = Integer.parseInt(cell);
            }
            byStudy.put(cells[0].trim(), values);
        }
        return new LabelsFile(findings, byStudy);
    }

    List<String> studies() {
        return new ArrayList<>(byStudy.keySet());
    }
}
