package org.cxrtriage.dicom.scp;

/** The upper-layer PDU types of DICOM PS3.8 9.3 (Table 9-11), by their code in the first PDU byte. */
enum PduType {
    ASSOCIATE_RQ(0x01, "A-ASSOCIATE-RQ"),
    ASSOCIATE_AC(0x02, "A-ASSOCIATE-AC"),
    ASSOCIATE_RJ(0x03, "A-ASSOCIATE-RJ"),
    P_DATA_TF(0x04, "P-DATA-TF"),
    RELEASE_RQ(0x05, "A-RELEASE-RQ"),
    RELEASE_RP(0x06, "A-RELEASE-RP"),
    ABORT(0x07, "A-ABORT");

    private final int code;
    private final String standardName;

    PduType(int code, String standardName) {
        this.code = code;
        this.standardName = standardName;
    }

    /** The type with this code, or null for a code PS3.8 does not define. */
    static PduType of(int code) {
        for (PduType type : values()) {
            if (type.code == code) {
                return type;
            }
        }
        return null;
    }

    int code() {
        return code;
    }

    String standardName() {
        return standardName;
    }
}
