package org.cxrtriage.app.support;

import org.cxrtriage.testdata.Dcmtk;
import org.cxrtriage.testdata.Encoding;
import org.cxrtriage.testdata.PhantomIdentity;
import org.cxrtriage.testdata.PhantomSpec;
import org.cxrtriage.testdata.Transcoder;
import org.cxrtriage.testdata.View;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reading-room studies for browser tests: real DICOM files edited with DCMTK's {@code dcmodify}
 * (patients with accents and middle names, birth dates, STAT orders, orientation) and second
 * images (a lateral) added to a study.
 */
public final class StudyFiles {

    private StudyFiles() {
    }

    /** Sets (inserting when absent) each tag, e.g. "(0010,0010)" to its value, written as UTF-8 (ISO_IR 192). */
    public static Path edit(Path file, Map<String, String> values) throws Exception {
        List<String> command = new ArrayList<>(List.of("dcmodify", "-nb", "-i", "(0008,0005)=ISO_IR 192"));
        for (Map.Entry<String, String> value : values.entrySet()) {
            command.add("-i");
            command.add(value.getKey() + "=" + value.getValue());
        }
        command.add(file.toString());
        Dcmtk.Result result = Dcmtk.run(command);
        if (result.exitCode() != 0) {
            throw new IllegalStateException("dcmodify failed: " + result.output());
        }
        return file;
    }

    /** A patient's name, sex and birth date (YYYYMMDD), and the PA orientation. */
    public static Map<String, String> patient(String name, String sex, String birthDate) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("(0010,0010)", name);
        values.put("(0010,0040)", sex);
        values.put("(0010,0030)", birthDate);
        values.put("(0020,0020)", "L\\F");
        return values;
    }

    /** A copy of {@code frontal} as a lateral image of the same study (new series and instance UIDs). */
    public static Path lateralOf(Path frontal, Path target) throws Exception {
        Files.copy(frontal, target, StandardCopyOption.REPLACE_EXISTING);
        Dcmtk.Result result = Dcmtk.run(List.of("dcmodify", "-nb", "-gse", "-gin", "-i", "(0018,5101)=LL", "-i",
                "(0020,0020)=A\\F", "-i", "(0008,103E)=LATERAL", target.toString()));
        if (result.exitCode() != 0) {
            throw new IllegalStateException("dcmodify failed: " + result.output());
        }
        return target;
    }

    /** A synthetic 300x300 PA chest CR (scored by the model, as a routine study) of a new patient. */
    public static Path routine(Path dir, String name, int seed) throws Exception {
        PhantomIdentity identity = PhantomIdentity.newStudy();
        Path file = dir.resolve(name + ".dcm");
        Transcoder.write(PhantomSpec.chestCr(identity, seed).withSize(300, 300), Encoding.EXPLICIT_LITTLE_ENDIAN, file);
        return file;
    }

    /** A synthetic lateral-only study: not scored ("lateral view only"). */
    public static Path lateralOnly(Path dir, String name, int seed) throws Exception {
        Path file = dir.resolve(name + ".dcm");
        Transcoder.write(PhantomSpec.chestCr(PhantomIdentity.newStudy(), seed).withSize(300, 300).withView(View.LATERAL),
                Encoding.EXPLICIT_LITTLE_ENDIAN, file);
        return file;
    }

    /** A 16-bit PA chest of {@code side} x {@code side} pixels, with the identity's UIDs. */
    public static Path large(Path dir, String name, PhantomIdentity identity, int side) throws Exception {
        Path file = dir.resolve(name + ".dcm");
        Transcoder.write(PhantomSpec.chestCr(identity, 7).withSize(side, side).withPixels(16, false, false),
                Encoding.EXPLICIT_LITTLE_ENDIAN, file);
        return file;
    }

    /** The study instance UID written in a file. */
    public static String studyUid(Path file) throws Exception {
        return org.cxrtriage.dicom.image.MetadataReader.read(file).studyInstanceUid();
    }
}
