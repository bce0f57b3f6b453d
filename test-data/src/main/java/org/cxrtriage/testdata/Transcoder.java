package org.cxrtriage.testdata;

import com.github.jaiimageio.jpeg2000.J2KImageWriteParam;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.OtherByteAttributeMultipleCompressedFrames;
import com.pixelmed.dicom.TagFromName;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferUShort;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Produces a phantom in any {@link Encoding}: uncompressed syntaxes directly, the others with the
 * DCMTK command-line codecs (dcmconv, dcmcjpeg, dcmcrle, dcmcjpls) or, for JPEG 2000, the
 * jai-imageio encoder. Needs the Debian package {@code dcmtk}.
 */
public final class Transcoder {

    private Transcoder() {
    }

    /** Writes {@code spec} encoded as {@code encoding} to {@code target}; returns the expected pixels. */
    public static PhantomPixels write(PhantomSpec spec, Encoding encoding, Path target)
            throws IOException, DicomException {
        switch (encoding) {
            case IMPLICIT_LITTLE_ENDIAN, EXPLICIT_LITTLE_ENDIAN, EXPLICIT_BIG_ENDIAN:
                return DicomPhantomWriter.write(spec, target, encoding.uid());
            case JPEG_2000_LOSSLESS:
                return writeJpeg2000(spec, target);
            default:
                break;
        }
        Path source = Files.createTempFile(target.getParent(), "uncompressed", ".dcm");
        try {
            PhantomPixels pixels = DicomPhantomWriter.write(spec, source, Encoding.EXPLICIT_LITTLE_ENDIAN.uid());
            run(dcmtkCommand(encoding, source, target));
            return pixels;
        } finally {
            Files.deleteIfExists(source);
        }
    }

    private static List<String> dcmtkCommand(Encoding encoding, Path source, Path target) {
        List<String> command = new ArrayList<>();
        switch (encoding) {
            case DEFLATED -> command.addAll(List.of("dcmconv", "+td"));
            case JPEG_BASELINE -> command.addAll(List.of("dcmcjpeg", "+eb", "+un"));
            case JPEG_EXTENDED_12BIT -> command.addAll(List.of("dcmcjpeg", "+ee", "+un"));
            case JPEG_LOSSLESS -> command.addAll(List.of("dcmcjpeg", "+el", "+sv", "4"));
            case JPEG_LOSSLESS_SV1 -> command.addAll(List.of("dcmcjpeg", "+e1"));
            case JPEG_LS_LOSSLESS -> command.addAll(List.of("dcmcjpls", "+el"));
            case RLE -> command.add("dcmcrle");
            default -> throw new IllegalArgumentException("not a DCMTK encoding: " + encoding);
        }
        command.add(source.toString());
        command.add(target.toString());
        return command;
    }

    private static PhantomPixels writeJpeg2000(PhantomSpec spec, Path target) throws IOException, DicomException {
        if (spec.signed() || spec.bitsStored() == 8) {
            throw new IllegalArgumentException("the JPEG 2000 phantom is 12- or 16-bit unsigned");
        }
        PhantomPixels pixels = PhantomPixels.of(spec);
        BufferedImage image = new BufferedImage(spec.width(), spec.height(), BufferedImage.TYPE_USHORT_GRAY);
        short[] data = ((DataBufferUShort) image.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < data.length; i++) {
            data[i] = (short) pixels.stored()[i];
        }
        byte[] codestream = encodeJpeg2000Lossless(image);
        AttributeList list = DicomPhantomWriter.attributes(spec, pixels);
        list.put(new OtherByteAttributeMultipleCompressedFrames(TagFromName.PixelData, new byte[][] {codestream}));
        FileMetaInformation.addFileMetaInformation(list, Encoding.JPEG_2000_LOSSLESS.uid(), "CXRPHANTOM");
        list.write(target.toFile(), Encoding.JPEG_2000_LOSSLESS.uid(), true, true);
        return pixels;
    }

    private static byte[] encodeJpeg2000Lossless(BufferedImage image) throws IOException {
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("jpeg2000");
        if (!writers.hasNext()) {
            throw new IOException("no JPEG 2000 ImageIO writer: is jai-imageio-jpeg2000 on the classpath?");
        }
        ImageWriter writer = writers.next();
        J2KImageWriteParam param = (J2KImageWriteParam) writer.getDefaultWriteParam();
        param.setLossless(true);
        param.setWriteCodeStreamOnly(true);
        param.setFilter(J2KImageWriteParam.FILTER_53);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
        byte[] codestream = bytes.toByteArray();
        return codestream.length % 2 == 0 ? codestream : java.util.Arrays.copyOf(codestream, codestream.length + 1);
    }

    private static void run(List<String> command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + command.get(0), e);
        }
    }
}
