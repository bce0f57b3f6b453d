package org.cxrtriage.app.delivery;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.TagFromName;
import org.cxrtriage.app.delivery.ResultMessage.Study;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The Patient, General Study and Patient Study modules of our SR, so the PACS files it with the
 * study it reports on. Values come from the scored source file while it is still spooled (what the
 * PACS itself holds), attribute by attribute falling back to the message's {@link Study}; every
 * value is cleaned to its VR whichever way it came.
 */
final class PatientStudyModules {

    private static final Logger LOG = LoggerFactory.getLogger(PatientStudyModules.class);

    private final SrAttributes out;

    PatientStudyModules(SrAttributes out) {
        this.out = out;
    }

    void write(ResultMessage message, String studyInstanceUid) throws DicomException {
        AttributeList source = readSource(message).orElseGet(AttributeList::new);
        Study study = message.study();
        out.put(TagFromName.PatientName, pick(source, TagFromName.PatientName, study.patientName(), DicomValues::personName));
        out.put(TagFromName.PatientID, pick(source, TagFromName.PatientID, study.patientId(), lo()));
        out.putIfPresent(TagFromName.IssuerOfPatientID,
                pick(source, TagFromName.IssuerOfPatientID, study.issuerOfPatientId(), lo()));
        out.put(TagFromName.PatientBirthDate, pick(source, TagFromName.PatientBirthDate,
                study.birthDate().map(DicomValues::date).orElse(""), DicomValues::date));
        out.put(TagFromName.PatientSex, pick(source, TagFromName.PatientSex, study.sex(), DicomValues::sex));

        out.put(TagFromName.StudyInstanceUID, studyInstanceUid);
        out.put(TagFromName.StudyDate, pick(source, TagFromName.StudyDate,
                study.studyDate().map(DicomValues::date).orElse(""), DicomValues::date));
        out.put(TagFromName.StudyTime, pick(source, TagFromName.StudyTime,
                study.studyTime().map(DicomValues::time).orElse(""), DicomValues::time));
        out.put(TagFromName.ReferringPhysicianName, pick(source, TagFromName.ReferringPhysicianName,
                study.referringPhysician(), DicomValues::personName));
        out.put(TagFromName.StudyID, pick(source, TagFromName.StudyID, study.studyId(), sh()));
        out.put(TagFromName.AccessionNumber, pick(source, TagFromName.AccessionNumber, study.accessionNumber(), sh()));
        out.putIfPresent(TagFromName.StudyDescription,
                pick(source, TagFromName.StudyDescription, study.studyDescription(), lo()));

        out.putIfPresent(TagFromName.PatientAge, DicomValues.age(value(source, TagFromName.PatientAge)));
        out.putIfPresent(TagFromName.PatientSize, DicomValues.decimal(value(source, TagFromName.PatientSize)));
        out.putIfPresent(TagFromName.PatientWeight, DicomValues.decimal(value(source, TagFromName.PatientWeight)));
    }

    /** The source file's attributes up to Pixel Data, when the file is still there and readable. */
    private static Optional<AttributeList> readSource(ResultMessage message) {
        Optional<Path> file = message.source().flatMap(ResultMessage.SourceImage::file);
        if (file.isEmpty() || !Files.isRegularFile(file.get())) {
            return Optional.empty();
        }
        try {
            AttributeList list = new AttributeList();
            list.read(file.get().toFile(), TagFromName.PixelData);
            String fileStudy = Attribute.getSingleStringValueOrEmptyString(list, TagFromName.StudyInstanceUID).trim();
            if (!fileStudy.equals(message.studyInstanceUid().trim())) {
                LOG.warn("SR for study {}: source file {} belongs to another study; using the message's attributes",
                        message.studyInstanceUid(), file.get().getFileName());
                return Optional.empty();
            }
            return Optional.of(list);
        } catch (Exception unreadable) {
            LOG.warn("SR for study {}: source file {} unreadable ({}); using the message's attributes",
                    message.studyInstanceUid(), file.get().getFileName(), unreadable.getClass().getSimpleName());
            return Optional.empty();
        }
    }

    /** The cleaned file value when it has one, otherwise the cleaned message value. */
    private static String pick(AttributeList source, AttributeTag tag, String fallback, UnaryOperator<String> clean) {
        String fromFile = clean.apply(value(source, tag));
        return fromFile.isEmpty() ? clean.apply(fallback) : fromFile;
    }

    private static String value(AttributeList source, AttributeTag tag) {
        return Attribute.getSingleStringValueOrEmptyString(source, tag);
    }

    private static UnaryOperator<String> lo() {
        return value -> DicomValues.text(value, DicomValues.LO);
    }

    private static UnaryOperator<String> sh() {
        return value -> DicomValues.text(value, DicomValues.SH);
    }
}
