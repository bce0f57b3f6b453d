#!/usr/bin/python3
"""Writes labelled synthetic chest phantoms as DICOM CR/DX files plus labels.csv, for calibrating
and evaluating a model with ./cxr-triage calibrate. Debian packages: python3-numpy, python3-pydicom
(and python3-scipy for --acquisition varied).

    /usr/bin/python3 models/reference/make_dicom_set.py --out /tmp/calibration --count 600 --seed 5

--acquisition plain (default) exposes every phantom as phantom.expose does (one look, CR, PA,
512 x 512 at 0.7 mm); --acquisition varied draws each through acquisition.py's randomised
acquisition (the reference model's training distribution) with varied matrix size, pixel
spacing, bit depth, modality (CR or DX), view (PA or AP) and photometric interpretation.
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
DX = "1.2.840.10008.5.1.4.1.1.1.1"   # Digital X-Ray Image Storage - For Presentation


def write(path, pixels, study_uid, index, modality="CR", photometric="MONOCHROME2", bits_stored=12, spacing_mm=0.7,
          manufacturer="cxr-triage synthetic phantom", model_name=None, view="PA", body_part="CHEST", prefix="CAL"):
    """Writes one single-frame radiograph. `pixels` are the stored values (already inverted for
    MONOCHROME1), unsigned, below 2 ** bits_stored."""
    meta = FileMetaDataset()
    sop_class = CR if modality == "CR" else DX
    meta.MediaStorageSOPClassUID = sop_class
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = FileDataset(path, {}, file_meta=meta, preamble=b"\0" * 128)
    ds.SOPClassUID = sop_class
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.StudyInstanceUID = study_uid
    ds.SeriesInstanceUID = generate_uid()
    now = datetime.datetime.now()
    ds.StudyDate = now.strftime("%Y%m%d")
    ds.StudyTime = now.strftime("%H%M%S")
    ds.AccessionNumber = f"{prefix}{index:06d}"
    ds.PatientID = f"{prefix}PAT{index:06d}"
    ds.PatientName = f"{prefix}^PHANTOM^{index}"
    ds.PatientSex = "O"
    ds.PatientAge = "050Y"
    ds.Modality = modality
    ds.BodyPartExamined = body_part
    ds.ViewPosition = view
    ds.Manufacturer = manufacturer
    if model_name:
        ds.ManufacturerModelName = model_name
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = photometric
    ds.Rows, ds.Columns = pixels.shape
    ds.BitsAllocated = 16
    ds.BitsStored = bits_stored
    ds.HighBit = bits_stored - 1
    ds.PixelRepresentation = 0
    if modality == "DX":
        ds.PresentationIntentType = "FOR PRESENTATION"
        ds.ImagerPixelSpacing = [spacing_mm, spacing_mm]
    ds.PixelSpacing = [round(spacing_mm, 4), round(spacing_mm, 4)]
    ds.PixelData = pixels.astype("<u2").tobytes()
    ds.save_as(path, write_like_original=False)


def write_varied(path, geometry, findings, study, index, size, rng):
    """One study through the training distribution's randomised acquisition and a varied encoding."""
    import acquisition
    varied = acquisition.habitus(rng)
    varied.anteroposterior = geometry.anteroposterior
    density = phantom.render(size // 2, varied, findings, noise=0.002 + 0.006 * rng.random(), rng=rng)
    rows = int(size * rng.uniform(0.85, 1.15))
    cols = int(size * rng.uniform(0.85, 1.15))
    side = max(rows, cols)
    top, left = (side - rows) // 2, (side - cols) // 2
    image = acquisition.acquire(density, rng, size=side)[top:top + rows, left:left + cols]
    bits = int(rng.choice([10, 12, 14, 16]))
    pixels = np.clip(image / image.max() * (2 ** bits - 1), 0, 2 ** bits - 1)
    photometric = "MONOCHROME1" if rng.random() < 0.3 else "MONOCHROME2"
    if photometric == "MONOCHROME1":
        pixels = (2 ** bits - 1) - pixels
    write(path, pixels.astype(np.uint16), study, index, modality="CR" if rng.random() < 0.5 else "DX",
          photometric=photometric, bits_stored=bits, spacing_mm=rng.uniform(0.5, 0.9),
          view="AP" if geometry.anteroposterior else "PA")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    parser.add_argument("--count", type=int, default=600)
    parser.add_argument("--size", type=int, default=512)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--findings", default=None,
                        help="comma-separated finding keys every study gets (e.g. pneumothorax); 'none' for normal studies;"
                             " default: random findings as in training")
    parser.add_argument("--acquisition", choices=["plain", "varied"], default="plain")
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
        study = generate_uid()
        path = os.path.join(args.out, f"study-{i:05d}.dcm")
        if args.acquisition == "plain":
            density = phantom.render(args.size, geometry, findings, noise=0.004 + 0.02 * rng.random(), rng=rng)
            image = phantom.expose(density, rng)
            pixels = np.clip(image / image.max() * 4095, 0, 4095).astype(np.uint16)
            write(path, pixels, study, i)
        else:
            write_varied(path, geometry, findings, study, i, args.size, rng)
        rows.append(study + "," + ",".join(str(v) for v in findings.labels()))
    with open(os.path.join(args.out, "labels.csv"), "w") as out:
        out.write("\n".join(rows) + "\n")
    print("wrote", args.count, "studies and labels.csv to", args.out)


if __name__ == "__main__":
    main()
