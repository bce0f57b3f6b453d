package org.cxrtriage.app.patient;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The keyed patient identity hash and its per-site key file. */
class PatientIdentityTest {

    @TempDir
    Path data;

    @Test
    void theKeyIsCreatedOwnerOnlyOnceAndReusedAfterwards() throws Exception {
        PatientIdentity first = PatientIdentity.key(data);
        Path file = data.resolve("patient-id.key");

        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertTrue(Files.readString(file).trim().matches("[0-9a-f]{64}"), "32 random bytes as hex");
        assertEquals(first.hash("HOSP", "12345"), PatientIdentity.key(data).hash("HOSP", "12345"), "same key on reload");
    }

    @Test
    void hashesDependOnTheSiteKeyIssuerAndIdButShowNeither() throws Exception {
        PatientIdentity site = PatientIdentity.key(data.resolve("a"));
        PatientIdentity otherSite = PatientIdentity.key(data.resolve("b"));

        String hash = site.hash("HOSP", "12345");

        assertTrue(hash.matches("[0-9a-f]{64}"), hash);
        assertEquals(hash, site.hash(" HOSP ", "12345 "), "DICOM padding does not matter");
        assertNotEquals(hash, otherSite.hash("HOSP", "12345"), "another site's key gives another hash");
        assertNotEquals(hash, site.hash("OTHER", "12345"), "the issuer is part of the identity");
        assertNotEquals(site.hash(null, "12345"), hash);
        assertEquals(site.hash(null, "12345"), site.hash("", "12345"), "a missing issuer counts as empty");
        assertNotEquals(site.hash("AB", "C"), site.hash("A", "BC"), "issuer and ID cannot be shifted into each other");
    }

    @Test
    void aMissingPatientIdHashesAsAbsentNotAsAnEmptyStringEqualToOthers() throws Exception {
        PatientIdentity site = PatientIdentity.key(data);

        assertNull(site.hash("HOSP", null));
        assertNull(site.hash("HOSP", ""));
        assertNull(site.hash(null, "   "));
    }

    @Test
    void aDamagedKeyFileStopsStartUpNamingTheFileAndTheFix() throws Exception {
        Files.writeString(data.resolve("patient-id.key"), "not a key\n");

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> PatientIdentity.key(data));

        assertTrue(e.getMessage().contains("patient-id.key") && e.getMessage().contains("Restore it from your backup"),
                e.getMessage());
    }

    @Test
    void aKeyFileReadableByOthersIsTightened() throws Exception {
        PatientIdentity.key(data);
        Path file = data.resolve("patient-id.key");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

        PatientIdentity.key(data);

        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }
}
