#!/usr/bin/env bash
# End-to-end benchmark: 32 associations push chest studies at once to a fresh server (H2, the
# reference model); prints the latency from the last C-STORE response to the scored Task on the
# FHIR worklist (minus the 1 s quiet period), sustained studies/s, storescu failures and the
# server's peak memory. --rate 5,10,20 runs each rate on a fresh server and prints the capacity:
# the highest rate whose p95 stays under 1 s with nothing lost. Exits non-zero when a push failed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="$(mktemp -d /tmp/cxr-bench-e2e.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
cd "$ROOT"
RATE="${RATE:-10}"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rate) RATE="${2:?--rate needs studies/s, or a list such as 5,10,20 to find the capacity}"; shift 2 ;;
    *) echo "bench e2e: unknown option '$1' (use --rate R or --rate R1,R2,...)" >&2; exit 2 ;;
  esac
done
source "$ROOT/bench/build.sh"
bench_classpath app "$WORK/classpath"
java -cp "app/target/test-classes:app/target/classes:$(cat "$WORK/classpath")" \
  -Dassociations="${ASSOCIATIONS:-32}" -Dstudies="${STUDIES_PER_ASSOCIATION:-10}" -Drate="$RATE" -DpollMillis="${POLL_MILLIS:-250}" \
  -Dlogback.configurationFile=app/src/main/resources/logback.xml \
  org.cxrtriage.app.bench.EndToEndBenchmark
