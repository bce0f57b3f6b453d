"""Writes a Basic Text SR (PS3.3 A.35.1) into an existing study with pydicom, an implementation
independent of ours and of PixelMed. Usage: basic_text_sr.py OUT PATIENT_ID PATIENT_NAME STUDY_UID
SERIES_UID SOP_UID ACCESSION. The report text is synthetic."""
import datetime
import sys

from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.sequence import Sequence
from pydicom.uid import ExplicitVRLittleEndian

BASIC_TEXT_SR = "1.2.840.10008.5.1.4.1.1.88.11"


def code(value, scheme, meaning):
    item = Dataset()
    item.CodeValue = value
    item.CodingSchemeDesignator = scheme
    item.CodeMeaning = meaning
    return item


def main(out, patient_id, patient_name, study_uid, series_uid, sop_uid, accession):
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = BASIC_TEXT_SR
    meta.MediaStorageSOPInstanceUID = sop_uid
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    now = datetime.datetime.now()
    ds = Dataset()
    ds.file_meta = meta
    ds.is_little_endian = True
    ds.is_implicit_VR = False
    ds.SpecificCharacterSet = "ISO_IR 100"
    ds.SOPClassUID = BASIC_TEXT_SR
    ds.SOPInstanceUID = sop_uid
    ds.StudyInstanceUID = study_uid
    ds.SeriesInstanceUID = series_uid
    ds.StudyDate = ds.ContentDate = now.strftime("%Y%m%d")
    ds.StudyTime = ds.ContentTime = now.strftime("%H%M%S")
    ds.AccessionNumber = accession
    ds.Modality = "SR"
    ds.Manufacturer = "cxr-triage test data (pydicom)"
    ds.ReferringPhysicianName = ""
    ds.PatientName = patient_name
    ds.PatientID = patient_id
    ds.PatientBirthDate = ""
    ds.PatientSex = ""
    ds.StudyID = "1"
    ds.SeriesNumber = "99"
    ds.InstanceNumber = "1"
    ds.ReferencedPerformedProcedureStepSequence = Sequence()
    ds.ValueType = "CONTAINER"
    ds.ConceptNameCodeSequence = Sequence([code("18748-4", "LN", "Diagnostic Imaging Report")])
    ds.ContinuityOfContent = "SEPARATE"
    ds.CompletionFlag = "COMPLETE"
    ds.VerificationFlag = "UNVERIFIED"
    finding = Dataset()
    finding.RelationshipType = "CONTAINS"
    finding.ValueType = "TEXT"
    finding.ConceptNameCodeSequence = Sequence([code("121071", "DCM", "Finding")])
    finding.TextValue = "Synthetic test report: no acute findings."
    ds.ContentSequence = Sequence([finding])
    ds.save_as(out, write_like_original=False)


if __name__ == "__main__":
    main(*sys.argv[1:8])
