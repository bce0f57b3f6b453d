#!/usr/bin/python3
"""Expected paths of a canary's disagreement CUSUM (org.cxrtriage.app.monitoring.CanaryDisagreement),
written out once with numpy; the Java test reads canary_expected.json.

    cd app/src/test/resources/monitoring && /usr/bin/python3 make_canary_expected.py

Each case is a sequence of studies scored by both versions, as (canary critical, active critical),
drawn with a fixed seed: an in-control stretch where they disagree at p0, then, for some cases, a
stretch where they disagree at 3 p0. The chart is the Bernoulli CUSUM written out below,
S_t = max(0, S_(t-1) + w_t), w_t = ln(p1/p0) on a disagreement and ln((1-p1)/(1-p0)) otherwise,
p1 = 2 p0. S after every study is recorded, so Java and Python test the very same numbers.
"""
import json
import math

import numpy as np


def case(name, rng, p0, in_control, shifted):
    pairs = []
    for i in range(in_control + shifted):
        rate = p0 if i < in_control else min(0.9, 3 * p0)
        active = bool(rng.random() < 0.2)
        disagree = bool(rng.random() < rate)
        pairs.append([active != disagree, active])
    p1 = 2 * p0
    s, path = 0.0, []
    for canary, active in pairs:
        s = max(0.0, s + (math.log(p1 / p0) if canary != active else math.log1p(-p1) - math.log1p(-p0)))
        path.append(s)
    return {"name": name, "p0": p0, "pairs": [[int(c), int(a)] for c, a in pairs], "path": path,
            "disagreements": sum(c != a for c, a in pairs), "inControl": in_control}


def main():
    rng = np.random.default_rng(14)
    cases = [case("in-control-only", rng, 0.05, 400, 0),
             case("shift-after-300", rng, 0.05, 300, 150),
             case("higher-rate-shift", rng, 0.15, 200, 100)]
    with open("canary_expected.json", "w") as out:
        json.dump({"numpy": np.__version__, "arl": 1000, "cases": cases}, out, separators=(",", ":"))
    for c in cases:
        print(c["name"], "disagreements", c["disagreements"], "of", len(c["pairs"]), "max S in control",
              max(c["path"][:c["inControl"]]), "end", c["path"][-1])


if __name__ == "__main__":
    main()
