#!/usr/bin/python3
"""Small committed samples for the reliability verdict's test on the real model: the first file of
each chosen folder, decoded as the server's PixelDecoder does (MONOCHROME1 inverted) and
area-averaged to the model's 160 x 160 exactly as AreaResize does. Resizing 160 x 160 again is
the identity, so the Java test gives the model exactly the input and image facts of the original
file (only its rows and columns, which the verdict does not judge, are lost). Written as raw
little-endian float32 with an index (samples.json) saying whether the verdict must trust it.

    /usr/bin/python3 models/reference/make_verdict_samples.py /tmp/cxr-eval/indist-tune \\
        /tmp/cxr-eval/shifts-tune/{inverted,blank,test_pattern,noise_heavy,body_part_skull,rotated_180}
"""
import glob
import json
import os
import sys

import numpy as np
import pydicom

TARGET = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "test", "resources", "reliability")
SIZE = 160


def overlap_matrix(source, target):
    """Area-average weights: out = R @ image @ C.T (as golden/make_golden.py)."""
    scale = source / target
    matrix = np.zeros((target, source))
    for i in range(target):
        lo, hi = i * scale, (i + 1) * scale
        for s in range(int(np.floor(lo)), min(source, int(np.ceil(hi)))):
            matrix[i, s] = (min(hi, s + 1) - max(lo, s)) / scale
    return matrix


def decoded(path):
    ds = pydicom.dcmread(path)
    pixels = ds.pixel_array.astype(np.float64) * float(getattr(ds, "RescaleSlope", 1)) + float(getattr(ds, "RescaleIntercept", 0))
    if ds.PhotometricInterpretation == "MONOCHROME1":
        pixels = (2 ** int(ds.BitsStored) - 1) - pixels
    return pixels


def main(folders):
    os.makedirs(TARGET, exist_ok=True)
    index = []
    for n, folder in enumerate(folders):
        first = sorted(glob.glob(os.path.join(folder, "*.dcm")))[:3 if n == 0 else 1]
        for path in first:
            image = decoded(path)
            resized = overlap_matrix(image.shape[0], SIZE) @ image @ overlap_matrix(image.shape[1], SIZE).T
            kind = "in-distribution" if n == 0 else os.path.basename(folder.rstrip("/"))
            stem = os.path.splitext(os.path.basename(path))[0]
            name = f"{kind}-{stem}.f32" if n == 0 else f"{stem}.f32"
            resized.astype("<f4").tofile(os.path.join(TARGET, name))
            index.append({"file": name, "kind": kind, "width": SIZE, "height": SIZE, "reliable": n == 0,
                          "source": os.path.basename(path)})
    with open(os.path.join(TARGET, "samples.json"), "w") as out:
        json.dump(index, out, indent=2)
    print("wrote", len(index), "samples to", os.path.normpath(TARGET))


if __name__ == "__main__":
    main(sys.argv[1:])
