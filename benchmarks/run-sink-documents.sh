#!/usr/bin/env bash
# Builds and runs SinkDocumentBenchmark: what ValidatingSink spends per event before it writes,
# in-process. Mapping an event to its document (the Jackson tree), validating the document against
# the shipped syslog schema (conf-examples/schemas/syslog-event.schema.json), both together, and
# both with the valid document's one-line JSON written (check: all the sink does per event before
# it appends to a file), for typical RFC 5424 and RFC 3164 events as Sluice's sources make them:
# average time per event, with the GC profiler (bytes allocated per event).
#
#   benchmarks/run-sink-documents.sh                  # -f 1 -wi 3 -w 1s -i 5 -r 1s
#   benchmarks/run-sink-documents.sh -f 3 -i 10       # longer
#   benchmarks/run-sink-documents.sh -p format=rfc3164
#
# Arguments are passed to JMH; any of the default options given there replaces the default.
# Results: benchmarks/results/<time>-sink-documents.{json,txt}, <time>-sink-documents-machine.txt,
# and a per-event summary against the target (mapping and validation together under 1.5 us).
# Environment: SKIP_BUILD=1, WAIT_QUIET=<seconds>, JAVA, MVN, as for the other scripts here.
set -euo pipefail

# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
prepare_jar

user_args=("$@")
jmh_defaults

schema="$root/conf-examples/schemas/syslog-event.schema.json"
mkdir -p "$results"
base="$results/$(date +%Y%m%d-%H%M%S)-sink-documents"
{
  machine_record
  echo "args:        ${defaults[*]+"${defaults[*]}"} ${user_args[*]}"
  echo "schema:      $schema"
} | tee "$base-machine.txt" >&2

wait_quiet
before="$(cpu_sample)"
"$java_cmd" -jar "$jar" SinkDocumentBenchmark "${defaults[@]+"${defaults[@]}"}" "${user_args[@]}" \
  -jvmArgsAppend "-Dsluice.schema=$schema" \
  -bm avgt -tu ns -prof gc -rf json -rff "$base.json" 2>&1 | tee "$base.txt"
after="$(cpu_sample)"
echo "run:         $(others_between "$before" "$after")" | tee -a "$base-machine.txt" >&2

if command -v python3 >/dev/null 2>&1; then
  python3 - "$base.json" <<'PY'
import json, sys
rows = {}
for r in json.load(open(sys.argv[1])):
    name = r["benchmark"].rsplit(".", 1)[1]
    fmt = r.get("params", {}).get("format", "?")
    rows[(fmt, name)] = (r["primaryMetric"]["score"],
                         r["secondaryMetrics"].get("gc.alloc.rate.norm", {}).get("score", float("nan")))
print()
print(f"{'per event':<10} {'map':>16} {'validate':>16} {'map + validate':>18} {'+ JSON (check)':>18}   target: map + validate < 1500 ns")
for fmt in sorted({f for f, _ in rows}):
    cells = []
    for name in ("map", "validate", "mapAndValidate", "check"):
        ns, b = rows.get((fmt, name), (float("nan"), float("nan")))
        cells.append(f"{ns:6.0f} ns {b:5.0f} B")
    both = rows.get((fmt, "mapAndValidate"), (float("nan"),))[0]
    verdict = "met" if both < 1500 else "NOT met"
    print(f"{fmt:<10} {cells[0]:>16} {cells[1]:>16} {cells[2]:>18} {cells[3]:>18}   {verdict}")
PY
fi
echo ">> done: $base*" >&2
