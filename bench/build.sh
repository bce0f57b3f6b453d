#!/usr/bin/env bash
# Sourced by the benchmarks: builds MODULE and the modules it depends on (a fresh clone has none of
# them in the local repository), then writes MODULE's test classpath, siblings included, to FILE.
# Maven's own output stays visible on failure, and the benchmark stops with its exit code.
bench_classpath() {
  local module="$1" file="$2" log
  log="$(mktemp)"
  if ! mvn -B -ntp -q -Dstyle.color=never -DskipTests test-compile dependency:build-classpath -pl "$module" -am \
      -Dmdep.outputFile="$file" -Dmdep.includeScope=test >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    echo "bench: could not build $module (see Maven's output above)" >&2
    exit 1
  fi
  rm -f "$log"
}
