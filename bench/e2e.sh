#!/usr/bin/env bash
# End-to-end benchmark: 32 associations push chest studies at once to a fresh server (H2, the
# reference model); prints the latency from the last C-STORE response to the scored Task on the
# FHIR worklist (minus the 1 s quiet period), sustained studies/s and the server's peak memory.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="$(mktemp -d /tmp/cxr-bench-e2e.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
cd "$ROOT"
mvn -B -ntp -q -Dstyle.color=never test-compile -pl app >/dev/null
mvn -B -ntp -q -Dstyle.color=never dependency:build-classpath -pl app -Dmdep.outputFile="$WORK/classpath" >/dev/null
java -cp "app/target/test-classes:app/target/classes:$(cat "$WORK/classpath")" \
  -Dassociations="${ASSOCIATIONS:-32}" -Dstudies="${STUDIES_PER_ASSOCIATION:-10}" -Drate="${RATE:-10}" \
  -Dlogback.configurationFile=app/src/main/resources/logback.xml \
  org.cxrtriage.app.bench.EndToEndBenchmark
