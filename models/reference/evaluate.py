#!/usr/bin/python3
"""Turns the Java evaluation harness's CSV files (one row per DICOM file, scored and judged by the
server's own code) into the model card's tables. Debian packages: python3-numpy.

    /usr/bin/python3 models/reference/evaluate.py WORK_DIR > evaluation.md

WORK_DIR is the folder evaluate.sh fills: new.csv and old.csv (harness output for the new and the
previous reference model) and the data sets with their labels.csv.
"""
import csv
import math
import os
import sys
from collections import OrderedDict

import numpy as np

FINDINGS = ["pneumothorax", "pleural_effusion", "consolidation", "cardiomegaly", "nodule_mass", "pneumoperitoneum"]
Z95 = 1.959963984540054


def load(path):
    with open(path) as f:
        return list(csv.DictReader(f))


def labels(folder):
    table = {}
    path = os.path.join(folder, "labels.csv")
    if not os.path.exists(path):
        return table
    with open(path) as f:
        for row in csv.DictReader(f):
            table[row["study_instance_uid"]] = [int(row[k]) for k in FINDINGS]
    return table


def delong(scores, truth):
    """AUC and its DeLong 95% interval."""
    scores, truth = np.asarray(scores, float), np.asarray(truth, int)
    pos, neg = scores[truth == 1], scores[truth == 0]
    m, n = len(pos), len(neg)
    v10 = np.array([(np.sum(neg < p) + 0.5 * np.sum(neg == p)) / n for p in pos])
    v01 = np.array([(np.sum(pos > q) + 0.5 * np.sum(pos == q)) / m for q in neg])
    auc = v10.mean()
    se = math.sqrt(np.var(v10, ddof=1) / m + np.var(v01, ddof=1) / n)
    return auc, max(0.0, auc - Z95 * se), min(1.0, auc + Z95 * se)


def wilson(k, n):
    if n == 0:
        return 0.0, 1.0
    p = k / n
    centre = (p + Z95 ** 2 / (2 * n)) / (1 + Z95 ** 2 / n)
    half = Z95 * math.sqrt(p * (1 - p) / n + Z95 ** 2 / (4 * n * n)) / (1 + Z95 ** 2 / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def ece(probabilities, truth, bins=10):
    probabilities, truth = np.asarray(probabilities), np.asarray(truth)
    index = np.minimum(bins - 1, (probabilities * bins).astype(int))
    return sum(abs(probabilities[index == b].sum() - truth[index == b].sum()) for b in range(bins)) / len(truth)


def rows_of(results, name):
    return [r for r in results if r["set"] == name]


def scored(rows, table):
    """(probabilities, raws, labels) of the decodable rows that have labels."""
    p, raw, y = [], [], []
    for r in rows:
        if r["decodable"] == "true" and r["study_uid"] in table:
            p.append([float(r["p_" + k]) for k in FINDINGS])
            raw.append([float(r["raw_" + k]) for k in FINDINGS])
            y.append(table[r["study_uid"]])
    return np.array(p), np.array(raw), np.array(y)


def auc_table(title, sets):
    """sets: name -> (raw scores, labels)."""
    names = list(sets)
    print(f"\n**{title}** (AUC with DeLong 95% CI; n = " + ", ".join(f"{n} {len(sets[n][1])}" for n in names) + ")\n")
    print("| finding | " + " | ".join(names) + " |")
    print("|---|" + "---|" * len(names))
    for k, finding in enumerate(FINDINGS):
        cells = []
        for name in names:
            raw, y = sets[name]
            auc, low, high = delong(raw[:, k], y[:, k])
            cells.append(f"{auc:.3f} [{low:.3f}-{high:.3f}]")
        print(f"| {finding} | " + " | ".join(cells) + " |")


def calibration_table(p, y, thresholds):
    print("\n| finding | prevalence | mean calibrated p | ECE | Brier | threshold | sensitivity [95% CI] | specificity [95% CI] |")
    print("|---|---|---|---|---|---|---|---|")
    for k, finding in enumerate(FINDINGS):
        t = thresholds.get(finding)
        positive = p[:, k] >= t
        tp, pos = int(np.sum(positive & (y[:, k] == 1))), int(np.sum(y[:, k] == 1))
        tn, neg = int(np.sum(~positive & (y[:, k] == 0))), int(np.sum(y[:, k] == 0))
        sl, sh = wilson(tp, pos)
        cl, ch = wilson(tn, neg)
        print(f"| {finding} | {y[:, k].mean():.3f} | {p[:, k].mean():.3f} | {ece(p[:, k], y[:, k]):.3f} | "
              f"{np.mean((p[:, k] - y[:, k]) ** 2):.3f} | {t:.3f} | {tp / pos:.3f} [{sl:.3f}-{sh:.3f}] | "
              f"{tn / neg:.3f} [{cl:.3f}-{ch:.3f}] |")


def verdict_line(name, rows, image_only=False):
    decodable = [r for r in rows if r["decodable"] == "true"]
    column = "reliable_image_only" if image_only else "reliable"
    unreliable = sum(1 for r in decodable if r[column] == "false")
    low, high = wilson(unreliable, len(decodable))
    fired = {}
    for r in decodable:
        if r[column] == "false":
            for signal in r["fired_image_only" if image_only else "fired"].split():
                fired[signal] = fired.get(signal, 0) + 1
    signals = ", ".join(f"{s} {c}" for s, c in sorted(fired.items(), key=lambda kv: -kv[1]))
    rate = unreliable / len(decodable) if decodable else float("nan")
    return (f"| {name} | {len(rows)} | {len(decodable)} | {unreliable} | {rate:.3f} [{low:.3f}-{high:.3f}] | "
            f"{signals} |")


def main(work):
    new = load(os.path.join(work, "new.csv"))
    old = load(os.path.join(work, "old.csv"))
    sets = OrderedDict((name, labels(os.path.join(work, name))) for name in ["indist-test", "plain-test", "evalgen"])

    print("## Discrimination")
    auc_table("New model (2.x), DICOM through the server's decoder and preprocessing",
              OrderedDict((name, scored(rows_of(new, name), sets[name])[1:]) for name in sets))
    auc_table("Previous model (1.0.0), same files",
              OrderedDict((name, scored(rows_of(old, name), sets[name])[1:]) for name in sets))

    thresholds = {}
    for r in load(os.path.join(work, "thresholds.csv")):
        thresholds[r["finding"]] = float(r["threshold"])
    print("\n## Calibration on the independent generator (new model, its shipped calibration)")
    p, _, y = scored(rows_of(new, "evalgen"), sets["evalgen"])
    calibration_table(p, y, thresholds)
    print("\n## Calibration on held-out training-generator phantoms (new model)")
    p, _, y = scored(rows_of(new, "indist-test"), sets["indist-test"])
    calibration_table(p, y, thresholds)

    print("\n## Previous model on the independent generator: normal studies")
    p_old, _, y_old = scored(rows_of(old, "evalgen"), sets["evalgen"])
    p_new, _, y_new = scored(rows_of(new, "evalgen"), sets["evalgen"])
    print("\n| finding | previous model: mean p on studies without it | at or above 0.95 | new model: mean p | at or above 0.95 |")
    print("|---|---|---|---|---|")
    for k, finding in enumerate(FINDINGS):
        o, n = p_old[y_old[:, k] == 0, k], p_new[y_new[:, k] == 0, k]
        print(f"| {finding} | {o.mean():.3f} | {np.mean(o >= 0.95):.3f} | {n.mean():.3f} | {np.mean(n >= 0.95):.3f} |")
    normal_old = p_old[y_old.sum(axis=1) == 0]
    normal_new = p_new[y_new.sum(axis=1) == 0]
    print(f"\nStudies with no finding at all: {len(normal_old)}; previous model calls at least one finding at or above 0.95"
          f" in {np.mean((normal_old >= 0.95).any(axis=1)):.3f} of them, the new model in "
          f"{np.mean((normal_new >= 0.95).any(axis=1)):.3f}.")

    print("\n## Reliability verdict (Java ReliabilityCheck, as the server runs it)\n")
    print("| set | files | decodable | unreliable | rate [95% CI] | signals that fired |")
    print("|---|---|---|---|---|---|")
    names = sorted({r["set"] for r in new}, key=lambda n: (not n.startswith("indist"), not n.startswith("plain"),
                                                            n.startswith("evalgen"), n))
    for name in names:
        print(verdict_line(name, rows_of(new, name)))
    print("\nImage only (header treated as unknown, so only the image's embedding, statistics and the output decide):\n")
    print("| set | files | decodable | unreliable | rate [95% CI] | signals that fired |")
    print("|---|---|---|---|---|---|")
    for name in names:
        print(verdict_line(name, rows_of(new, name), image_only=True))
    shifted = [r for r in new if r["set"].startswith("shift-") and r["decodable"] == "true"]
    caught = sum(1 for r in shifted if r["reliable"] == "false")
    low, high = wilson(caught, len(shifted))
    print(f"\nAll synthetic shifts together: {caught} of {len(shifted)} detected ({caught / len(shifted):.3f}, "
          f"95% CI {low:.3f}-{high:.3f}).")
    print("\nPrevious model (no reference profile: output plausibility only):\n")
    print("| set | files | decodable | unreliable | rate [95% CI] | signals that fired |")
    print("|---|---|---|---|---|---|")
    for name in names:
        print(verdict_line(name, rows_of(old, name)))
    micros = sorted(int(r["judge_micros"]) for r in new if r["judge_micros"])
    print(f"\nJudging one observation in the harness: median {micros[len(micros) // 2] / 1000:.3f} ms "
          f"(p90 {micros[int(len(micros) * 0.9)] / 1000:.3f} ms) over {len(micros)} studies.")


if __name__ == "__main__":
    main(sys.argv[1])
