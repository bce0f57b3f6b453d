#!/usr/bin/python3
"""Trains the cxr-triage reference model on synthetic phantoms and exports it to ONNX.

Debian packages only: python3-torch, python3-numpy, python3-onnx. The model is for testing the
system end to end. It has never seen a real radiograph and is NOT FOR CLINICAL USE.

    /usr/bin/python3 models/reference/train.py --out models/src/main/resources/reference-model --minutes 12
"""
import argparse
import hashlib
import json
import os
import time

import numpy as np
import torch
import torch.nn as nn

import phantom

SIZE = 160


class Block(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.skip = None if stride == 1 and cin == cout else nn.Sequential(
            nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        out = torch.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return torch.relu(out + (x if self.skip is None else self.skip(x)))


class ReferenceNet(nn.Module):
    """A small ResNet: 1-channel input, one logit per finding."""

    def __init__(self, findings=len(phantom.FINDINGS), widths=(24, 48, 96, 192)):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(1, widths[0], 5, 2, 2, bias=False), nn.BatchNorm2d(widths[0]), nn.ReLU())
        layers, cin = [], widths[0]
        for i, w in enumerate(widths):
            layers += [Block(cin, w, 1 if i == 0 else 2), Block(w, w, 1)]
            cin = w
        self.body = nn.Sequential(*layers)
        self.head = nn.Linear(cin, findings)

    def forward(self, x):
        x = self.body(self.stem(x))
        return self.head(torch.flatten(nn.functional.adaptive_avg_pool2d(x, 1), 1))


def sample(rng, size=SIZE):
    geometry = phantom.Geometry.random(rng)
    findings = phantom.Findings.random(rng, geometry)
    density = phantom.render(size, geometry, findings, noise=0.004 + 0.02 * rng.random(), rng=rng)
    return phantom.window_and_normalise(phantom.expose(density, rng)), findings.labels()


def batch(rng, n):
    images, labels = zip(*(sample(rng) for _ in range(n)))
    return torch.from_numpy(np.stack(images)[:, None]), torch.tensor(labels, dtype=torch.float32)


class PhantomStream(torch.utils.data.IterableDataset):
    """Endless training batches, rendered in a worker process while the model trains."""

    def __init__(self, seed, batch_size):
        self.seed = seed
        self.batch_size = batch_size

    def __iter__(self):
        info = torch.utils.data.get_worker_info()
        rng = np.random.default_rng(self.seed + (info.id if info else 0) * 7919)
        while True:
            yield batch(rng, self.batch_size)


def auc(scores, labels):
    """Mann-Whitney AUC, ties counted half."""
    order = np.argsort(scores)
    ranks = np.empty(len(scores))
    sorted_scores = scores[order]
    i = 0
    while i < len(scores):
        j = i
        while j + 1 < len(scores) and sorted_scores[j + 1] == sorted_scores[i]:
            j += 1
        ranks[order[i:j + 1]] = (i + j) / 2 + 1
        i = j + 1
    positives = labels.sum()
    negatives = len(labels) - positives
    return (ranks[labels == 1].sum() - positives * (positives + 1) / 2) / (positives * negatives)


def bootstrap_ci(scores, labels, rng, rounds=1000):
    values = []
    n = len(scores)
    for _ in range(rounds):
        idx = rng.integers(0, n, n)
        if 0 < labels[idx].sum() < n:
            values.append(auc(scores[idx], labels[idx]))
    return float(np.percentile(values, 2.5)), float(np.percentile(values, 97.5))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    parser.add_argument("--minutes", type=float, default=12)
    parser.add_argument("--batch", type=int, default=48)
    parser.add_argument("--holdout", type=int, default=1500)
    parser.add_argument("--seed", type=int, default=20261123)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    torch.manual_seed(args.seed)
    torch.set_num_threads(2)
    rng = np.random.default_rng(args.seed)

    model = ReferenceNet()
    parameters = sum(p.numel() for p in model.parameters())
    optimiser = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=1e-4)
    loss_fn = nn.BCEWithLogitsLoss()
    budget = args.minutes * 60
    started = time.time()
    step = 0
    stream = iter(torch.utils.data.DataLoader(PhantomStream(args.seed, args.batch), batch_size=None,
                                              num_workers=1, prefetch_factor=4))
    while time.time() - started < budget:
        progress = (time.time() - started) / budget
        for group in optimiser.param_groups:
            group["lr"] = 2e-3 * 0.5 * (1 + np.cos(np.pi * progress)) + 2e-5
        images, labels = next(stream)
        model.train()
        loss = loss_fn(model(images), labels)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        step += 1
        if step % 25 == 0:
            print(f"step {step} images {step * args.batch} loss {loss.item():.4f} elapsed {time.time() - started:.0f}s", flush=True)
    training_seconds = time.time() - started

    model.eval()
    holdout_rng = np.random.default_rng(args.seed + 1)
    logits, labels = [], []
    with torch.no_grad():
        for start in range(0, args.holdout, 100):
            images, y = batch(holdout_rng, min(100, args.holdout - start))
            logits.append(model(images).numpy())
            labels.append(y.numpy())
    logits = np.concatenate(logits)
    labels = np.concatenate(labels).astype(int)
    ci_rng = np.random.default_rng(7)
    metrics = {}
    for k, name in enumerate(phantom.FINDINGS):
        low, high = bootstrap_ci(logits[:, k], labels[:, k], ci_rng)
        metrics[name] = {"auc": float(auc(logits[:, k], labels[:, k])), "auc_ci95": [low, high],
                         "positives": int(labels[:, k].sum()), "n": int(len(labels))}
        print(f"{name:18s} AUC {metrics[name]['auc']:.4f} [{low:.4f}, {high:.4f}]")

    onnx_path = os.path.join(args.out, "model.onnx")
    torch.onnx.export(model, torch.zeros(1, 1, SIZE, SIZE), onnx_path, input_names=["image"], output_names=["logits"],
                      dynamic_axes={"image": {0: "batch"}, "logits": {0: "batch"}}, opset_version=13)
    parity = []
    parity_rng = np.random.default_rng(99)
    os.makedirs(os.path.join(args.out, "parity"), exist_ok=True)
    with torch.no_grad():
        for i in range(4):
            image, _ = sample(parity_rng)
            path = f"parity/sample-{i}.f32"
            image.astype("<f4").tofile(os.path.join(args.out, path))
            expected = model(torch.from_numpy(image[None, None])).numpy()[0]
            parity.append({"input": path, "expectedLogits": [float(v) for v in expected]})
    with open(os.path.join(args.out, "training.json"), "w") as out:
        json.dump({"parameters": parameters, "trainingSeconds": round(training_seconds), "steps": step,
                   "images": step * args.batch, "inputSize": SIZE, "holdout": metrics, "parity": parity,
                   "sha256": hashlib.sha256(open(onnx_path, "rb").read()).hexdigest(), "torch": torch.__version__},
                  out, indent=2)
    np.save(os.path.join(args.out, "holdout-logits.npy"), logits)
    np.save(os.path.join(args.out, "holdout-labels.npy"), labels)
    print(f"trained {parameters} parameters on {step * args.batch} images in {training_seconds:.0f}s -> {onnx_path}")


if __name__ == "__main__":
    main()
