# Helpers shared by the benchmark scripts (run-governor.sh, run-channel.sh, run-syslog.sh,
# run-syslog-events.sh). Sourcing it sets `here` (benchmarks/), `root` (the source tree), `results`,
# `jar` (benchmarks/target/benchmarks.jar), `java_cmd` ($JAVA or java) and `mvn_cmd` ($MVN or mvn).
#
#   prepare_jar                 builds the jar (unless SKIP_BUILD=1) and checks that it is there
#   build_benchmarks            builds benchmarks/target/benchmarks.jar from this tree
#   machine_record              prints what the numbers are measured on (date, CPU, JVM, load, commit)
#   cpu_sample / others_between CPU accounting: how many cores other work used between two samples
#   wait_quiet                  before a pass, waits up to WAIT_QUIET seconds for other work to stop
# shellcheck shell=bash

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
results="$here/results"
jar="$here/target/benchmarks.jar"
java_cmd="${JAVA:-java}"
mvn_cmd="${MVN:-mvn}"

prepare_jar() {
  if [[ "${SKIP_BUILD:-0}" != "1" ]]; then
    build_benchmarks
  fi
  if [[ ! -f "$jar" ]]; then
    echo "no $jar: build it (run without SKIP_BUILD=1)" >&2
    exit 1
  fi
}

# One reactor build, nothing installed: the jar gets the plugins exactly as they are in this tree,
# not whatever version of them the local repository last had installed (others build there too).
# -am also builds what the syslog benchmark's agents run: the dist tarball, unpacked into
# conf-examples/target/plugins.d, and the integration tests' harness (a test-jar).
build_benchmarks() {
  echo ">> building benchmarks and the modules it needs from this tree (package, tests skipped)" >&2
  (cd "$root" && "$mvn_cmd" -B -q -DskipTests -pl benchmarks -am package)
}

# What the numbers were measured on, and how busy the machine was when the run began: benchmarks
# on a shared machine are only as good as their neighbours are quiet.
machine_record() {
  echo "date:        $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "host:        $(uname -srm)"
  echo "cpu:         $(nproc) x $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//')"
  echo "memory:      $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo 2>/dev/null)"
  echo "clocksource: $(cat /sys/devices/system/clocksource/clocksource0/current_clocksource 2>/dev/null || echo unknown)"
  echo "java:        $("$java_cmd" -version 2>&1 | head -n 2 | tr '\n' ' ')"
  echo "load:        $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null) (1, 5, 15 min)"
  echo "commit:      $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo none)$(git --no-optional-locks -C "$root" diff-index --quiet HEAD -- 2>/dev/null || echo ' (with local changes)')"
}

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

# For the JMH scripts: has_opt OPT tells whether the user's arguments (`user_args`) name OPT, and
# jmh_defaults sets `defaults` to the default options (-f 1 -wi 3 -w 1s -i 5 -r 1s) they do not name.
has_opt() {
  local a
  for a in "${user_args[@]+"${user_args[@]}"}"; do
    [[ "$a" == "$1" ]] && return 0
  done
  return 1
}

jmh_defaults() {
  local pair opt val
  defaults=()
  for pair in "-f 1" "-wi 3" "-w 1s" "-i 5" "-r 1s"; do
    read -r opt val <<<"$pair"
    if ! has_opt "$opt"; then
      defaults+=("$opt" "$val")
    fi
  done
}
