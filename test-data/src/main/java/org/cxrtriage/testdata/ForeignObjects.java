package org.cxrtriage.testdata;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * DICOM objects made by somebody else than us: files from Debian python3-pydicom's test corpus,
 * and structured reports written with pydicom, so the listener meets encodings it did not write.
 */
public final class ForeignObjects {

    private static final Path PYDICOM_TEST_FILES = Path.of("/usr/lib/python3/dist-packages/pydicom/data/test_files");
    private static final String PYTHON = "/usr/bin/python3";

    private ForeignObjects() {
    }

    /** A file of pydicom's test corpus, e.g. "CT_small.dcm" (a real CT image, explicit VR little endian). */
    public static Path pydicomTestFile(String name) {
        Path file = PYDICOM_TEST_FILES.resolve(name);
        if (!Files.isReadable(file)) {
            throw new IllegalStateException(file + " is missing: install the Debian package python3-pydicom"
                    + " (./cxr-triage setup does)");
        }
        return file;
    }

    /**
     * Writes a Basic Text SR (1.2.840.10008.5.1.4.1.1.88.11) for the patient and study of
     * {@code identity}, in a series and with a SOP Instance UID of its own, made with pydicom.
     * Returns the SR's SOP Instance UID.
     */
    public static String basicTextSr(PhantomIdentity identity, Path target) throws IOException {
        Path script = Files.createTempFile("basic_text_sr", ".py");
        try (InputStream source = ForeignObjects.class.getResourceAsStream("basic_text_sr.py")) {
            Files.write(script, source.readAllBytes());
            String sopUid = PhantomIdentity.newUid();
            Process process = new ProcessBuilder(List.of(PYTHON, script.toString(), target.toString(), identity.patientId(),
                    identity.patientName(), identity.studyInstanceUid(), PhantomIdentity.newUid(), sopUid,
                    identity.accessionNumber())).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IOException("pydicom could not write the SR (is python3-pydicom installed?): " + output);
            }
            return sopUid;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while writing the SR", e);
        } finally {
            Files.deleteIfExists(script);
        }
    }
}
