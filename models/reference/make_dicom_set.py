#!/usr/bin/python3
"""Writes labelled synthetic chest phantoms as DICOM CR files plus labels.csv, for calibrating
and evaluating a model with ./cxr-triage calibrate. Debian packages: python3-numpy, python3-pydicom.

    /usr/bin/python3 models/reference/make_dicom_set.py --out /tmp/calibration --count 600 --seed 5
"""
import argparse
import datetime
import os

import numpy as np
import pydicom
from pydicom.dataset import Dataset, FileDataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

import phantom

CR = "1.2.840.10008.5.1.4.1.1.1"


def write(path, pixels, study_uid, index):
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = CR
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = FileDataset(path, {}, file_meta=meta, preamble=b"\0" * 128)
    ds.SOPClassUID = CR
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.StudyInstanceUID = study_uid
    ds.SeriesInstanceUID = generate_uid()
    now = datetime.datetime.now()
    ds.StudyDate = now.strftime("%Y%m%d")
    ds.StudyTime = now.strftime("%H%M%S")
    ds.AccessionNumber = f"CAL{index:06d}"
    ds.PatientID = f"CALPAT{index:06d}"
    ds.PatientName = f"CALIBRATION^PHANTOM^{index}"
    ds.PatientSex = "O"
    ds.PatientAge = "050Y"
    ds.Modality = "CR"
    ds.BodyPartExamined = "CHEST"
    ds.ViewPosition = "PA"
    ds.Manufacturer = "cxr-triage synthetic phantom"
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.Rows, ds.Columns = pixels.shape
    ds.BitsAllocated = 16
    ds.BitsStored = 12
    ds.HighBit = 11
    ds.PixelRepresentation = 0
    ds.PixelSpacing = [0.7, 0.7]
    ds.PixelData = pixels.astype("<u2").tobytes()
    ds.save_as(path, write_like_original=False)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    parser.add_argument("--count", type=int, default=600)
    parser.add_argument("--size", type=int, default=512)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--findings", default=None,
                        help="comma-separated finding keys every study gets (e.g. pneumothorax); 'none' for normal studies;"
                             " default: random findings as in training")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    rng = np.random.default_rng(args.seed)
    rows = ["study_instance_uid," + ",".join(phantom.FINDINGS)]
    for i in range(args.count):
        geometry = phantom.Geometry.random(rng)
        findings = phantom.Findings.random(rng, geometry)
        if args.findings is not None:
            chosen = set() if args.findings == "none" else set(args.findings.split(","))
            unknown = chosen - set(phantom.FINDINGS)
            if unknown:
                parser.error(f"unknown finding(s) {sorted(unknown)}; known: {phantom.FINDINGS}")
            forced = phantom.Findings.random(rng, geometry, prevalence=1.0)
            findings = phantom.Findings(**{key: getattr(forced, key) if key in chosen else None for key in phantom.FINDINGS})
        density = phantom.render(args.size, geometry, findings, noise=0.004 + 0.02 * rng.random(), rng=rng)
        image = phantom.expose(density, rng)
        pixels = np.clip(image / image.max() * 4095, 0, 4095).astype(np.uint16)
        study = generate_uid()
        write(os.path.join(args.out, f"study-{i:05d}.dcm"), pixels, study, i)
        rows.append(study + "," + ",".join(str(v) for v in findings.labels()))
    with open(os.path.join(args.out, "labels.csv"), "w") as out:
        out.write("\n".join(rows) + "\n")
    print("wrote", args.count, "studies and labels.csv to", args.out)


if __name__ == "__main__":
    main()
