#!/usr/bin/env bash
# Builds and runs the rate-limit governor benchmarks (GovernorBenchmark, InterceptorBenchmark).
#
#   benchmarks/run-governor.sh                       # everything, short default settings
#   benchmarks/run-governor.sh GovernorBenchmark.flood -i 10 -prof stack
#   SKIP_BUILD=1 MODES=avgt benchmarks/run-governor.sh oneKey
#
# Arguments are passed to JMH (java -jar benchmarks/target/benchmarks.jar -h lists them). Any of the
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

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
results="$here/results"
jar="$here/target/benchmarks.jar"
java_cmd="${JAVA:-java}"
mvn_cmd="${MVN:-mvn}"

if [[ "${SKIP_BUILD:-0}" != "1" ]]; then
  echo ">> building core and interceptor-plugin (install), then benchmarks (package)" >&2
  # -am brings in the parent POM, which the installed modules refer to.
  (cd "$root" && "$mvn_cmd" -B -q -DskipTests -pl core,interceptor-plugin -am install)
  (cd "$root" && "$mvn_cmd" -B -q -DskipTests -pl benchmarks package)
fi
if [[ ! -f "$jar" ]]; then
  echo "no $jar: build it (run without SKIP_BUILD=1)" >&2
  exit 1
fi

user_args=("$@")
has_opt() {
  local a
  for a in "${user_args[@]+"${user_args[@]}"}"; do
    [[ "$a" == "$1" ]] && return 0
  done
  return 1
}

defaults=()
for pair in "-f 1" "-wi 3" "-w 1s" "-i 5" "-r 1s"; do
  read -r opt val <<<"$pair"
  if ! has_opt "$opt"; then
    defaults+=("$opt" "$val")
  fi
done

mkdir -p "$results"
stamp="$(date +%Y%m%d-%H%M%S)"
written=()

# What the numbers were measured on, and how busy the machine was when the run began: benchmarks
# on a shared machine are only as good as their neighbours are quiet.
{
  echo "date:        $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "host:        $(uname -srm)"
  echo "cpu:         $(nproc) x $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//')"
  echo "memory:      $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo 2>/dev/null)"
  echo "clocksource: $(cat /sys/devices/system/clocksource/clocksource0/current_clocksource 2>/dev/null || echo unknown)"
  echo "java:        $("$java_cmd" -version 2>&1 | head -n 2 | tr '\n' ' ')"
  echo "load:        $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null) (1, 5, 15 min)"
  echo "commit:      $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo none)$(git --no-optional-locks -C "$root" diff-index --quiet HEAD -- 2>/dev/null || echo ' (with local changes)')"
  echo "args:        ${defaults[*]+"${defaults[*]}"} ${user_args[*]+"${user_args[*]}"}"
} | tee "$results/$stamp-machine.txt" >&2

# CPU accounting, to tell how much of the machine other work took while we measured:
# busy and steal jiffies of the whole machine, and those of this script's finished children.
cpu_sample() {
  local _cpu user nice system idle iowait irq softirq steal _rest
  read -r _cpu user nice system idle iowait irq softirq steal _rest </proc/stat
  local ours
  ours="$(awk '{ print $16 + $17 }' "/proc/$$/stat")"
  echo "$((user + nice + system + irq + softirq)) $steal $ours $(date +%s.%N)"
}
# Prints the cores used by other work (and stolen by the hypervisor) between two samples.
others_between() {
  awk -v hz="$(getconf CLK_TCK)" -v a="$1" -v b="$2" 'BEGIN {
    split(a, x, " "); split(b, y, " ");
    wall = y[4] - x[4]; if (wall <= 0) wall = 1;
    others = ((y[1] - x[1]) - (y[3] - x[3])) / hz / wall; if (others < 0) others = 0;
    printf "%.2f cores busy with other work, %.2f cores stolen by the hypervisor, over %.0f s", others, (y[2] - x[2]) / hz / wall, wall
  }'
}
quiet_check() { # 3 s sample with nothing of ours running: prints the cores other work uses
  local a b
  a="$(cpu_sample)"
  sleep 3
  b="$(cpu_sample)"
  awk -v hz="$(getconf CLK_TCK)" -v a="$a" -v b="$b" 'BEGIN {
    split(a, x, " "); split(b, y, " "); printf "%.2f", ((y[1] - x[1]) - (y[3] - x[3])) / hz / (y[4] - x[4]) }'
}

# WAIT_QUIET=<seconds>: before each pass, wait up to that long for other work to stop.
wait_quiet() {
  local waited=0 used
  used="$(quiet_check)"
  while awk -v u="$used" 'BEGIN { exit !(u > 0.10) }'; do
    if ((waited >= ${WAIT_QUIET:-0})); then
      echo "!! other work is using $used cores: expect noisy numbers (WAIT_QUIET=<s> waits for quiet)" >&2
      return
    fi
    echo ">> other work is using $used cores; waiting for quiet (${waited}s of ${WAIT_QUIET}s)" >&2
    sleep 7
    waited=$((waited + 10))
    used="$(quiet_check)"
  done
  echo ">> machine quiet before the pass (other work: $used cores)" >&2
}

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
