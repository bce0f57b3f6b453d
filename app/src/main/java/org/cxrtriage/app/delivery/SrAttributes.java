package org.cxrtriage.app.delivery;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeFactory;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.SpecificCharacterSet;

/**
 * Writes already-cleaned values into a PixelMed attribute list in UTF-8 (ISO_IR 192), and builds
 * the small sequences of references an SR header needs.
 */
final class SrAttributes {

    static final String UTF8 = "ISO_IR 192";
    private static final SpecificCharacterSet CHARSET = new SpecificCharacterSet(new String[] {UTF8});

    private final AttributeList list;

    SrAttributes(AttributeList list) {
        this.list = list;
    }

    AttributeList list() {
        return list;
    }

    /** Puts the attribute; an empty value gives a zero-length attribute (right for type 2). */
    void put(AttributeTag tag, String value) throws DicomException {
        list.put(attribute(tag, value));
    }

    /** Puts the attribute only when the value is not empty (type 3). */
    void putIfPresent(AttributeTag tag, String value) throws DicomException {
        if (value != null && !value.isEmpty()) {
            put(tag, value);
        }
    }

    /** A multi-valued attribute from values already free of backslashes. */
    void putValues(AttributeTag tag, String... values) throws DicomException {
        Attribute attribute = attribute(tag, "");
        for (String value : values) {
            attribute.addValue(value);
        }
        list.put(attribute);
    }

    /** An empty (type 2) sequence. */
    void emptySequence(AttributeTag tag) {
        list.put(new SequenceAttribute(tag));
    }

    /** A sequence with one item, returned for filling. */
    AttributeList sequenceItem(AttributeTag tag) {
        SequenceAttribute sequence = (SequenceAttribute) list.get(tag);
        if (sequence == null) {
            sequence = new SequenceAttribute(tag);
            list.put(sequence);
        }
        AttributeList item = new AttributeList();
        sequence.addItem(item);
        return item;
    }

    private static Attribute attribute(AttributeTag tag, String value) throws DicomException {
        Attribute attribute = AttributeFactory.newAttribute(tag,
                AttributeList.getDictionary().getValueRepresentationFromTag(tag), CHARSET);
        if (value != null && !value.isEmpty()) {
            attribute.addValue(value);
        }
        return attribute;
    }
}
