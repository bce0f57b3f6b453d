#!/usr/bin/env bash
# Monitoring statistics benchmark (models/src/test/.../stats/StatsBenchmark.java): ms per call of
# the Kolmogorov-Smirnov test at window/reference sizes from 500 to 50,000, with its ratio to only
# sorting the two samples in the same run, then the chi-square, binomial, Wilson and CUSUM calls.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source "$ROOT/bench/build.sh"
bench_classpath models "$(mktemp /tmp/cxr-bench-stats.XXXXXX)"
java -cp "models/target/test-classes:models/target/classes" -Drounds="${ROUNDS:-30}" \
  org.cxrtriage.models.stats.StatsBenchmark
