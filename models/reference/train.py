#!/usr/bin/python3
"""Trains the cxr-triage reference model on synthetic phantoms and exports it to ONNX.

Debian packages only: python3-torch, python3-numpy, python3-scipy, python3-onnx. The model is for
testing the system end to end. It has never seen a real radiograph and is NOT FOR CLINICAL USE.

Every training image is a phantom.py anatomy (with a wider body habitus) seen through a randomised
acquisition (acquisition.py: transfer curve, scatter, blur and edge enhancement, noise, grid lines,
collimation, burned-in lettering, geometry), so the model does not learn one generator's look.
Rendering is the slow part, so a worker process keeps a pool of rendered anatomies, replaces a
few with fresh ones for every batch and gives each pooled anatomy a new acquisition every time.

The ONNX file has two outputs: "logits" (one per finding) and "embedding" (the pooled
penultimate-layer features the reliability verdict compares with its reference profile).

    /usr/bin/python3 models/reference/train.py --out models/reference/out --minutes 26
"""
import argparse
import hashlib
import json
import os
import time

import numpy as np
import torch
import torch.nn as nn

import acquisition
import phantom

SIZE = 160
RENDER = 192


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
    """A small ResNet: 1-channel input, one logit per finding. The stem reduces 160 x 160 to
    40 x 40 (strided convolution, then max pooling) as ImageNet ResNets do, which makes a training
    step about four times cheaper than a stride-2 stem on the shared 2-core machine; the widths are
    small for the same reason (0.7 M parameters: about 0.45 CPU-seconds per batch of 48)."""

    def __init__(self, findings=len(phantom.FINDINGS), widths=(16, 32, 64, 128)):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(1, widths[0], 5, 2, 2, bias=False), nn.BatchNorm2d(widths[0]), nn.ReLU(),
                                  nn.MaxPool2d(3, 2, 1))
        layers, cin = [], widths[0]
        for i, w in enumerate(widths):
            layers += [Block(cin, w, 1 if i == 0 else 2), Block(w, w, 1)]
            cin = w
        self.body = nn.Sequential(*layers)
        self.head = nn.Linear(cin, findings)

    def forward(self, x):
        """Returns (logits, embedding); the embedding is the pooled features the head reads."""
        embedding = torch.flatten(nn.functional.adaptive_avg_pool2d(self.body(self.stem(x)), 1), 1)
        return self.head(embedding), embedding


def anatomy(rng):
    """A rendered density image (RENDER x RENDER) with a wide habitus, and its labels."""
    geometry = acquisition.habitus(rng)
    findings = phantom.Findings.random(rng, geometry)
    return phantom.render(RENDER, geometry, findings, noise=0.002 + 0.006 * rng.random(), rng=rng), findings.labels()


def varied_sample(rng, density=None, labels=None):
    """A model input from a randomised acquisition (the training distribution)."""
    if density is None:
        density, labels = anatomy(rng)
    return phantom.window_and_normalise(acquisition.acquire(density, rng)), labels


def plain_sample(rng):
    """A model input as the original generator draws it (phantom.expose): the first hold-out."""
    geometry = phantom.Geometry.random(rng)
    findings = phantom.Findings.random(rng, geometry)
    density = phantom.render(SIZE, geometry, findings, noise=0.004 + 0.02 * rng.random(), rng=rng)
    return phantom.window_and_normalise(phantom.expose(density, rng)), findings.labels()


def batch(rng, n, make):
    images, labels = zip(*(make(rng) for _ in range(n)))
    return torch.from_numpy(np.stack(images)[:, None]), torch.tensor(labels, dtype=torch.float32)


class PhantomStream(torch.utils.data.IterableDataset):
    """Endless training batches made in a worker process while the model trains: a pool of
    rendered anatomies, `fresh` of them replaced per batch, each drawn with a new acquisition."""

    def __init__(self, seed, batch_size, pool_size, fresh):
        self.seed = seed
        self.batch_size = batch_size
        self.pool_size = pool_size
        self.fresh = fresh

    def __iter__(self):
        info = torch.utils.data.get_worker_info()
        rng = np.random.default_rng(self.seed + (info.id if info else 0) * 7919)
        pool = [anatomy(rng) for _ in range(self.batch_size)]
        while True:
            for _ in range(self.fresh):
                if len(pool) < self.pool_size:
                    pool.append(anatomy(rng))
                else:
                    pool[rng.integers(0, len(pool))] = anatomy(rng)
            chosen = rng.integers(0, len(pool), self.batch_size)
            images, labels = zip(*(varied_sample(rng, *pool[k]) for k in chosen))
            yield torch.from_numpy(np.stack(images)[:, None]), torch.tensor(labels, dtype=torch.float32)


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


def evaluate(model, make, rng, count):
    logits, labels = [], []
    with torch.no_grad():
        for start in range(0, count, 100):
            images, y = batch(rng, min(100, count - start), make)
            logits.append(model(images)[0].numpy())
            labels.append(y.numpy())
    return np.concatenate(logits), np.concatenate(labels).astype(int)


def holdout_metrics(logits, labels, name):
    ci_rng = np.random.default_rng(7)
    metrics = {}
    for k, finding in enumerate(phantom.FINDINGS):
        low, high = bootstrap_ci(logits[:, k], labels[:, k], ci_rng)
        metrics[finding] = {"auc": float(auc(logits[:, k], labels[:, k])), "auc_ci95": [low, high],
                            "positives": int(labels[:, k].sum()), "n": int(len(labels))}
        print(f"{name:7s} {finding:18s} AUC {metrics[finding]['auc']:.4f} [{low:.4f}, {high:.4f}]", flush=True)
    return metrics


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    parser.add_argument("--minutes", type=float, default=12)
    parser.add_argument("--batch", type=int, default=48)
    parser.add_argument("--holdout", type=int, default=1500)
    parser.add_argument("--pool", type=int, default=4000, help="rendered anatomies kept for re-acquisition")
    parser.add_argument("--fresh", type=int, default=6, help="new anatomies rendered per batch")
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
    stream = iter(torch.utils.data.DataLoader(PhantomStream(args.seed, args.batch, args.pool, args.fresh), batch_size=None,
                                              num_workers=1, prefetch_factor=4))
    while time.time() - started < budget:
        progress = (time.time() - started) / budget
        for group in optimiser.param_groups:
            group["lr"] = 2e-3 * 0.5 * (1 + np.cos(np.pi * progress)) + 2e-5
        images, labels = next(stream)
        model.train()
        loss = loss_fn(model(images)[0], labels)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        step += 1
        if step % 25 == 0:
            print(f"step {step} images {step * args.batch} loss {loss.item():.4f} elapsed {time.time() - started:.0f}s", flush=True)
    training_seconds = time.time() - started

    model.eval()
    metrics = {}
    for name, make, seed in (("plain", plain_sample, args.seed + 1), ("varied", varied_sample, args.seed + 2)):
        logits, labels = evaluate(model, make, np.random.default_rng(seed), args.holdout)
        metrics[name] = holdout_metrics(logits, labels, name)
        np.save(os.path.join(args.out, f"holdout-{name}-logits.npy"), logits)
        np.save(os.path.join(args.out, f"holdout-{name}-labels.npy"), labels)

    torch.save(model.state_dict(), os.path.join(args.out, "model.pt"))
    onnx_path = os.path.join(args.out, "model.onnx")
    torch.onnx.export(model, torch.zeros(1, 1, SIZE, SIZE), onnx_path, input_names=["image"],
                      output_names=["logits", "embedding"],
                      dynamic_axes={"image": {0: "batch"}, "logits": {0: "batch"}, "embedding": {0: "batch"}},
                      opset_version=13)
    parity = []
    parity_rng = np.random.default_rng(99)
    os.makedirs(os.path.join(args.out, "parity"), exist_ok=True)
    with torch.no_grad():
        for i in range(4):
            image, _ = (plain_sample if i < 2 else varied_sample)(parity_rng)
            path = f"parity/sample-{i}.f32"
            image.astype("<f4").tofile(os.path.join(args.out, path))
            expected, embedding = model(torch.from_numpy(image[None, None]))
            parity.append({"input": path, "expectedLogits": [float(v) for v in expected.numpy()[0]],
                           "expectedEmbedding": [float(v) for v in embedding.numpy()[0]]})
    with open(os.path.join(args.out, "training.json"), "w") as out:
        json.dump({"parameters": parameters, "trainingSeconds": round(training_seconds), "steps": step,
                   "images": step * args.batch, "inputSize": SIZE, "embeddingSize": model.head.in_features,
                   "holdout": metrics, "parity": parity,
                   "sha256": hashlib.sha256(open(onnx_path, "rb").read()).hexdigest(), "torch": torch.__version__},
                  out, indent=2)
    print(f"trained {parameters} parameters on {step * args.batch} images in {training_seconds:.0f}s -> {onnx_path}")


if __name__ == "__main__":
    main()
