#!/usr/bin/env bash
# Builds and runs the rate-limit governor benchmarks (GovernorBenchmark, InterceptorBenchmark, and
# BaselineBenchmark, the machine's controls for reading them).
#
#   benchmarks/run-governor.sh                       # all three, short default settings
#   benchmarks/run-governor.sh GovernorBenchmark.flood -i 10 -prof stack
#   SKIP_BUILD=1 MODES=avgt benchmarks/run-governor.sh oneKey
#
# Arguments are passed to JMH (java -jar benchmarks/target/benchmarks.jar -h lists them); without a
# benchmark name or regex among them, the three above run (not the jar's other benchmarks). Any of the
# default options (-f 1 -wi 3 -w 1s -i 5 -r 1s) given there replaces the default; write options
# with a space before their value ("-i 10", not "-i10").
#
# Two passes, unless the arguments pick a mode with -bm: average time in ns/op with the GC
# profiler (allocation per op, GC counts), then throughput in ops/s. MODES="avgt" or "thrpt"
# runs one of them. Results go to benchmarks/results/<time>-<mode>.{json,txt}, plus a markdown
# summary when python3 is there.
#
# Environment: SKIP_BUILD=1 uses the jar as built; WAIT_QUIET=<seconds> waits up to that long
# before each pass for other work on the machine to stop; JAVA (default: java on the PATH); MVN
# (default: mvn). results/<time>-machine.txt records the machine, and for each pass how many cores
# other work used meanwhile: on a shared machine, read the numbers with that in mind.
set -euo pipefail

# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
prepare_jar

user_args=("$@")
# A plain argument (not an option, nor an option's value) names benchmarks; JMH's options all take a
# value except these flags.
named=0
expect_value=0
for a in "$@"; do
  if ((expect_value)); then
    expect_value=0
  elif [[ "$a" == -* ]]; then
    case "$a" in
      -h | -l | -lp | -lrf | -lprof) ;;
      *) expect_value=1 ;;
    esac
  else
    named=1
  fi
done
((named)) || user_args+=(GovernorBenchmark InterceptorBenchmark BaselineBenchmark)
jmh_defaults

mkdir -p "$results"
stamp="$(date +%Y%m%d-%H%M%S)"
written=()

# What the numbers were measured on, and how busy the machine was when the run began: benchmarks
# on a shared machine are only as good as their neighbours are quiet.
{
  machine_record
  echo "args:        ${defaults[*]+"${defaults[*]}"} ${user_args[*]+"${user_args[*]}"}"
} | tee "$results/$stamp-machine.txt" >&2

run_pass() { # name, then JMH options for the pass
  local name="$1"
  shift
  local base="$results/$stamp-$name"
  wait_quiet
  echo ">> JMH pass '$name': results in $base.{json,txt}" >&2
  local before after
  before="$(cpu_sample)"
  "$java_cmd" -jar "$jar" "${defaults[@]+"${defaults[@]}"}" "$@" \
    "${user_args[@]+"${user_args[@]}"}" -rf json -rff "$base.json" 2>&1 | tee "$base.txt"
  after="$(cpu_sample)"
  echo "pass $name:  $(others_between "$before" "$after")" | tee -a "$results/$stamp-machine.txt" >&2
  written+=("$base.json")
}

if has_opt -bm; then
  run_pass custom
else
  for mode in ${MODES:-avgt thrpt}; do
    case "$mode" in
      avgt) run_pass avgt -bm avgt -tu ns -prof gc ;;
      thrpt) run_pass thrpt -bm thrpt -tu s ;;
      *) echo "unknown mode '$mode' in MODES (avgt, thrpt)" >&2; exit 2 ;;
    esac
  done
fi

if command -v python3 >/dev/null 2>&1; then
  {
    python3 "$here/summarize.py" "${written[@]}"
    echo
    echo '```'
    cat "$results/$stamp-machine.txt"
    echo '```'
  } | tee "$results/$stamp-summary.md"
fi
echo ">> done: $results/$stamp-*" >&2
