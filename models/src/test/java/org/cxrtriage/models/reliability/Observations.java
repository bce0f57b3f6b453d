package org.cxrtriage.models.reliability;

import org.cxrtriage.models.registry.FindingScore;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * Synthetic observations for tests: a reference population with some natural spread, and ways to
 * shift one study away from it.
 */
final class Observations {

    static final int DIMENSION = 16;
    static final List<String> FINDINGS = List.of("pneumothorax", "pleural_effusion", "consolidation", "cardiomegaly",
            "nodule_mass", "pneumoperitoneum");

    private Observations() {
    }

    static List<Observation> reference(int count, long seed) {
        Random random = new Random(seed);
        List<Observation> observations = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            observations.add(typical(random));
        }
        return observations;
    }

    static Observation typical(Random random) {
        return new Observation(image(random, 0), header("CR", "CHEST", "cxr-triage synthetic phantom"),
                Optional.of(embedding(random, 0)), findings(random, 0));
    }

    /** Image facts around a chest radiograph's; {@code shift} moves every quantile up by that much. */
    static ImageFacts image(Random random, double shift) {
        List<Double> quantiles = new ArrayList<>();
        double level = 0.01 + 0.01 * random.nextDouble();
        for (int i = 0; i < ImageFacts.QUANTILE_LEVELS.size(); i++) {
            level += 0.05 + 0.06 * random.nextDouble();
            quantiles.add(Math.min(1, level + shift));
        }
        return new ImageFacts(512 + random.nextInt(64), 512 + random.nextInt(64), 0.7, quantiles,
                0.4 + 0.05 * random.nextGaussian() + shift, 0.25 + 0.02 * random.nextGaussian(), 0.005, 0.005,
                0.02 + 0.003 * random.nextGaussian(), 0.8 + 0.05 * random.nextGaussian(), 0.3 + 0.1 * random.nextGaussian(),
                new ImageFacts.Layout(0.5 + 0.01 * random.nextGaussian(), 0.54 + 0.01 * random.nextGaussian(),
                        -0.15 + 0.05 * random.nextGaussian(), 0.3 + 0.05 * random.nextGaussian(),
                        0.1 + 0.05 * random.nextGaussian(), grid(random, false)));
    }

    /** A 4 x 4 layout: a bright middle column and a brighter bottom row; upside down when asked. */
    static List<Double> grid(Random random, boolean upsideDown) {
        List<Double> cells = new ArrayList<>();
        for (int r = 0; r < ImageFacts.Layout.GRID; r++) {
            int row = upsideDown ? ImageFacts.Layout.GRID - 1 - r : r;
            for (int c = 0; c < ImageFacts.Layout.GRID; c++) {
                double base = 0.3 + (c == 1 || c == 2 ? 0.1 : 0) + 0.1 * row;
                cells.add(base + 0.03 * random.nextGaussian());
            }
        }
        return cells;
    }

    /** The same image facts with the layout grid turned upside down (every single fact stays plausible). */
    static ImageFacts upsideDown(ImageFacts facts, Random random) {
        ImageFacts.Layout layout = facts.layout();
        return new ImageFacts(facts.rows(), facts.columns(), facts.pixelSpacingMm(), facts.quantiles(), facts.mean(),
                facts.contrast(), facts.saturatedLow(), facts.saturatedHigh(), facts.edgeEnergy(), facts.leftRightSymmetry(),
                facts.gradientAnisotropy(), new ImageFacts.Layout(layout.centroidX(), layout.centroidY(),
                layout.topMinusBottom(), layout.centreMinusSides(), layout.middleMinusBorder(), grid(random, true)));
    }

    static HeaderFacts header(String modality, String bodyPart, String manufacturer) {
        return new HeaderFacts(modality, "MONOCHROME2", 12, manufacturer, "", "PA", bodyPart);
    }

    /** A standard normal vector, moved {@code offset} along every axis. */
    static float[] embedding(Random random, double offset) {
        float[] vector = new float[DIMENSION];
        for (int j = 0; j < DIMENSION; j++) {
            vector[j] = (float) (random.nextGaussian() + offset);
        }
        return vector;
    }

    /** Each finding positive with probability 0.25; {@code forcedConfident} findings at 0.99 regardless. */
    static List<FindingScore> findings(Random random, int forcedConfident) {
        List<FindingScore> scores = new ArrayList<>();
        for (int i = 0; i < FINDINGS.size(); i++) {
            boolean present = i < forcedConfident || random.nextDouble() < 0.25;
            double p = i < forcedConfident ? 0.99 : present ? 0.6 + 0.3 * random.nextDouble() : 0.1 * random.nextDouble();
            scores.add(new FindingScore(FINDINGS.get(i), FINDINGS.get(i), "urn:test", FINDINGS.get(i), p, p,
                    Optional.of(0.5), p >= 0.5, true, 1.0, "test"));
        }
        return scores;
    }

    static ReferenceProfile profile(int count, long seed) {
        ReferenceProfileBuilder builder = new ReferenceProfileBuilder("1.0.0+cal.test", "synthetic test observations");
        reference(count, seed).forEach(builder::add);
        return builder.build();
    }
}
