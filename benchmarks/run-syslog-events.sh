#!/usr/bin/env bash
# Builds and runs SyslogEventBenchmark: making one Flume event from one received syslog message,
# in-process, with the syslog benchmark's messages. Sluice's SyslogEvents (parse, the contract's
# headers, the body) beside what Flume's multiport_syslogtcp does per line (decode the bytes, then
# org.apache.flume.source.SyslogParser), in one run: average time per event, with the GC profiler
# (bytes allocated per event).
#
#   benchmarks/run-syslog-events.sh                  # -f 3 -wi 3 -w 1s -i 5 -r 1s
#   benchmarks/run-syslog-events.sh -f 5 -i 10       # longer
#
# Arguments are passed to JMH; any of the default options given there replaces the default.
# Results: benchmarks/results/<time>-events.{json,txt}, <time>-events-machine.txt, and the
# Flume/Sluice ratio printed at the end. Environment: SKIP_BUILD=1, WAIT_QUIET=<seconds>, JAVA,
# MVN, as for the other scripts here.
set -euo pipefail

# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
prepare_jar

user_args=("$@")
has_opt -f || user_args+=(-f 3) # forks: the JIT's choices differ from one JVM to the next
jmh_defaults

mkdir -p "$results"
base="$results/$(date +%Y%m%d-%H%M%S)-events"
{
  machine_record
  echo "args:        ${defaults[*]+"${defaults[*]}"} ${user_args[*]}"
} | tee "$base-machine.txt" >&2

wait_quiet
before="$(cpu_sample)"
"$java_cmd" -jar "$jar" SyslogEventBenchmark "${defaults[@]+"${defaults[@]}"}" "${user_args[@]}" \
  -bm avgt -tu ns -prof gc -rf json -rff "$base.json" 2>&1 | tee "$base.txt"
after="$(cpu_sample)"
echo "run:         $(others_between "$before" "$after")" | tee -a "$base-machine.txt" >&2

if command -v python3 >/dev/null 2>&1; then
  python3 - "$base.json" <<'PY'
import json, sys
rows = {r["benchmark"].rsplit(".", 1)[1]: r for r in json.load(open(sys.argv[1]))}
def ns(name): return rows[name]["primaryMetric"]["score"]
def alloc(name): return rows[name]["secondaryMetrics"]["gc.alloc.rate.norm"]["score"]
print(f"\nper event: Sluice {ns('sluice'):.0f} ns, {alloc('sluice'):.0f} B allocated; "
      f"Flume multiport {ns('flumeMultiport'):.0f} ns, {alloc('flumeMultiport'):.0f} B; "
      f"Sluice is {ns('flumeMultiport') / ns('sluice'):.2f}x as fast")
PY
fi
echo ">> done: $base*" >&2
