package org.cxrtriage.testdata;

/**
 * Everything that decides how one synthetic radiograph looks and how it is encoded.
 *
 * @param bitsStored 8, 12 or 16; 8 is what JPEG baseline can carry
 * @param signed     PixelRepresentation 1: stored values are two's complement
 * @param monochrome1 MONOCHROME1 (dense = dark in stored values) instead of MONOCHROME2
 * @param patientAgeYears written as PatientAge (nnnY) and used for the birth date
 * @param bodyPart   BodyPartExamined, normally CHEST
 */
public record PhantomSpec(
        String modality,
        View view,
        int width,
        int height,
        int bitsStored,
        boolean signed,
        boolean monochrome1,
        int patientAgeYears,
        String bodyPart,
        long seed,
        PhantomIdentity identity) {

    public PhantomSpec {
        if (bitsStored != 8 && bitsStored != 12 && bitsStored != 16) {
            throw new IllegalArgumentException("bitsStored must be 8, 12 or 16, was " + bitsStored);
        }
        if (width < 16 || height < 16) {
            throw new IllegalArgumentException("a phantom needs at least 16x16 pixels");
        }
    }

    /** A 12-bit unsigned MONOCHROME2 PA chest CR of an adult, 512x512. */
    public static PhantomSpec chestCr(PhantomIdentity identity, long seed) {
        return new PhantomSpec("CR", View.PA, 512, 512, 12, false, false, 54, "CHEST", seed, identity);
    }

    public PhantomSpec withModality(String newModality) {
        return new PhantomSpec(newModality, view, width, height, bitsStored, signed, monochrome1,
                patientAgeYears, bodyPart, seed, identity);
    }

    public PhantomSpec withView(View newView) {
        return new PhantomSpec(modality, newView, width, height, bitsStored, signed, monochrome1,
                patientAgeYears, bodyPart, seed, identity);
    }

    public PhantomSpec withSize(int newWidth, int newHeight) {
        return new PhantomSpec(modality, view, newWidth, newHeight, bitsStored, signed, monochrome1,
                patientAgeYears, bodyPart, seed, identity);
    }

    public PhantomSpec withPixels(int newBitsStored, boolean newSigned, boolean newMonochrome1) {
        return new PhantomSpec(modality, view, width, height, newBitsStored, newSigned, newMonochrome1,
                patientAgeYears, bodyPart, seed, identity);
    }

    public PhantomSpec withPatientAge(int years) {
        return new PhantomSpec(modality, view, width, height, bitsStored, signed, monochrome1,
                years, bodyPart, seed, identity);
    }

    public PhantomSpec withBodyPart(String newBodyPart) {
        return new PhantomSpec(modality, view, width, height, bitsStored, signed, monochrome1,
                patientAgeYears, newBodyPart, seed, identity);
    }

    public PhantomSpec withIdentity(PhantomIdentity newIdentity) {
        return new PhantomSpec(modality, view, width, height, bitsStored, signed, monochrome1,
                patientAgeYears, bodyPart, seed, newIdentity);
    }
}
