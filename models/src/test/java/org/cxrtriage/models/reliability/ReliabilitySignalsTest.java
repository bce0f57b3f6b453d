package org.cxrtriage.models.reliability;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each signal of the verdict fires on a case built to trip it, and stays quiet on the reference population. */
class ReliabilitySignalsTest {

    private static ReferenceProfile profile;
    private static ReliabilityCheck check;

    @BeforeAll
    static void buildProfile() {
        profile = Observations.profile(600, 1);
        check = new ReliabilityCheck(Optional.of(profile), Observations.FINDINGS.size());
    }

    @Test
    void freshStudiesFromTheReferencePopulationAreAlmostAllReliable() {
        Random random = new Random(99);
        int unreliable = 0;
        for (int i = 0; i < 1000; i++) {
            Verdict verdict = check.judge(Observations.typical(random));
            unreliable += verdict.reliable() ? 0 : 1;
            if (verdict.reliable()) {
                assertEquals("", verdict.reason());
            }
        }
        assertTrue(unreliable <= 30, "false alarms on fresh reference studies: " + unreliable + " of 1000");
    }

    static Stream<Arguments> shifted() {
        Random random = new Random(5);
        return Stream.of(
                Arguments.of("embedding.distance", "image unlike the model's reference data",
                        (Function<Observation, Observation>) o -> new Observation(o.image(), o.header(),
                                Optional.of(Observations.embedding(random, 3.0)), o.findings())),
                Arguments.of("image.statistics", "image statistics outside the reference data",
                        (Function<Observation, Observation>) o -> new Observation(Observations.image(random, 0.4), o.header(),
                                o.embedding(), o.findings())),
                Arguments.of("image.distance", "image layout and statistics unlike the reference data",
                        (Function<Observation, Observation>) o -> new Observation(Observations.upsideDown(o.image(), random),
                                o.header(), o.embedding(), o.findings())),
                Arguments.of("header.modality", "modality 'MR' not in the reference",
                        (Function<Observation, Observation>) o -> new Observation(o.image(),
                                Observations.header("MR", "CHEST", "cxr-triage synthetic phantom"), o.embedding(), o.findings())),
                Arguments.of("header.bodyPartExamined", "bodyPartExamined 'HAND' not in the reference",
                        (Function<Observation, Observation>) o -> new Observation(o.image(),
                                Observations.header("CR", "HAND", "cxr-triage synthetic phantom"), o.embedding(), o.findings())),
                Arguments.of("output.confidentFindings", "implausible output: 6 findings at or above 0.95",
                        (Function<Observation, Observation>) o -> new Observation(o.image(), o.header(), o.embedding(),
                                Observations.findings(random, 6))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shifted")
    void eachSignalFiresOnItsShiftAndNamesItInTheReason(String signal, String reason,
                                                        Function<Observation, Observation> shift) {
        Random random = new Random(7);
        Observation typical = Observations.typical(random);
        Verdict before = check.judge(typical);
        assertFalse(signal(before, signal).fired(), "quiet on a reference study: " + before);

        Verdict after = check.judge(shift.apply(typical));

        Signal fired = signal(after, signal);
        assertTrue(fired.fired(), after.toString());
        assertTrue(fired.value() >= fired.threshold(), fired.toString());
        assertFalse(after.reliable());
        assertTrue(after.reason().contains(reason), after.reason());
        assertTrue(after.score() >= 1.0, "score is the largest normalised distance: " + after.score());
    }

    @Test
    void aNewManufacturerIsReportedButNeverDecisiveAlone() {
        Observation typical = Observations.typical(new Random(8));
        Observation newSite = new Observation(typical.image(), Observations.header("CR", "CHEST", "Another Vendor"),
                typical.embedding(), typical.findings());

        Verdict verdict = check.judge(newSite);

        Signal manufacturer = signal(verdict, "header.manufacturer");
        assertEquals(1.0, manufacturer.value());
        assertTrue(manufacturer.advisory());
        assertFalse(manufacturer.fired());
        assertTrue(manufacturer.detail().contains("'Another Vendor' not in the reference"), manufacturer.detail());
        assertTrue(verdict.reliable(), verdict.toString());
    }

    @Test
    void anEmptyHeaderValueIsUnknownNotUnseen() {
        Observation typical = Observations.typical(new Random(9));
        Verdict verdict = check.judge(new Observation(typical.image(), HeaderFacts.unknown(), typical.embedding(),
                typical.findings()));
        assertTrue(verdict.signals().stream().filter(s -> s.name().startsWith("header.")).noneMatch(s -> s.value() > 0),
                verdict.toString());
    }

    @Test
    void withoutAProfileOnlyPlausibilityIsJudgedAndTheVerdictSaysSo() {
        ReliabilityCheck bare = new ReliabilityCheck(Optional.empty(), 6);
        Random random = new Random(10);
        Observation typical = Observations.typical(random);

        Verdict quiet = bare.judge(new Observation(typical.image(), typical.header(), typical.embedding(),
                Observations.findings(random, 1)));
        Verdict loud = bare.judge(new Observation(typical.image(), typical.header(), typical.embedding(),
                Observations.findings(random, 4)));

        assertTrue(quiet.reliable(), quiet.toString());
        assertTrue(signal(quiet, "reference.profile").detail().contains("no reference profile"));
        assertEquals(List.of("reference.profile", "output.confidentFindings"),
                quiet.signals().stream().map(Signal::name).toList());
        assertFalse(loud.reliable());
        assertTrue(loud.reason().startsWith("implausible output: 4 findings at or above 0.95"), loud.reason());
        assertTrue(loud.reason().contains("no reference profile"), loud.reason());
    }

    private static Signal signal(Verdict verdict, String name) {
        return verdict.signals().stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no signal " + name + " in " + verdict));
    }
}
