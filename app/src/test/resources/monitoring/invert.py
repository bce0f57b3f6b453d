#!/usr/bin/python3
"""Shifted studies for the monitoring tests: each source DICOM file with its grey scale inverted
(stored values v -> 2^BitsStored - 1 - v, the header unchanged, so MONOCHROME2 still claims that
larger is brighter), as a new study with new UIDs. The reliability verdict refuses such images
(models/reference/MODEL_CARD.md: inverted grey scale, 40 of 40). Debian: python3-numpy, python3-pydicom.

    /usr/bin/python3 invert.py --out DIR SOURCE.dcm ...
"""
import argparse
import os

import numpy as np
import pydicom
from pydicom.uid import generate_uid


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    parser.add_argument("sources", nargs="+")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    for i, source in enumerate(args.sources):
        ds = pydicom.dcmread(source)
        top = 2 ** int(ds.BitsStored) - 1
        pixels = ds.pixel_array.astype(np.int64)
        ds.PixelData = (top - pixels).astype("<u2").tobytes()
        ds.StudyInstanceUID = generate_uid()
        ds.SeriesInstanceUID = generate_uid()
        ds.SOPInstanceUID = generate_uid()
        ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
        ds.AccessionNumber = f"INV{i:06d}"
        ds.save_as(os.path.join(args.out, f"inverted-{i:05d}.dcm"), write_like_original=False)
        print(ds.StudyInstanceUID)


if __name__ == "__main__":
    main()
