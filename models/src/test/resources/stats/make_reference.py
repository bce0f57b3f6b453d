#!/usr/bin/python3
"""Reference values for org.cxrtriage.models.stats, computed with Debian's python3-scipy.

Run with /usr/bin/python3 make_reference.py in this folder; it rewrites reference.json. It needs
python3-scipy and python3-mpmath (apt-get install python3-scipy python3-mpmath). The scipy
version that made the committed file is recorded in it.

Samples for the Kolmogorov-Smirnov cases are not stored: both this script and the Java test draw
them from splitmix64 with the stored seed, and transform the uniform u = (z >> 11) / 2^53 with
only +, * and floor, which round the same in Python and Java.

Where scipy is not the reference:
- Wilson interval: statsmodels' formula, written out below with scipy's norm.ppf.
- Stirling correction and deviance (internal helpers): mpmath at 40 digits.
- Regularised incomplete beta and the binomial distribution: mpmath (see incomplete_beta and
  binomial_exact); scipy is off by up to 1e-10 relative there, and is checked against mpmath.
- Chi-square pooling of sparse categories: our documented rule, written out below; scipy then
  tests the pooled table.
- CUSUM paths: the recursion written out below.
"""
import json
import math

import mpmath
import numpy as np
import scipy
from scipy import special, stats
from scipy.stats._stats_py import _attempt_exact_2kssamp  # the exact two-sided p-value of ks_2samp

MASK = (1 << 64) - 1


def splitmix64(seed, size):
    state = seed & MASK
    out = []
    for _ in range(size):
        state = (state + 0x9E3779B97F4A7C15) & MASK
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        z = z ^ (z >> 31)
        out.append((z >> 11) * 2.0 ** -53)
    return out


def sample(spec):
    """A sample from its spec: literal values, or a seeded splitmix64 transform."""
    if "values" in spec:
        return [float(v) for v in spec["values"]]
    u = splitmix64(spec["seed"], spec["size"])
    kind, loc, scale = spec["kind"], spec.get("loc", 0.0), spec.get("scale", 1.0)
    if kind == "uniform":
        return [loc + scale * x for x in u]
    if kind == "square":
        return [loc + scale * (x * x) for x in u]
    if kind == "levels":
        return [loc + math.floor(x * spec["levels"]) for x in u]
    raise ValueError(kind)


def gen(seed, size, kind="uniform", **kw):
    return dict(seed=seed, size=size, kind=kind, **kw)


def ks_cases():
    cases = [
        ("identical", dict(values=[1, 2, 3, 4, 5]), dict(values=[5, 4, 3, 2, 1])),
        ("single-elements-apart", dict(values=[1]), dict(values=[2])),
        ("single-elements-tied", dict(values=[1]), dict(values=[1])),
        ("one-against-twenty", dict(values=[0.5]), gen(11, 20)),
        ("all-tied", dict(values=[1, 1, 1]), dict(values=[1, 1, 1, 1])),
        ("ties-across", dict(values=[1, 2, 2, 3, 3, 3]), dict(values=[2, 3, 3, 4, 4, 5, 5])),
        ("levels-30-40", gen(1, 30, "levels", levels=5), gen(2, 40, "levels", levels=5)),
        ("levels-shifted", gen(3, 300, "levels", levels=7), gen(4, 500, "levels", levels=7, loc=1)),
        ("disjoint", gen(5, 50), gen(6, 60, loc=10.0)),
        ("equal-sizes-shift", gen(7, 1000), gen(8, 1000, loc=0.05)),
        ("equal-sizes-same", gen(9, 400), gen(10, 400)),
        ("typical-200-300", gen(12, 200), gen(13, 300, loc=0.1)),
        ("shape-200-300", gen(14, 200), gen(15, 300, "square")),
        ("p-near-one", gen(16, 97), gen(17, 103)),
        ("small-p", gen(18, 120), gen(19, 80, loc=0.35)),
        ("exact-3000-5000-same", gen(20, 3000), gen(21, 5000)),
        ("exact-3000-5000-shift", gen(22, 3000), gen(23, 5000, loc=0.04)),
        ("exact-boundary-10000", gen(24, 2000), gen(25, 10000, loc=0.02)),
        ("asymp-3-20000", gen(26, 3), gen(27, 20000)),
        ("asymp-50-12000", gen(28, 50), gen(29, 12000, loc=0.1)),
        ("asymp-500-12000-same", gen(30, 500), gen(31, 12000)),
        ("asymp-500-12000-shift", gen(32, 500), gen(33, 12000, loc=0.1)),
        ("asymp-5000-12000-same", gen(34, 5000), gen(35, 12000)),
        ("asymp-5000-12000-shape", gen(36, 5000), gen(37, 12000, "square")),
        ("asymp-half-even-10001", gen(38, 10001), gen(39, 10001, loc=0.01)),
        ("asymp-disjoint", gen(40, 400), gen(41, 15000, loc=2.0)),
        ("asymp-levels", gen(42, 2000, "levels", levels=10), gen(43, 30000, "levels", levels=10)),
    ]
    out = []
    for name, a_spec, b_spec in cases:
        a, b = sample(a_spec), sample(b_spec)
        result = stats.ks_2samp(a, b)
        method = "EXACT" if max(len(a), len(b)) <= 10000 else "ASYMPTOTIC"
        out.append(dict(name=name, a=a_spec, b=b_spec, statistic=float(result.statistic),
                        pValue=float(result.pvalue), method=method))
    return out


def ks_exact_grid():
    sizes = [(1, 1), (1, 2), (2, 3), (5, 5), (5, 7), (10, 15), (20, 20), (37, 61), (100, 100),
             (100, 250), (500, 501), (1000, 3000), (4000, 4000), (9999, 10000)]
    out = []
    for n1, n2 in sizes:
        g = math.gcd(n1, n2)
        lcm = n1 // g * n2
        hs = {1, lcm}
        # a wide band costs about 2 D n1 n2 steps: keep the largest sizes to small D (and D = 1)
        for d in [0.001, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.8]:
            if n1 * n2 * d <= 5e6:
                hs.add(max(1, round(d * lcm)))
        for h in sorted(hs):
            ok, d, p = _attempt_exact_2kssamp(n1, n2, g, h / lcm, "two-sided")
            if ok:
                out.append(dict(n1=n1, n2=n2, h=h, pValue=float(p)))
    return out


def kolmogorov_grid():
    out = []
    for n in [1, 2, 5, 10, 50, 140, 141, 500, 1000, 5000, 20000, 100000, 100001, 200000]:
        xs = {0.5 / n, 0.7 / n, 1.0 / n, 1.5 / n, 0.5, 0.6, 0.9, 1 - 1.5 / n, 0.999}
        for v in [0.01, 0.1, 0.5, 0.754, 0.76, 1, 2, 2.19, 2.21, 3, 4, 4.1, 10, 18, 100, 369, 371]:
            xs.add(math.sqrt(v / n))
        for c in [1.3, 1.4, 1.5]:  # the DMTW / Pelz-Good boundary n x^1.5 = 1.4
            xs.add((c / n) ** (2 / 3))
        for x in sorted(xs):
            if 0 < x < 1:
                out.append(dict(n=n, x=x, sf=float(stats.kstwo.sf(x, n))))
    return out


def smirnov_grid():
    out = []
    for n in [1, 5, 50, 500, 5000, 50000]:
        for x in [0.001, 0.01, 0.05, 0.1, 0.3, 0.5, 0.9]:
            out.append(dict(n=n, x=x, sf=float(special.smirnov(n, x))))
    return out


def special_functions():
    mpmath.mp.dps = 40
    log_gamma = [dict(x=x, value=float(special.gammaln(x)))
                 for x in [1e-10, 1e-3, 0.1, 0.5, 1, 1.5, 2, 2.5, 3.7, 10, 14.9, 15, 15.1, 100, 1e4, 1e7, 1e15]]
    gamma = []
    for a in [0.5, 1, 2.5, 10, 50.5, 500, 1e4, 1e5]:
        for x in sorted({1e-3 * a, 0.5 * a, max(a - 1, 1e-3), a, a + 1, 2 * a, 3 * a + 30, 10 * a + 50}):
            gamma.append(dict(a=a, x=x, p=float(special.gammainc(a, x)), q=float(special.gammaincc(a, x))))
    beta = []
    for a, b in [(0.5, 0.5), (1, 1), (2, 3), (0.3, 20), (20, 0.3), (10, 10), (50, 951), (400, 600), (5001, 95000)]:
        mean = a / (a + b)
        for x in sorted({1e-4, 0.5 * mean, mean, min(0.999, 1.5 * mean), 0.5, 0.9, 0.9999}):
            beta.append(dict(x=x, a=a, b=b, value=float(incomplete_beta(a, b, x))))
    normal_cdf = [dict(x=x, value=float(stats.norm.cdf(x)))
                  for x in [-38, -20, -8, -5, -1.96, -1, -1e-3, 0, 1e-8, 0.5, 1.96, 5, 8.2]]
    normal_quantile = [dict(p=p, value=float(stats.norm.ppf(p)))
                       for p in [1e-300, 1e-20, 1e-10, 1e-3, 0.025, 0.3, 0.4999, 0.5, 0.7, 0.975, 0.999, 1 - 1e-12]]
    half_log_2pi = mpmath.log(2 * mpmath.pi) / 2

    def stirling(x):
        x = mpmath.mpf(x)
        return float(mpmath.loggamma(x + 1) - (x + mpmath.mpf(1) / 2) * mpmath.log(x) + x - half_log_2pi)

    def deviance(x, m):
        x, m = mpmath.mpf(x), mpmath.mpf(m)
        return float((x * mpmath.log(x / m) if x > 0 else 0) + m - x)

    stirling_values = [dict(x=x, value=stirling(x)) for x in [1e-5, 0.5, 1, 3, 14.99, 15, 20, 1e5, 1e9]]
    deviance_values = [dict(x=x, m=m, value=deviance(x, m))
                       for x, m in [(0, 3), (10, 10), (10, 10.5), (10, 9), (1000, 1001), (5, 50), (50, 5),
                                    (1e6, 1e6 + 1), (3e5, 2e5)]]
    return dict(logGamma=log_gamma, gamma=gamma, beta=beta, normalCdf=normal_cdf,
                normalQuantile=normal_quantile, stirlingCorrection=stirling_values, deviance=deviance_values)


def incomplete_beta(a, b, x):
    """I_x(a, b) at 50 digits, by x^a (1-x)^b / (a B(a, b)) Σ_k (a+b)_k / (a+1)_k x^k on the side of
    the mean where the series converges. scipy.special.betainc (cephes) is off by 1e-10 relative at
    a = 5001, b = 95000, which is why this one is the reference."""
    with mpmath.workdps(50):
        a, b, x = mpmath.mpf(a), mpmath.mpf(b), mpmath.mpf(x)
        if x > a / (a + b):
            return 1 - incomplete_beta(b, a, 1 - x)
        term, total, k = mpmath.mpf(1), mpmath.mpf(1), 0
        while term > total * mpmath.mpf(10) ** -45:
            term *= (a + b + k) * x / (a + 1 + k)
            total += term
            k += 1
        return mpmath.exp(a * mpmath.log(x) + b * mpmath.log(1 - x) - mpmath.log(mpmath.beta(a, b))) / a * total


def binomial_exact(k, n, p):
    """pmf, cdf and sf of Bin(n, p) at k, at 40 digits: scipy's (Boost) pmf is off by up to 2e-12
    relative at n = 100000, so mpmath is the reference and scipy is only checked against it."""
    with mpmath.workdps(40):
        p = mpmath.mpf(p)
        pmf = mpmath.binomial(n, k) * p ** k * (1 - p) ** (n - k)

        def tail(start, step):
            j = start + step
            if j < 0 or j > n:
                return mpmath.mpf(0)
            term = mpmath.binomial(n, j) * p ** j * (1 - p) ** (n - j)
            total = mpmath.mpf(0)
            while 0 <= j <= n and (term > total * mpmath.mpf(10) ** -45 or total == 0):
                total += term
                if step > 0:
                    term = term * (n - j) / (j + 1) * p / (1 - p) if j < n else 0
                else:
                    term = term * j / (n - j + 1) * (1 - p) / p if j > 0 else 0
                j += step
            return total

        below, above = tail(k, -1), tail(k, +1)
        return float(pmf), float(below + pmf), float(above)


def binomial():
    distribution = []
    for n in [1, 10, 100, 1000, 100000]:
        for p in [1e-4, 0.01, 0.1, 0.5, 0.9]:
            mean, sd = n * p, math.sqrt(n * p * (1 - p))
            for k in sorted({0, 1, int(mean - 6 * sd), int(mean - 3 * sd), int(mean), int(mean + 3 * sd),
                             int(mean + 6 * sd), n - 1, n}):
                if 0 <= k <= n:
                    pmf, cdf, sf = binomial_exact(k, n, p)
                    for mine, theirs in [(pmf, stats.binom.pmf(k, n, p)), (cdf, stats.binom.cdf(k, n, p)),
                                         (sf, stats.binom.sf(k, n, p))]:
                        assert abs(mine - theirs) <= 1e-10 * abs(theirs) + 1e-300, (k, n, p, mine, theirs)
                    distribution.append(dict(k=k, n=n, p=p, pmf=pmf, cdf=cdf, sf=sf))
    limits = []
    for n in [0, 1, 10, 50, 200, 1000, 5000, 100000]:
        for p0 in [0.0, 0.001, 0.02, 0.1, 0.5, 0.97]:
            for alpha in [0.0027, 0.002, 0.05]:
                lower, upper = stats.binom.ppf([alpha / 2, 1 - alpha / 2], n, p0)
                counts = sorted({0, int(lower) - 1, int(lower), int(upper), int(upper) + 1, n})
                # outside: in the lower tail below alpha/2, or above a point where the CDF reached 1 - alpha/2
                outside = [[c, bool(stats.binom.cdf(c, n, p0) < alpha / 2 or stats.binom.cdf(c - 1, n, p0) >= 1 - alpha / 2)]
                           for c in counts if 0 <= c <= n]
                limits.append(dict(n=n, p0=p0, alpha=alpha, lower=int(lower), upper=int(upper), outside=outside))
    tests = []
    for k, n, p in [(0, 1, 0.5), (1, 1, 0.5), (3, 10, 0.5), (7, 10, 0.5), (5, 10, 0.5), (2, 10, 0.3), (3, 10, 0.3),
                    (0, 10, 0.3), (10, 10, 0.3), (4, 20, 0.05), (0, 100, 0.05), (12, 100, 0.05), (1, 100, 0.05),
                    (60, 1000, 0.05), (45, 1000, 0.05), (50, 1000, 0.05), (5000, 10000, 0.5), (4900, 10000, 0.5),
                    (4000, 10000, 0.5), (30, 100000, 1e-4), (3, 100000, 1e-4), (0, 10, 0.0), (1, 10, 0.0),
                    (10, 10, 1.0), (3, 10, 1.0), (1, 3, 1 / 3), (682, 925, 0.75)]:
        tests.append(dict(k=k, n=n, p=p, pValue=float(stats.binomtest(k, n, p).pvalue)))
    return dict(distribution=distribution, limits=limits, tests=tests)


def chi_square_cases():
    cases = [
        ("typical", dict(a=120, b=80, c=40, d=30, e=10), dict(a=1300, b=900, c=500, d=250, e=50), 0),
        ("absent-from-window", dict(a=50, b=40), dict(a=500, b=420, c=30), 0),
        ("absent-from-reference", dict(a=50, b=40, new=7), dict(a=500, b=420), 0),
        ("two-categories", dict(yes=30, no=70), dict(yes=200, no=800), 0),
        ("single-category", dict(only=30), dict(only=700), 0),
        ("same-proportions", dict(a=10, b=20, c=30), dict(a=100, b=200, c=300), 0),
        ("zero-in-both-dropped", dict(a=10, b=20, z=0), dict(a=100, b=150, z=0), 0),
        ("tiny-p", dict(a=900, b=100), dict(a=100, b=900), 0),
        ("many-categories", {f"c{i:02d}": 5 + (i * 37) % 23 for i in range(40)},
         {f"c{i:02d}": 60 + (i * 53) % 97 for i in range(40)}, 0),
        ("pooled", dict(a=60, b=40, r1=1, r2=0, r3=2), dict(a=600, b=380, r1=8, r2=5, r3=7), 5),
        ("pooled-none-needed", dict(a=60, b=40), dict(a=600, b=380), 5),
        ("pooled-all-but-one", dict(a=60, r1=1, r2=2), dict(a=600, r1=10, r2=12), 5),
        ("pooled-everything", dict(r1=1, r2=2), dict(r1=10, r2=12), 50),
    ]
    out = []
    for name, window, reference, min_expected in cases:
        names = sorted(set(window) | set(reference))
        table = np.array([[window.get(c, 0) for c in names], [reference.get(c, 0) for c in names]], dtype=float)
        keep = table.sum(axis=0) > 0
        names = [c for c, k in zip(names, keep) if k]
        table = table[:, keep]
        pooled = []
        if min_expected > 0:
            expected = np.outer(table.sum(axis=1), table.sum(axis=0)) / table.sum()
            sparse = expected.min(axis=0) < min_expected
            pooled = [c for c, s in zip(names, sparse) if s]
            if pooled:
                names = [c for c, s in zip(names, sparse) if not s] + ["(pooled)"]
                table = np.column_stack([table[:, ~sparse], table[:, sparse].sum(axis=1)])
        if table.shape[1] == 1:
            statistic, p, dof = 0.0, 1.0, 0
        else:
            statistic, p, dof, _ = stats.chi2_contingency(table, correction=False)
        out.append(dict(name=name, window=window, reference=reference, minExpected=min_expected,
                        statistic=float(statistic), degreesOfFreedom=int(dof), pValue=float(p),
                        categories=names, pooled=pooled))
    return out


def wilson_cases():
    out = []
    for k, n, confidence in [(0, 0, 0.95), (0, 1, 0.95), (1, 1, 0.95), (0, 10, 0.95), (10, 10, 0.95),
                             (3, 10, 0.95), (50, 1000, 0.95), (999, 1000, 0.95), (5, 100, 0.99),
                             (5, 100, 0.5), (123456, 1000000, 0.999), (1, 7, 0.9973)]:
        if n == 0:
            lower, upper = 0.0, 1.0  # our convention; statsmodels returns nan
        else:
            z = stats.norm.ppf(1 - (1 - confidence) / 2)
            rate = k / n
            denominator = 1 + z * z / n
            centre = (rate + z * z / (2 * n)) / denominator
            half = z * math.sqrt(rate * (1 - rate) / n + z * z / (4 * n * n)) / denominator
            lower, upper = max(0.0, centre - half), min(1.0, centre + half)
        out.append(dict(k=k, n=n, confidence=confidence, lower=lower, upper=upper))
    return out


def cusum_cases():
    def run(p0, p1, h, events):
        up, down = math.log(p1 / p0), math.log1p(-p1) - math.log1p(-p0)
        s, path, first = 0.0, [], -1
        for t, e in enumerate(events):
            s = max(0.0, s + (up if e == "1" else down))
            path.append(s)
            if first < 0 and s >= h:
                first = t
        return path, first

    def bernoulli(seed, size, rate):
        return "".join("1" if u < rate else "0" for u in splitmix64(seed, size))

    out = []
    for name, p0, p1, h, events in [
        ("all-non-events", 0.05, 0.10, 2.0, "0" * 30),
        ("all-events", 0.05, 0.10, 2.0, "1" * 5),
        ("alternating", 0.1, 0.2, 1.5, "10" * 20),
        ("burst", 0.1, 0.2, 2.5, "0000000000" + "1101110111" + "0000000000"),
        ("in-control-stream", 0.02, 0.05, 4.0, bernoulli(101, 2000, 0.02)),
        ("shifted-stream", 0.02, 0.05, 4.0, bernoulli(102, 2000, 0.06)),
    ]:
        path, first = run(p0, p1, h, events)
        out.append(dict(name=name, p0=p0, p1=p1, h=h, events=events, path=path, firstSignal=first))
    return out


def main():
    reference = dict(
        scipy=scipy.__version__,
        ks=ks_cases(),
        ksExact=ks_exact_grid(),
        kolmogorov=kolmogorov_grid(),
        smirnov=smirnov_grid(),
        special=special_functions(),
        binomial=binomial(),
        chiSquare=chi_square_cases(),
        wilson=wilson_cases(),
        cusum=cusum_cases(),
    )
    with open("reference.json", "w") as out:
        json.dump(reference, out, indent=1, allow_nan=False)
        out.write("\n")


if __name__ == "__main__":
    main()
