#!/usr/bin/python3
"""Writes a DenseNet-121-sized model (1 input channel, 224x224, 18 outputs, random weights) as an
ONNX model directory with a manifest, for the inference benchmark. Its outputs mean nothing.

    /usr/bin/python3 models/reference/make_densenet.py OUT_DIR
"""
import hashlib
import json
import os
import sys

import torch
import torchvision

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
torch.manual_seed(0)
model = torchvision.models.densenet121(num_classes=18)
model.features.conv0 = torch.nn.Conv2d(1, 64, kernel_size=7, stride=2, padding=3, bias=False)
model.eval()
path = os.path.join(out, "model.onnx")
torch.onnx.export(model, torch.zeros(1, 1, 224, 224), path, input_names=["image"], output_names=["logits"],
                  dynamic_axes={"image": {0: "batch"}, "logits": {0: "batch"}}, opset_version=13)
manifest = {
    "schemaVersion": 1, "id": "densenet121-random", "version": "0",
    "model": {"file": "model.onnx", "sha256": hashlib.sha256(open(path, "rb").read()).hexdigest()},
    "input": {"name": "image", "shape": [-1, 1, 224, 224], "layout": "NCHW"},
    "preprocessing": {"size": [224, 224], "crop": "none", "window": {"method": "minmax"},
                      "normalisation": {"method": "range", "min": -1024, "max": 1024}},
    "output": {"name": "logits", "activation": "logits", "size": 18},
    "findings": [{"index": i, "key": f"output_{i}", "display": f"Output {i}",
                  "code": {"system": "urn:cxr-triage:benchmark", "code": str(i), "display": f"Output {i}"},
                  "critical": False, "severityWeight": 0.1,
                  "calibration": {"method": "none", "version": "none"}} for i in range(18)],
    "intendedUse": "Benchmark only: random weights.", "notForClinicalUse": True,
}
json.dump(manifest, open(os.path.join(out, "manifest.json"), "w"), indent=2)
print("wrote", path, os.path.getsize(path) // (1024 * 1024), "MB")
