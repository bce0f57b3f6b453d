package org.cxrtriage.models.reliability;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A profile written and read back is the same profile and judges exactly as before. */
class ReferenceProfileRoundTripTest {

    @TempDir
    Path dir;

    @Test
    void everyFieldSurvivesTheFileAndVerdictsAreIdentical() throws IOException {
        ReferenceProfile written = Observations.profile(300, 3);
        Path file = dir.resolve("reference-profile.json");
        written.write(file);

        ReferenceProfile read = ReferenceProfile.read(file);

        assertEquals(written.version(), read.version());
        assertEquals(300, read.studyCount());
        assertEquals(written.createdFrom(), read.createdFrom());
        assertEquals(written.referenceQuantile(), read.referenceQuantile());
        assertEquals(written.imageThreshold(), read.imageThreshold());
        assertEquals(written.maxConfident(), read.maxConfident());
        assertEquals(written.bands(), read.bands());
        assertEquals(written.categoricalReference(), read.categoricalReference());
        assertEquals(written.positiveRate(), read.positiveRate());
        assertEquals(written.numericReference().keySet(), read.numericReference().keySet());
        written.numericReference().forEach((key, values) -> assertArrayEquals(values, read.numericReference().get(key), key));
        written.scoreReference().forEach((key, values) -> assertArrayEquals(values, read.scoreReference().get(key), key));
        MahalanobisReference a = written.embedding().orElseThrow();
        MahalanobisReference b = read.embedding().orElseThrow();
        assertArrayEquals(a.mean(), b.mean());
        for (int i = 0; i < a.dimension(); i++) {
            assertArrayEquals(a.precision()[i], b.precision()[i]);
        }
        assertEquals(a.threshold(), b.threshold());
        assertArrayEquals(a.scale(), b.scale());
        assertEquals(written.imageDistanceKeys(), read.imageDistanceKeys());
        assertArrayEquals(written.imageDistance().mean(), read.imageDistance().mean());
        assertArrayEquals(written.imageDistance().scale(), read.imageDistance().scale());
        assertEquals(written.imageDistance().threshold(), read.imageDistance().threshold());

        ReliabilityCheck before = new ReliabilityCheck(Optional.of(written), 6);
        ReliabilityCheck after = new ReliabilityCheck(Optional.of(read), 6);
        Random random = new Random(4);
        for (int i = 0; i < 50; i++) {
            Observation observation = Observations.typical(random);
            assertEquals(before.judge(observation), after.judge(observation));
        }
    }

    @Test
    void theProfileHoldsWhatDriftMonitoringNeedsUnderTheFactsOwnKeys() {
        ReferenceProfile profile = Observations.profile(300, 3);
        ImageFacts image = Observations.image(new Random(1), 0);

        assertEquals(image.numeric().keySet(), profile.numericReference().keySet());
        assertEquals(HeaderFacts.unknown().categorical().keySet(), profile.categoricalReference().keySet());
        assertEquals(300L, profile.categoricalReference().get("header.modality").get("CR"));
        assertEquals(300, profile.numericReference().get("intensity.p50").length);
        assertEquals(Observations.FINDINGS.size(), profile.scoreReference().size());
        double rate = profile.positiveRate().get("pneumothorax");
        assertTrue(rate > 0.15 && rate < 0.35, "about a quarter are positive: " + rate);
    }

    @Test
    void samplesAreCappedAtTwoThousand() {
        ReferenceProfile profile = Observations.profile(2100, 5);
        assertEquals(2100, profile.studyCount());
        assertEquals(ReferenceProfileBuilder.MAX_SAMPLE, profile.numericReference().get("intensity.mean").length);
        assertEquals(ReferenceProfileBuilder.MAX_SAMPLE, profile.scoreReference().get("nodule_mass").length);
    }

    @Test
    void aDamagedFileNamesTheFieldAndTheFix() throws IOException {
        Path file = dir.resolve("reference-profile.json");
        Observations.profile(100, 3).write(file);
        Files.writeString(file, Files.readString(file).replace("\"imageStatistics\"", "\"imageStats\""));

        IOException error = assertThrows(IOException.class, () -> ReferenceProfile.read(file));

        assertTrue(error.getMessage().contains("reference-profile.json: imageStatistics is missing"), error.getMessage());
        assertTrue(error.getMessage().contains("rebuild the profile with ./cxr-triage calibrate"), error.getMessage());
    }

    @Test
    void aZeroDistanceThresholdIsRefusedAtLoadingNotDividedByInEveryVerdict() throws IOException {
        Path file = dir.resolve("reference-profile.json");
        Observations.profile(100, 3).write(file);
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        com.fasterxml.jackson.databind.node.ObjectNode root = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(file.toFile());
        ((com.fasterxml.jackson.databind.node.ObjectNode) root.path("imageDistance")).put("threshold", 0.0);
        json.writeValue(file.toFile(), root);

        IOException error = assertThrows(IOException.class, () -> ReferenceProfile.read(file));

        assertTrue(error.getMessage().contains("imageDistance.threshold must be a positive number, not 0.0"), error.getMessage());
    }
}
