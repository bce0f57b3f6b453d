package org.cxrtriage.app.delivery;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.DicomOutputStream;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.validate.DicomSRValidator;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * PixelMed's DicomSRValidator (IOD and template checks) shared by the delivery tests: building it
 * compiles the whole of PS3.16 into XSLT and takes ~20 s, one validation ~5 s.
 *
 * <p>The validator must run on the JDK's own XSLT processor, as it does on PixelMed's plain class
 * path. HAPI FHIR puts Saxon on app's test class path, and under Saxon the validator keeps the
 * first report's list of matched items and flags every later SR's items "not in template".
 */
final class SrValidation {

    /**
     * The one warning we accept. PixelMed 2022's compiled TID 1501 predates the standard's rows 11
     * and 12 (qualitative evaluations inside a measurement group), so it flags our present / absent /
     * undetermined CODE item in each group as "not in template". Anything else fails the test.
     */
    private static final Pattern QUALITATIVE_EVALUATION_IN_GROUP = Pattern.compile(
            "Warning: [0-9.]+: .*/CONTAINER \\(125007,DCM,\"Measurement Group\"\\)/CODE \\((?:(?!\"\\)/).)*\\): Content Item not in template");

    private static final String JDK_XSLT = "com.sun.org.apache.xalan.internal.xsltc.trax.TransformerFactoryImpl";
    private static final String FACTORY_PROPERTY = "javax.xml.transform.TransformerFactory";

    private static DicomSRValidator validator;

    private SrValidation() {
    }

    /** Errors and warnings other than the accepted one; empty means the SR is valid. */
    static synchronized List<String> problems(AttributeList sr) throws Exception {
        String report = validator().validate(sr);
        if (!report.contains("IOD validation complete") || !report.contains("Found Root Template TID_1500")) {
            return List.of("the validator did not recognise a TID 1500 Comprehensive 3D SR:\n" + report);
        }
        return Arrays.stream(report.split("\n"))
                .filter(line -> line.startsWith("Error") || line.startsWith("Warning"))
                .filter(line -> !QUALITATIVE_EVALUATION_IN_GROUP.matcher(line).matches())
                .toList();
    }

    /** How many accepted "qualitative evaluation in group" warnings the report has. */
    static synchronized long qualitativeEvaluationWarnings(AttributeList sr) throws Exception {
        return Arrays.stream(validator().validate(sr).split("\n"))
                .filter(line -> QUALITATIVE_EVALUATION_IN_GROUP.matcher(line).matches()).count();
    }

    /** The validator's transformers are created in its constructor, with the JDK's XSLT processor. */
    private static DicomSRValidator validator() throws Exception {
        if (validator == null) {
            String previous = System.getProperty(FACTORY_PROPERTY);
            System.setProperty(FACTORY_PROPERTY, JDK_XSLT);
            try {
                validator = new DicomSRValidator();
            } finally {
                if (previous == null) {
                    System.clearProperty(FACTORY_PROPERTY);
                } else {
                    System.setProperty(FACTORY_PROPERTY, previous);
                }
            }
        }
        return validator;
    }

    /** Encodes the data set as a Part 10 file in memory and reads it back, as a PACS would receive it. */
    static AttributeList roundTrip(AttributeList dataSet) throws Exception {
        AttributeList copy = new AttributeList();
        copy.putAll(dataSet);
        FileMetaInformation.addFileMetaInformation(copy, "1.2.840.10008.1.2.1", "CXRTRIAGE");
        return read(bytes(copy));
    }

    static byte[] bytes(AttributeList withMetaInformation) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        withMetaInformation.write(new DicomOutputStream(out, "1.2.840.10008.1.2.1", "1.2.840.10008.1.2.1"));
        return out.toByteArray();
    }

    static AttributeList read(byte[] part10) throws Exception {
        AttributeList list = new AttributeList();
        try (DicomInputStream in = new DicomInputStream(new ByteArrayInputStream(part10))) {
            list.read(in);
        }
        return list;
    }
}
