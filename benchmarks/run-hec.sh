#!/usr/bin/env bash
# Sluice's HecSource against Flume's HTTPSource (JSONHandler) (io.sluice.benchmarks.hec.HecBenchmark):
# each in a real agent of its own at default settings, into the same MemoryChannel and null sink;
# four keep-alive clients, batches of 100 events (events/s) and of 1 (requests/s); the agent's CPU
# time per event beside each rate, and the ratios.
#
#   benchmarks/run-hec.sh                 # 8 s measured after 4 s of warm-up, per case
#   ROUNDS=3 benchmarks/run-hec.sh 10 5   # three rounds, 10 s after 5 s
#   CHANNEL=disruptor benchmarks/run-hec.sh  # both sources into a DisruptorChannel instead
#   SUBJECTS=FLUME_HTTP,SLUICE_HEC benchmarks/run-hec.sh  # without BARE, the floor: a server
#                                         # that only answers (BareResponder)
#
# Results: benchmarks/results/<time>-hec[-r<i>].txt and <time>-hec-machine.txt. Environment:
# SKIP_BUILD=1 uses the jars as built; WAIT_QUIET=<seconds>; ROUNDS=<n>; JAVA; MVN.
set -euo pipefail

# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if [[ "${SKIP_BUILD:-0}" != "1" ]]; then
  build_benchmarks
fi
mkdir -p "$results"
base="$results/$(date +%Y%m%d-%H%M%S)-hec"
machine_record | tee "$base-machine.txt" >&2

rounds="${ROUNDS:-1}"
for ((r = 1; r <= rounds; r++)); do
  name="$base"
  ((rounds > 1)) && name="$base-r$r"
  wait_quiet
  before="$(cpu_sample)"
  "$java_cmd" -Xms256m -Xmx256m -Dsluice.repo="$root" -Dsluice.work="$here/target/hec-agents" \
    -Dhec.channel="${CHANNEL:-memory}" -Dhec.subjects="${SUBJECTS:-FLUME_HTTP,SLUICE_HEC,BARE}" \
    -cp "$jar" io.sluice.benchmarks.hec.HecBenchmark "$@" 2>&1 | tee "$name.txt"
  after="$(cpu_sample)"
  echo "round $r:     $(others_between "$before" "$after")" | tee -a "$base-machine.txt" >&2
done
echo ">> done: $base*" >&2
