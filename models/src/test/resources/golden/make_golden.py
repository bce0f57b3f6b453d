#!/usr/bin/python3
"""Golden values for the Java preprocessing, computed independently with numpy.

Area averaging is written here as a dense overlap matrix (out = R @ image @ C.T), not as the
separable loops the Java code uses. Re-run with /usr/bin/python3 make_golden.py in this folder.
"""
import json
import numpy as np


def overlap_matrix(source, target):
    scale = source / target
    matrix = np.zeros((target, source))
    for i in range(target):
        lo, hi = i * scale, (i + 1) * scale
        for s in range(int(np.floor(lo)), min(source, int(np.ceil(hi)))):
            matrix[i, s] = (min(hi, s + 1) - max(lo, s)) / scale
    return matrix


def preprocess(image, case):
    h, w = image.shape
    if case["crop"] == "center-square" and w != h:
        side = min(w, h)
        y0, x0 = (h - side) // 2, (w - side) // 2
        image = image[y0:y0 + side, x0:x0 + side]
    rows = overlap_matrix(image.shape[0], case["height"])
    cols = overlap_matrix(image.shape[1], case["width"])
    resized = rows @ image.astype(np.float64) @ cols.T
    resized = resized.astype(np.float32)
    window = case["window"]
    if window["method"] == "percentile":
        low, high = np.percentile(resized, [window["low"], window["high"]])
    elif window["method"] == "voi":
        low, high = window["center"] - window["width"] / 2, window["center"] + window["width"] / 2
    else:
        low, high = resized.min(), resized.max()
    unit = np.clip((resized.astype(np.float64) - low) / max(high - low, 1e-6), 0, 1)
    norm = case["normalisation"]
    if norm["method"] == "range":
        return norm["min"] + unit * (norm["max"] - norm["min"])
    return (unit - norm["mean"]) / norm["std"]


CASES = [
    {"name": "percentile-downscale", "source": [250, 300], "width": 160, "height": 160, "crop": "none",
     "window": {"method": "percentile", "low": 0.5, "high": 99.5}, "normalisation": {"method": "range", "min": -1, "max": 1}},
    {"name": "crop-minmax-meanstd", "source": [250, 300], "width": 224, "height": 224, "crop": "center-square",
     "window": {"method": "minmax"}, "normalisation": {"method": "mean-std", "mean": 0.5, "std": 0.25}},
    {"name": "voi-upscale", "source": [131, 97], "width": 224, "height": 224, "crop": "none",
     "window": {"method": "voi", "center": 1000, "width": 2000}, "normalisation": {"method": "range", "min": -1024, "max": 1024}},
]

rng = np.random.default_rng(2026)
for case in CASES:
    h, w = case["source"]
    yy, xx = np.mgrid[0:h, 0:w]
    image = (2000 + 1500 * np.sin(xx / 17.0) * np.cos(yy / 23.0) + 300 * rng.standard_normal((h, w))).astype(np.float32)
    image.astype("<f4").tofile(case["name"] + ".input.f32")
    preprocess(image, case).astype("<f4").tofile(case["name"] + ".expected.f32")
json.dump(CASES, open("cases.json", "w"), indent=2)
print("wrote", len(CASES), "cases")
