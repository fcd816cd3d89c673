#!/usr/bin/env bash
# ValidatingSink against Flume's file_roll sink (header_and_text serializer), in one JVM, taking
# turns (io.sluice.benchmarks.sink.SinkDrain): each drains the same pre-filled MemoryChannel at its
# default settings after a warm-up; events/s and the JVM's CPU time per event, and the ratio.
# ValidatingSink writes NDJSON files and validates every event against the shipped syslog schema.
# A third subject, the floor (BareSink), takes the same events and writes as many bytes an event as
# ValidatingSink does, with no mapping, validation or JSON: what any such sink must spend.
#
#   benchmarks/run-sink.sh                 # 500,000 events, 3 rounds
#   EVENTS=200000 ROUNDS=5 benchmarks/run-sink.sh
#
# Results: benchmarks/results/<time>-sink.txt and <time>-sink-machine.txt. Environment:
# SKIP_BUILD=1 uses the jar as built; WAIT_QUIET=<seconds>; JAVA; MVN.
set -euo pipefail

# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
prepare_jar

mkdir -p "$results"
base="$results/$(date +%Y%m%d-%H%M%S)-sink"
work="$here/target/sink-drain"
{
  machine_record
  echo "args:        events ${EVENTS:-500000}, rounds ${ROUNDS:-3}"
} | tee "$base-machine.txt" >&2

wait_quiet
before="$(cpu_sample)"
"$java_cmd" -Xms2g -Xmx2g -cp "$jar" io.sluice.benchmarks.sink.SinkDrain \
  "$root/conf-examples/schemas/syslog-event.schema.json" "$work" "${EVENTS:-500000}" "${ROUNDS:-3}" \
  2>&1 | grep -v -e '^SLF4J' -e 'log4j' | tee "$base.txt"
after="$(cpu_sample)"
echo "run:         $(others_between "$before" "$after")" | tee -a "$base-machine.txt" >&2
echo ">> done: $base*" >&2
