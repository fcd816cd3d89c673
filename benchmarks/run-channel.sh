#!/usr/bin/env bash
# Builds and runs DisruptorChannel against Flume's MemoryChannel (ChannelBenchmark): the same
# harness, events and JVM settings, both channels in one run.
#
#   benchmarks/run-channel.sh                          # everything, short default settings
#   benchmarks/run-channel.sh tx1_p2 tx100_p2          # some cases (regexes within ChannelBenchmark)
#   benchmarks/run-channel.sh -p channel=memory,disruptor -f 3 -i 10
#   SKIP_BUILD=1 benchmarks/run-channel.sh tx1_p2 -p channel=disruptor -prof stack
#
# Arguments are passed to JMH (java -jar benchmarks/target/benchmarks.jar -h lists them). A plain
# argument is a regex for the benchmarks to run and is looked for within ChannelBenchmark; with
# none, all of ChannelBenchmark runs. Any of the default options (-f 1 -wi 3 -w 1s -i 5 -r 1s)
# given there replaces the default; write options with a space before their value ("-i 10").
#
# One pass: throughput in events/s (ops are events: @OperationsPerInvocation is the transaction
# size) with the GC profiler (heap allocated per event, producers and consumer together).
# With -bm in the arguments, the pass uses the given mode instead (and no profiler unless given).
# Results go to benchmarks/results/<time>-channel.{json,txt}, plus <time>-channel-summary.md, a
# table with the DisruptorChannel/MemoryChannel ratios (benchmarks/summarize-channel.py), when
# python3 is there.
#
# Environment: SKIP_BUILD=1 uses the jar as built; WAIT_QUIET=<seconds> waits up to that long
# before each pass for other work on the machine to stop; ROUNDS=<n> repeats the pass n times
# (results <time>-channel-r<i>.*, one summary over all); JAVA (default: java on the PATH); MVN
# (default: mvn). results/<time>-channel-machine.txt records the machine, and how many cores other
# work used meanwhile: on a shared machine, read the numbers with that in mind.
set -euo pipefail

# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
prepare_jar

# Plain arguments (not an option, nor an option's value) are regexes: look for them within
# ChannelBenchmark. JMH's options all take a value except these flags.
user_args=()
patterns=0
expect_value=0
for a in "$@"; do
  if ((expect_value)); then
    user_args+=("$a")
    expect_value=0
  elif [[ "$a" == -* ]]; then
    user_args+=("$a")
    case "$a" in
      -h | -l | -lp | -lrf | -lprof) ;;
      *) expect_value=1 ;;
    esac
  else
    [[ "$a" == *ChannelBenchmark* ]] || a="ChannelBenchmark\..*$a"
    user_args+=("$a")
    patterns=$((patterns + 1))
  fi
done
if ((patterns == 0)); then
  user_args+=("ChannelBenchmark")
fi

jmh_defaults

mkdir -p "$results"
stamp="$(date +%Y%m%d-%H%M%S)"
written=()

# What the numbers were measured on, and how busy the machine was when the run began: benchmarks
# on a shared machine are only as good as their neighbours are quiet.
{
  machine_record
  # The channel is the code under test: say which version of it was measured (the tree may differ
  # from the commit, and change while the jar is built).
  echo "channel src: $(cd "$root" && cat channel-plugin/src/main/java/io/sluice/channel/*.java 2>/dev/null | sha256sum | cut -c1-12) (sha256 of channel-plugin/src/main/java/io/sluice/channel/*.java now)"
  echo "channel jar: $(unzip -p "$jar" 'io/sluice/channel/*' 2>/dev/null | sha256sum | cut -c1-12) (sha256 of io/sluice/channel/* in benchmarks.jar)"
  echo "args:        ${defaults[*]+"${defaults[*]}"} ${user_args[*]+"${user_args[*]}"}"
} | tee "$results/$stamp-channel-machine.txt" >&2

run_pass() { # name, then JMH options for the pass
  local name="$1"
  shift
  local base="$results/$stamp-channel${name:+-$name}"
  wait_quiet
  echo ">> JMH pass '${name:-thrpt}': results in $base.{json,txt}" >&2
  local before after
  before="$(cpu_sample)"
  "$java_cmd" -jar "$jar" "${defaults[@]+"${defaults[@]}"}" "$@" \
    "${user_args[@]+"${user_args[@]}"}" -rf json -rff "$base.json" 2>&1 | tee "$base.txt"
  after="$(cpu_sample)"
  echo "pass ${name:-thrpt}:  $(others_between "$before" "$after")" | tee -a "$results/$stamp-channel-machine.txt" >&2
  written+=("$base.json")
}

# ROUNDS=<n> runs the whole selection n times, waiting for quiet before each: on a shared machine a
# burst of other work then spoils one round's pair of numbers, not the result (the summary gives
# the median of the rounds' ratios). Within a round, JMH runs the channels of one case back to back.
rounds="${ROUNDS:-1}"
for ((r = 1; r <= rounds; r++)); do
  name=""
  ((rounds > 1)) && name="r$r"
  if has_opt -bm; then
    run_pass "${name:-custom}"
  else
    run_pass "$name" -bm thrpt -tu s -prof gc
  fi
done

if command -v python3 >/dev/null 2>&1; then
  {
    python3 "$here/summarize-channel.py" "${written[@]}"
    echo
    echo '```'
    cat "$results/$stamp-channel-machine.txt"
    echo '```'
  } | tee "$results/$stamp-channel-summary.md"
fi
echo ">> done: $results/$stamp-channel*" >&2
