package org.cxrtriage.models.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Our Ledoit-Wolf estimate against scikit-learn's on the same data (golden/ledoit-wolf.json). */
class LedoitWolfTest {

    @Test
    void matchesScikitLearn() throws Exception {
        JsonNode golden = new ObjectMapper().readTree(LedoitWolfTest.class.getResourceAsStream("/golden/ledoit-wolf.json"));
        List<float[]> rows = new ArrayList<>();
        for (JsonNode row : golden.get("x")) {
            double[] values = new double[row.size()];
            for (int j = 0; j < values.length; j++) {
                values[j] = row.get(j).asDouble();
            }
            float[] single = new float[values.length];
            for (int j = 0; j < values.length; j++) {
                single[j] = (float) values[j];
            }
            rows.add(single);
        }

        LedoitWolf.Fit fit = LedoitWolf.fit(rows);

        assertEquals(golden.get("shrinkage").asDouble(), fit.shrinkage(), 1e-5);
        for (int a = 0; a < fit.mean().length; a++) {
            assertEquals(golden.get("mean").get(a).asDouble(), fit.mean()[a], 1e-5);
            for (int b = 0; b < fit.mean().length; b++) {
                assertEquals(golden.get("precision").get(a).get(b).asDouble(), fit.precision()[a][b], 1e-4,
                        "precision[" + a + "][" + b + "]");
            }
        }
    }

    @Test
    void inverseTimesMatrixIsTheIdentity() {
        double[][] matrix = {{4, 1, 0.5}, {1, 3, 0.2}, {0.5, 0.2, 2}};
        double[][] inverse = LedoitWolf.invertSymmetric(matrix);
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                double sum = 0;
                for (int k = 0; k < 3; k++) {
                    sum += matrix[i][k] * inverse[k][j];
                }
                assertEquals(i == j ? 1 : 0, sum, 1e-12);
            }
        }
    }
}
