#!/usr/bin/env bash
# Inference benchmark: the reference model and a DenseNet-121-sized model (random weights, made
# here with Debian's python3-torch), each through our engine and through a bare ONNX Runtime
# session in the same run; prints images/s, ms per image and the ratio (goal <= 1.1), then the
# preprocessing time for a 3000x2500 16-bit image and the peak resident memory.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="$(mktemp -d /tmp/cxr-bench-inference.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
cd "$ROOT"

for package in python3-torch python3-torchvision python3-onnx; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" && continue
  [[ "$(id -u)" -eq 0 ]] || { echo "install $package: sudo apt-get install -y $package"; exit 1; }
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$package" >/dev/null
done

echo "making a DenseNet-121-sized ONNX model (random weights)"
/usr/bin/python3 models/reference/make_densenet.py "$WORK/densenet121" >/dev/null 2>&1
source "$ROOT/bench/build.sh"
bench_classpath models "$WORK/classpath"
java -cp "models/target/test-classes:models/target/classes:$(cat "$WORK/classpath")" \
  -Dlogback.configurationFile=app/src/main/resources/logback.xml -Drounds="${ROUNDS:-60}" \
  org.cxrtriage.models.bench.ReferenceExtract "$WORK/reference"
java -cp "models/target/test-classes:models/target/classes:$(cat "$WORK/classpath")" \
  -Dlogback.configurationFile=app/src/main/resources/logback.xml -Drounds="${ROUNDS:-60}" \
  org.cxrtriage.models.bench.InferenceBenchmark "$WORK/reference" "$WORK/densenet121"
