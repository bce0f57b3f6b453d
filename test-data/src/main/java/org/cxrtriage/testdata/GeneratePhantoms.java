package org.cxrtriage.testdata;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Command line: {@code GeneratePhantoms OUT_DIR COUNT [SIZE] [STUDIES]} writes COUNT explicit
 * little endian 16-bit CR chest phantoms of SIZE x SIZE pixels (default 1600, about 5 MB each),
 * spread over STUDIES studies (default one study per instance). The pixels are rendered once and
 * shared, so generating many large instances is quick. Used by the ingest benchmark.
 */
public final class GeneratePhantoms {

    private GeneratePhantoms() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: GeneratePhantoms OUT_DIR COUNT [SIZE] [STUDIES]");
            System.exit(2);
        }
        Path out = Files.createDirectories(Path.of(args[0]));
        int count = Integer.parseInt(args[1]);
        int size = args.length > 2 ? Integer.parseInt(args[2]) : 1600;
        int studies = args.length > 3 ? Integer.parseInt(args[3]) : count;
        PhantomIdentity[] identities = new PhantomIdentity[studies];
        PhantomSpec template = PhantomSpec.chestCr(PhantomIdentity.newStudy(), 1).withSize(size, size)
                .withPixels(16, false, false);
        PhantomPixels pixels = PhantomPixels.of(template);
        for (int i = 0; i < count; i++) {
            int study = i % studies;
            identities[study] = identities[study] == null ? PhantomIdentity.newStudy() : identities[study].nextInstance();
            DicomPhantomWriter.write(template.withIdentity(identities[study]), pixels,
                    out.resolve(String.format("phantom-%05d.dcm", i)), Encoding.EXPLICIT_LITTLE_ENDIAN.uid());
        }
        System.out.println("wrote " + count + " phantoms to " + out);
    }
}
