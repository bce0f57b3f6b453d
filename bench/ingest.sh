#!/usr/bin/env bash
# Ingest benchmark: the same N synthetic ~5 MB instances pushed by DCMTK storescu over 1 and over
# 4 parallel associations, to cxr-triage (durability on: fsync + database commit before each
# response) and to DCMTK storescp (the reference, no fsync) in the same run. Prints instances/s,
# MB/s, the ratio ours/storescp, and the server's peak resident memory.
set -euo pipefail

N="${1:-100}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="$(mktemp -d /tmp/cxr-bench-ingest.XXXXXX)"
OUR_DICOM=11190 OUR_HTTP=8190 REF_PORT=11191
SERVER_PID="" REF_PID=""
cleanup() {
  [[ -n "$SERVER_PID" ]] && kill "$SERVER_PID" 2>/dev/null || true
  [[ -n "$REF_PID" ]] && kill "$REF_PID" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

cd "$ROOT"
source "$ROOT/bench/build.sh"
bench_classpath test-data "$WORK/classpath"
CP="$(cat "$WORK/classpath")"
echo "generating 2 x $N instances (1600x1600, 16-bit, ~5 MB each) in $WORK"
for set in single parallel; do
  java -cp "test-data/target/classes:$CP" org.cxrtriage.testdata.GeneratePhantoms "$WORK/$set" "$N" 1600 "$((N / 5 > 0 ? N / 5 : 1))" >/dev/null
done
MB="$(du -sm "$WORK/single" | cut -f1)"

TRIAGE_DATA_DIR="$WORK/ours" TRIAGE_DICOM_PORT=$OUR_DICOM TRIAGE_HTTP_PORT=$OUR_HTTP TRIAGE_SPOOL_MIN_FREE_MB=0 \
  java ${TRIAGE_JAVA_OPTS:--Xmx1g} -jar app/target/cxr-triage.jar >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
mkdir -p "$WORK/reference"
storescp --fork -aet CXRTRIAGE -od "$WORK/reference" $REF_PORT >"$WORK/storescp.log" 2>&1 &
REF_PID=$!
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$OUR_HTTP/health" >/dev/null && break
  sleep 0.5
done
curl -sf "http://127.0.0.1:$OUR_HTTP/health" >/dev/null || { echo "server did not start"; cat "$WORK/server.log"; exit 1; }
# A read-only FHIR client to see when triage has finished (added while the server runs, as IT would).
BENCH_PASSWORD="bench-$(date +%s%N)"
echo "$BENCH_PASSWORD" | java -cp app/target/cxr-triage.jar org.cxrtriage.app.cli.TriageCli user add bench \
  --role INTEGRATION --password-stdin --data-dir "$WORK/ours" >/dev/null
# A password set for someone else reads no patient data until its owner sets their own.
OWN_PASSWORD="$BENCH_PASSWORD-own"
curl -sf -u "bench:$BENCH_PASSWORD" -H 'Content-Type: application/json' -X POST \
  -d "{\"current\":\"$BENCH_PASSWORD\",\"password\":\"$OWN_PASSWORD\"}" \
  "http://127.0.0.1:$OUR_HTTP/api/me/password" >/dev/null || { echo "bench: could not set the bench user's own password"; exit 1; }
BENCH_PASSWORD="$OWN_PASSWORD"

# push PORT SET ASSOCIATIONS -> elapsed seconds
push() {
  local port=$1 set=$2 parallel=$3 start end i
  mapfile -t files < <(ls "$WORK/$set"/*.dcm)
  start=$(date +%s.%N)
  for ((i = 0; i < parallel; i++)); do
    storescu -aec CXRTRIAGE -aet BENCH 127.0.0.1 "$port" $(printf '%s\n' "${files[@]}" | awk -v n="$parallel" -v k="$i" 'NR % n == k') \
      >"$WORK/storescu-$port-$set-$i.log" 2>&1 &
  done
  wait $(jobs -p | grep -v -e "^$SERVER_PID$" -e "^$REF_PID$") 2>/dev/null || true
  end=$(date +%s.%N)
  if grep -q "E: " "$WORK"/storescu-"$port"-"$set"-*.log; then
    echo "storescu reported errors against port $port:"; grep "E: " "$WORK"/storescu-"$port"-"$set"-*.log | head; exit 1
  fi
  awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f", e - s }'
}

# The server triages what it receives; let it finish before the next timed push, so each push
# measures ingest rather than ingest competing with the previous push's triage.
await_triage() {
  local expected=$1 total=0
  for _ in $(seq 1 600); do
    total=$(curl -sf -u "bench:$BENCH_PASSWORD" "http://127.0.0.1:$OUR_HTTP/fhir/Task?_count=1&_summary=count" | sed -E 's/.*"total":([0-9]+).*/\1/' || echo 0)
    [[ "$total" -ge "$expected" ]] && return 0
    sleep 0.5
  done
  echo "triage did not finish ($total of $expected studies); last answer:"
  curl -s -u "bench:$BENCH_PASSWORD" "http://127.0.0.1:$OUR_HTTP/fhir/Task?_count=1&_summary=count" | head -c 400; echo
  exit 1
}

STUDIES_PER_SET=$((N / 5 > 0 ? N / 5 : 1))
printf '\n%-24s %12s %10s %12s %10s %8s\n' "case" "ours inst/s" "ours MB/s" "storescp i/s" "ref MB/s" "ratio"
for parallel in 1 4; do
  set=$([[ $parallel == 1 ]] && echo single || echo parallel)
  ref=$(push $REF_PORT "$set" "$parallel")
  ours=$(push $OUR_DICOM "$set" "$parallel")
  awk -v n="$N" -v mb="$MB" -v o="$ours" -v r="$ref" -v p="$parallel" 'BEGIN {
    printf "%-24s %12.1f %10.1f %12.1f %10.1f %8.2f\n", p " association(s), N=" n, n / o, mb / o, n / r, mb / r, r / o }'
  await_triage $(( (parallel == 1 ? 1 : 2) * STUDIES_PER_SET ))
done
stored=$(find "$WORK/ours/spool" -name '*.dcm' | wc -l)
peak_kb=$(awk '/VmHWM/ { print $2 }' "/proc/$SERVER_PID/status")
echo
echo "instances in our spool: $stored of $((2 * N)); server peak resident memory: $((peak_kb / 1024)) MiB"
[[ "$stored" -eq $((2 * N)) ]] || { echo "instances missing from the spool"; exit 1; }
