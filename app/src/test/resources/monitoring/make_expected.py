#!/usr/bin/python3
"""Expected drift and feedback statistics for org.cxrtriage.app.monitoring, computed once with
Debian's python3-scipy (apt-get install python3-scipy); the Java tests read expected.json.

    cd app/src/test/resources/monitoring && /usr/bin/python3 make_expected.py

Each case names a reference profile (samples, category counts, positive rates), has a baseline period
(age and calling-AE counts, not-scored count) and a window of studies, with every value written
out, so Java and Python test the very same numbers. The decision rule (README "Monitoring") is
written out below: Bonferroni over the tests run, effect floors, Wilson lower bound for the
unreliable rate, binomial control limits for rates. scipy is the reference for the statistics:
ks_2samp, chi2_contingency (correction=False) after our pooling of sparse categories,
binom.ppf, binomtest; the Wilson interval is statsmodels' formula with scipy's norm.ppf.
"""
import json
import math

import numpy as np
import scipy
from scipy import stats

FINDINGS = ["pneumothorax", "effusion"]
NUMERIC = ["geometry.rows", "geometry.columns", "geometry.pixelSpacingMm", "intensity.p01", "intensity.p05", "intensity.p10",
           "intensity.p25", "intensity.p50", "intensity.p75", "intensity.p90", "intensity.p95", "intensity.p99"]
HEADER = ["header.manufacturer", "header.manufacturerModelName", "header.modality", "header.viewPosition",
          "header.photometricInterpretation", "header.bitsStored"]
THRESHOLDS = {"warningAlpha": 0.01, "alarmAlpha": 0.001, "minEffect": 0.1, "unreliableWarning": 0.05,
              "unreliableAlarm": 0.20, "minStudies": 50}
LEVELS = ["ok", "warning", "alarm"]


def r6(x):
    return float(round(float(x), 6))


def wilson(k, n, confidence=0.95):
    z = stats.norm.ppf(1 - (1 - confidence) / 2)
    p = k / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return [max(0.0, centre - half), min(1.0, centre + half)]


def per_test(level, m):
    return (THRESHOLDS["alarmAlpha"] if level == "alarm" else THRESHOLDS["warningAlpha"]) / max(1, m)


def floor(level):
    return THRESHOLDS["minEffect"] * (2 if level == "alarm" else 1)


def distribution_level(p, effect, m):
    for level in ("alarm", "warning"):
        if p < per_test(level, m) and effect >= floor(level):
            return level
    return "ok"


def chi_square(window, reference):
    """Our pooling rule (ChiSquare javadoc), then scipy on the pooled table."""
    wt, rt = sum(window.values()), sum(reference.values())
    grand, smaller = wt + rt, min(wt, rt)
    columns, pooled = [], [0, 0]
    any_pooled = False
    for c in sorted(set(window) | set(reference)):
        col = [window.get(c, 0), reference.get(c, 0)]
        if sum(col) == 0:
            continue
        if smaller * sum(col) / grand < 5:
            pooled[0] += col[0]
            pooled[1] += col[1]
            any_pooled = True
        else:
            columns.append(col)
    if any_pooled:
        columns.append(pooled)
    if len(columns) <= 1:
        return 0.0, 0, 1.0
    chi2, p, dof, _ = stats.chi2_contingency(np.array(columns).T, correction=False)
    return float(chi2), int(dof), float(p)


def tvd(window, reference):
    wt, rt = sum(window.values()), sum(reference.values())
    return sum(abs(window.get(c, 0) / wt - reference.get(c, 0) / rt) for c in set(window) | set(reference)) / 2


def binomial(k, n, p0, m, worst):
    limits = {}
    for level in ("warning", "alarm"):
        a = per_test(level, m)
        limits[level] = [float(stats.binom.ppf(a / 2, n, p0)) / n, float(stats.binom.ppf(1 - a / 2, n, p0)) / n]
    rate = k / n
    effect = abs(rate - p0)
    level = "ok"
    outside = lambda lim: rate < lim[0] or rate > lim[1]
    if worst == "alarm" and outside(limits["alarm"]) and effect >= floor("alarm") / 2:
        level = "alarm"
    elif outside(limits["warning"]) and effect >= floor("warning") / 2:
        level = "warning"
    return {"level": level, "tested": True, "statistic": rate, "pValue": float(stats.binomtest(k, n, p0).pvalue),
            "effect": effect, "warning": limits["warning"], "alarm": limits["alarm"] if worst == "alarm" else None,
            "interval": wilson(k, n)}


def evaluate(case):
    ref, base, window = case["reference"], case["baseline"], case["window"]
    scored = [s for s in window if s["scored"]]
    not_scored = len(window) - len(scored)
    min_values = max(5, THRESHOLDS["minStudies"] // 2)
    pending, out = [], {}
    for f in FINDINGS:
        values = [s["findings"][f][0] for s in scored if f in s["findings"]]
        if f in ref["scores"] and len(values) >= min_values:
            r = stats.ks_2samp(values, ref["scores"][f])
            pending.append(("score." + f, "ks", r.statistic, r.pvalue, r.statistic))
    for f in FINDINGS:
        n = sum(1 for s in scored if f in s["findings"])
        k = sum(1 for s in scored if f in s["findings"] and s["findings"][f][1])
        if f in ref["positiveRate"] and n >= min_values:
            pending.append(("positiveRate." + f, "binomial", k, n, ref["positiveRate"][f], "alarm"))
    for key in NUMERIC:
        values = [s["numeric"][key] for s in scored if key in s["numeric"]]
        if key in ref["numeric"] and len(values) >= min_values:
            r = stats.ks_2samp(values, ref["numeric"][key])
            pending.append(("input." + key, "ks", r.statistic, r.pvalue, r.statistic))
    baseline_ok = base["studies"] >= THRESHOLDS["minStudies"]
    ages = [s["age"] for s in scored if s.get("age") is not None]
    if baseline_ok and len(ages) >= min_values:
        reference_ages = [int(a) for a, c in base["ages"].items() for _ in range(c)]
        r = stats.ks_2samp(ages, reference_ages)
        pending.append(("input.patientAge", "ks", r.statistic, r.pvalue, r.statistic))
    for key in HEADER:
        counts = {}
        for s in scored:
            counts[s["categorical"].get(key, "")] = counts.get(s["categorical"].get(key, ""), 0) + 1
        if key in ref["categorical"] and sum(counts.values()) >= min_values:
            chi2, dof, p = chi_square(counts, ref["categorical"][key])
            pending.append((key, "chi", chi2, p, tvd(counts, ref["categorical"][key]), dof))
    callers = {}
    for s in scored:
        callers[s.get("caller") or "(none)"] = callers.get(s.get("caller") or "(none)", 0) + 1
    if baseline_ok and len(scored) >= min_values:
        chi2, dof, p = chi_square(callers, base["callers"])
        pending.append(("header.callingAeTitle", "chi", chi2, p, tvd(callers, base["callers"]), dof))
    if baseline_ok and len(scored) + not_scored >= min_values:
        pending.append(("notScoredRate", "binomial", not_scored, len(scored) + not_scored,
                        base["notScored"] / base["studies"], "warning"))
    m = len(pending)
    for p in pending:
        if p[1] == "ks":
            out[p[0]] = {"level": distribution_level(p[3], p[4], m), "tested": True, "statistic": float(p[2]),
                         "pValue": float(p[3]), "effect": float(p[4])}
        elif p[1] == "chi":
            out[p[0]] = {"level": distribution_level(p[3], p[4], m), "tested": True, "statistic": p[2], "pValue": p[3],
                         "effect": p[4], "dof": p[5]}
        else:
            out[p[0]] = binomial(p[2], p[3], p[4], m, p[5])
    judged = [s for s in scored if s.get("reliable") is not None]
    k = sum(1 for s in judged if s["reliable"] is False)
    lower, upper = wilson(k, len(judged))
    level = "alarm" if lower > THRESHOLDS["unreliableAlarm"] else "warning" if lower > THRESHOLDS["unreliableWarning"] else "ok"
    out["unreliableRate"] = {"level": level, "tested": True, "statistic": k / len(judged), "effect": k / len(judged),
                             "interval": [lower, upper]}
    status = max((s["level"] for s in out.values()), key=LEVELS.index)
    return {"comparisons": m, "status": status, "signals": out}


def study(rng, shift=0.0, reliable_p=0.98, manufacturer="ACME", positive_p=None, caller="PACS", age_loc=55):
    numeric = {"geometry.rows": float(rng.choice([2048, 2500, 3000])), "geometry.columns": float(rng.choice([2048, 2500, 3000])),
               "geometry.pixelSpacingMm": r6(rng.uniform(0.14, 0.2))}
    for i, key in enumerate(NUMERIC[3:]):
        numeric[key] = r6(min(1.0, max(0.0, (i + 0.5) / 9 + rng.normal(0, 0.05) + shift)))
    findings = {}
    for j, f in enumerate(FINDINGS):
        p = r6(rng.beta(1.2, 6 + 2 * j) if shift == 0 else min(1.0, rng.beta(1.2, 6 + 2 * j) + shift))
        threshold = 0.3
        findings[f] = [p, bool(p >= threshold) if positive_p is None else bool(rng.random() < positive_p)]
    return {"scored": True, "reliable": bool(rng.random() < reliable_p), "numeric": numeric,
            "categorical": {"header.manufacturer": manufacturer, "header.manufacturerModelName": "",
                            "header.modality": str(rng.choice(["CR", "DX"])), "header.viewPosition": str(rng.choice(["PA", "AP"], p=[0.7, 0.3])),
                            "header.photometricInterpretation": str(rng.choice(["MONOCHROME1", "MONOCHROME2"], p=[0.3, 0.7])),
                            "header.bitsStored": str(rng.choice(["12", "14", "16"]))},
            "findings": findings, "age": int(np.clip(rng.normal(age_loc, 15), 18, 99)), "caller": caller}


def reference(rng, size):
    studies = [study(rng) for _ in range(size)]
    numeric = {key: [s["numeric"][key] for s in studies] for key in NUMERIC}
    categorical = {}
    for key in HEADER:
        counts = {}
        for s in studies:
            counts[s["categorical"][key]] = counts.get(s["categorical"][key], 0) + 1
        categorical[key] = counts
    scores = {f: [s["findings"][f][0] for s in studies] for f in FINDINGS}
    positive_rate = {f: sum(1 for s in studies if s["findings"][f][1]) / size for f in FINDINGS}
    return {"numeric": numeric, "categorical": categorical, "scores": scores, "positiveRate": positive_rate}


def baseline(rng, size, not_scored):
    ages, callers = {}, {}
    for _ in range(size):
        a = int(np.clip(rng.normal(55, 15), 18, 99))
        ages[str(a)] = ages.get(str(a), 0) + 1
    callers["PACS"] = size - 30
    callers["MODALITY1"] = 30
    return {"studies": size + not_scored, "notScored": not_scored, "ages": ages, "callers": callers}


def not_scored(reason):
    return {"scored": False, "reason": reason}


def main():
    rng = np.random.default_rng(20261224)
    cases = []
    ref = reference(rng, 400)
    base = baseline(rng, 500, 25)
    window = [study(rng) for _ in range(80)] + [not_scored("lateral view only") for _ in range(4)]
    cases.append({"name": "in-distribution", "reference": ref, "baseline": base, "window": window})
    shifted = [study(rng, shift=0.25, reliable_p=0.6, manufacturer="NEWCO", positive_p=0.8, caller="NEWPACS", age_loc=30)
               for _ in range(70)] + [study(rng) for _ in range(30)]
    shifted += [not_scored("undecodable image: JPEG-LS") for _ in range(20)] + [not_scored("error: timeout") for _ in range(5)]
    cases.append({"name": "shifted", "reference": ref, "baseline": base, "window": shifted})
    # A large window and reference, an intensity shifted by a trivial amount: significant, but under the effect floor.
    big = [study(rng) for _ in range(2000)]
    big_ref = {"numeric": {"intensity.p50": [s["numeric"]["intensity.p50"] for s in big]}, "categorical": {},
               "scores": {f: [s["findings"][f][0] for s in big] for f in FINDINGS}, "positiveRate": {}}
    large = []
    for _ in range(3000):
        s = study(rng)
        large.append({"scored": True, "reliable": s["reliable"], "numeric": {"intensity.p50": r6(s["numeric"]["intensity.p50"] + 0.012)},
                      "categorical": {}, "findings": s["findings"]})
    cases.append({"name": "large-window-trivial-shift", "reference": big_ref, "baseline": {"studies": 0, "notScored": 0, "ages": {},
                  "callers": {}}, "window": large})
    few = [study(rng, shift=0.3, reliable_p=0.0) for _ in range(30)]
    cases.append({"name": "too-few-studies", "reference": ref, "baseline": base, "window": few})
    references = {"main": ref, "big": big_ref}
    for case in cases:
        if case["name"] == "too-few-studies":
            case["expected"] = {"comparisons": 0, "status": "ok", "signals": {}}
        else:
            case["expected"] = evaluate(case)
        case["reference"] = "main" if case["reference"] is ref else "big"
        if case["name"].startswith("large"):
            # Columns instead of rows, to keep this file small: the Java test reads both.
            w = case.pop("window")
            columns = {"reliable": [int(x["reliable"]) for x in w], "intensity.p50": [x["numeric"]["intensity.p50"] for x in w]}
            for f in FINDINGS:
                columns["score." + f] = [x["findings"][f][0] for x in w]
                columns["positive." + f] = [int(x["findings"][f][1]) for x in w]
            case["windowColumns"] = columns

    feedback_rng = np.random.default_rng(7)
    rows = []
    for i in range(240):
        finding = FINDINGS[i % 2]
        positive = bool(feedback_rng.random() < 0.4)
        late = i >= 160
        agree = bool(feedback_rng.random() < (0.55 if late else 0.88))
        reason = None if agree else str(feedback_rng.choice(["missed-finding", "false-positive", "poor-image", "other", "none"]))
        rows.append({"finding": finding, "positive": positive, "agree": agree, "reason": None if reason == "none" else reason,
                     "probability": r6(feedback_rng.uniform(0.3, 1.0) if positive else feedback_rng.uniform(0, 0.3))})
    expected = {}
    for f in FINDINGS:
        mine = [r for r in rows if r["finding"] == f]
        k = sum(r["agree"] for r in mine)
        positives = [r for r in mine if r["positive"]]
        negatives = [r for r in mine if not r["positive"]]
        ppv = sum(r["agree"] for r in positives)
        missed = sum(not r["agree"] for r in negatives)
        expected[f] = {"agreement": [k, len(mine)] + wilson(k, len(mine)),
                       "ppv": [ppv, len(positives)] + wilson(ppv, len(positives)),
                       "disagreedNegatives": [missed, len(negatives)] + wilson(missed, len(negatives))}
    p0, p1 = 0.15, 0.30
    s, path = 0.0, []
    for r in rows:
        s = max(0.0, s + (math.log(p1 / p0) if not r["agree"] else math.log1p(-p1) - math.log1p(-p0)))
        path.append(s)
    feedback = {"rows": rows, "p0": p0, "arl": 1000, "expected": expected, "cusumEnd": path[-1],
                "inControlRows": 160, "inControlMax": max(path[:160])}

    with open("expected.json", "w") as out:
        json.dump({"scipy": scipy.__version__, "thresholds": THRESHOLDS, "findings": FINDINGS, "references": references,
                   "cases": cases,
                   "feedback": feedback}, out, separators=(",", ":"))
    for case in cases:
        print(case["name"], case["expected"]["status"], case["expected"]["comparisons"],
              {k: v["level"] for k, v in case["expected"]["signals"].items() if v["level"] != "ok"})
    print("cusum end", path[-1], "max over the first 160", max(path[:160]))


if __name__ == "__main__":
    main()
