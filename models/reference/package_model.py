#!/usr/bin/python3
"""Packages a training run as the bundled reference model: model.onnx, manifest.json, parity
samples and files.txt under models/src/main/resources/org/cxrtriage/models/reference/.

    /usr/bin/python3 models/reference/package_model.py models/reference/out

After ./cxr-triage calibrate has calibrated a copy of it and built its reference profile, take the
calibrated manifest and the profile it names into the bundle:

    /usr/bin/python3 models/reference/package_model.py --calibrated /tmp/refcal/models/cxr-reference
"""
import argparse
import hashlib
import json
import re
import os
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
TARGET = os.path.join(HERE, "..", "src", "main", "resources", "org", "cxrtriage", "models", "reference")
LOCAL = "urn:cxr-triage:finding"
SNOMED = "http://snomed.info/sct"

# key, display, code system, code, critical, severity weight
FINDINGS = [
    ("pneumothorax", "Pneumothorax", SNOMED, "36118008", True, 1.0),
    ("pleural_effusion", "Pleural effusion", SNOMED, "60046008", True, 0.6),
    ("consolidation", "Consolidation", SNOMED, "95436008", True, 0.6),
    ("cardiomegaly", "Cardiomegaly", SNOMED, "8186001", False, 0.3),
    ("nodule_mass", "Nodule or mass", LOCAL, "nodule_mass", False, 0.4),
    ("pneumoperitoneum", "Pneumoperitoneum (free air under the diaphragm)", LOCAL, "pneumoperitoneum", True, 1.0),
]


def write_json(value, path):
    """Indented JSON with lists of numbers kept on one line, so the manifest stays readable."""
    text = json.dumps(value, indent=2)
    text = re.sub(r"\[\s*(-?[0-9][-0-9.e+,\s]*?)\s*\]", lambda m: "[" + ", ".join(m.group(1).split()).replace(",,", ",") + "]", text)
    with open(path, "w") as out:
        out.write(text + "\n")


def package(run):
    training = json.load(open(os.path.join(run, "training.json")))
    size = training["inputSize"]
    shutil.rmtree(TARGET, ignore_errors=True)
    os.makedirs(os.path.join(TARGET, "parity"))
    shutil.copy(os.path.join(run, "model.onnx"), TARGET)
    files = ["manifest.json", "model.onnx"]
    samples = []
    for sample in training["parity"]:
        shutil.copy(os.path.join(run, sample["input"]), os.path.join(TARGET, sample["input"]))
        files.append(sample["input"])
        samples.append({"input": sample["input"], "expectedOutputs": sample["expectedLogits"],
                        "expectedEmbedding": sample["expectedEmbedding"]})
    manifest = {
        "schemaVersion": 1,
        "id": "cxr-reference",
        "version": "2.0.0",
        "model": {"file": "model.onnx", "sha256": training["sha256"]},
        "input": {"name": "image", "shape": [-1, 1, size, size], "layout": "NCHW"},
        "preprocessing": {
            "size": [size, size],
            "crop": "none",
            "window": {"method": "percentile", "lowPercentile": 0.5, "highPercentile": 99.5},
            "normalisation": {"method": "range", "min": -1.0, "max": 1.0},
        },
        "output": {"name": "logits", "activation": "logits", "size": len(FINDINGS),
                   "embedding": {"name": "embedding", "dimension": training["embeddingSize"]}},
        "findings": [
            {"index": i, "key": key, "display": display,
             "code": {"system": system, "code": code, "display": display},
             "critical": critical, "severityWeight": weight,
             "calibration": {"method": "none", "version": "uncalibrated", "fittedOn": "not calibrated"}}
            for i, (key, display, system, code, critical, weight) in enumerate(FINDINGS)
        ],
        "intendedUse": "Testing cxr-triage end to end. Trained only on synthetic chest phantoms; it has never seen a "
                       "real radiograph. NOT FOR CLINICAL USE.",
        "notForClinicalUse": True,
        "parity": {"tolerance": 1e-4, "samples": samples},
    }
    write_json(manifest, os.path.join(TARGET, "manifest.json"))
    open(os.path.join(TARGET, "files.txt"), "w").write("\n".join(files) + "\n")
    print("packaged", run, "->", os.path.normpath(TARGET))


def take_calibration(model_dir):
    """Copies a calibrated manifest and its reference profile into the bundle, checking both hashes."""
    manifest = json.load(open(os.path.join(model_dir, "manifest.json")))
    bundled = json.load(open(os.path.join(TARGET, "manifest.json")))
    if manifest["model"]["sha256"] != bundled["model"]["sha256"]:
        raise SystemExit(f"{model_dir} calibrates another model.onnx ({manifest['model']['sha256']}) than the bundle's")
    profile = manifest["reliability"]["profile"]
    data = open(os.path.join(model_dir, profile["file"]), "rb").read()
    if hashlib.sha256(data).hexdigest() != profile["sha256"]:
        raise SystemExit(f"{profile['file']} does not match reliability.profile.sha256 in {model_dir}/manifest.json")
    for name in os.listdir(TARGET):
        if name.startswith("reference-profile"):
            os.remove(os.path.join(TARGET, name))
    open(os.path.join(TARGET, profile["file"]), "wb").write(data)
    write_json(manifest, os.path.join(TARGET, "manifest.json"))
    files = [line for line in open(os.path.join(TARGET, "files.txt")).read().split() if not line.startswith("reference-profile")]
    open(os.path.join(TARGET, "files.txt"), "w").write("\n".join(files[:2] + [profile["file"]] + files[2:]) + "\n")
    print("bundled calibration", manifest["version"], "and", profile["file"])


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("run", nargs="?", help="a train.py output folder")
    parser.add_argument("--calibrated", help="a model folder written by ./cxr-triage calibrate")
    args = parser.parse_args()
    if args.calibrated:
        take_calibration(args.calibrated)
    else:
        package(args.run)
