#!/usr/bin/env bash
# Benchmarks Sluice's syslog sources against Flume's built-in ones in one run: the same sender
# (io.sluice.benchmarks.syslog.SyslogLoad, on loopback), the same channel (MemoryChannel, capacity
# 1,000,000) and sink (null, batchSize 1000), each source alone in a real agent of its own
# (conf-examples/bin/flume-agent, started by the integration tests' harness).
#
#   benchmarks/run-syslog.sh                                         # everything (about 6 minutes)
#   benchmarks/run-syslog.sh --subjects flume-udp,sluice-udp         # UDP only
#   benchmarks/run-syslog.sh --udp-rates 50k,max --tcp-seconds 3     # a short trial
#   ROUNDS=2 WAIT_QUIET=600 benchmarks/run-syslog.sh                 # as reported in BENCHMARKS.md
#
# UDP (Flume's syslogudp vs io.sluice.source.SyslogUdpSource): the rate is stepped up, 3 s of
# traffic a step, the last step as fast as the sender goes; a step passes when every datagram sent
# was delivered into the channel. TCP (Flume's multiport_syslogtcp and syslogtcp vs
# io.sluice.source.SyslogTcpSource, LF framing; Sluice also with octet counting, which Flume cannot
# read): 1 and 2 connections writing as fast as the source reads for 10 s; events/s is the events
# sent over the time until all were delivered. Then the multiport source and Sluice's TCP source
# again, at their default settings (only where to listen set), as users run them. Arguments go to the driver
# (io.sluice.benchmarks.syslog.SourceBenchmark; --help lists them).
#
# Results: benchmarks/results/<time>-syslog.json (everything measured), <time>-syslog.txt (the
# driver's log), <time>-syslog-logs/ (each agent's log), <time>-syslog-machine.txt, and
# <time>-syslog-summary.md, tables with the Sluice/Flume ratios (benchmarks/summarize-syslog.py)
# when python3 is there. With ROUNDS=<n>, each round has its own -r<i> files; the summary covers
# all rounds.
#
# Environment: SKIP_BUILD=1 uses the jar and plugins.d as built; WAIT_QUIET=<seconds> waits up to
# that long before each round for other work on the machine to stop; ROUNDS=<n> (default 1);
# DRIVER_OPTS, the driver JVM's options (default -Xms256m -Xmx256m; the agents' are the harness's,
# -Xmx512m for all); JAVA, MVN. Only loopback is used: the sender binds 127.0.0.11, .12, ...
set -euo pipefail

# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if [[ "${SKIP_BUILD:-0}" != "1" ]]; then
  build_benchmarks
fi
plugin_jar="$(ls "$root"/conf-examples/target/plugins.d/sluice/lib/*.jar 2>/dev/null | head -n 1 || true)"
if [[ ! -f "$jar" || -z "$plugin_jar" ]]; then
  echo "no $jar or no conf-examples/target/plugins.d: build them (run without SKIP_BUILD=1)" >&2
  exit 1
fi

mkdir -p "$results"
stamp="$(date +%Y%m%d-%H%M%S)"
base="$results/$stamp-syslog"
written=()

{
  machine_record
  echo "udp:         net.core.rmem_max $(cat /proc/sys/net/core/rmem_max 2>/dev/null || echo ?), rmem_default $(cat /proc/sys/net/core/rmem_default 2>/dev/null || echo ?), netdev_max_backlog $(cat /proc/sys/net/core/netdev_max_backlog 2>/dev/null || echo ?)"
  # The sources are the code under test: say which version of them was measured (the tree may
  # differ from the commit, and change while the jar is built).
  echo "source src:  $(cd "$root" && find source-plugin/src/main/java -name '*.java' -print0 2>/dev/null | sort -z | xargs -0 cat | sha256sum | cut -c1-12) (sha256 of source-plugin/src/main/java/**/*.java now)"
  echo "source jar:  $(unzip -p "$plugin_jar" 'io/sluice/source/*' 'io/sluice/source/*/*' 2>/dev/null | sha256sum | cut -c1-12) (sha256 of io/sluice/source/** in the agents' plugins.d)"
  echo "args:        $*"
} | tee "$base-machine.txt" >&2

rounds="${ROUNDS:-1}"
for ((r = 1; r <= rounds; r++)); do
  name="$base"
  ((rounds > 1)) && name="$base-r$r"
  wait_quiet
  echo ">> round $r of $rounds: results in $name.{json,txt}" >&2
  before="$(cpu_sample)"
  # shellcheck disable=SC2086 # DRIVER_OPTS is a list of options
  "$java_cmd" ${DRIVER_OPTS:--Xms256m -Xmx256m} \
    -Dsluice.repo="$root" -Dsluice.work="$here/target/syslog-agents" \
    -cp "$jar" io.sluice.benchmarks.syslog.SourceBenchmark \
    --out "$name.json" --logs "$name-logs" "$@" 2>&1 | tee "$name.txt"
  after="$(cpu_sample)"
  echo "round $r:     $(others_between "$before" "$after"); load $(cut -d' ' -f1-3 /proc/loadavg) at the end" \
    | tee -a "$base-machine.txt" >&2
  [[ -f "$name.json" ]] && written+=("$name.json")
done

if ((${#written[@]} > 0)) && command -v python3 >/dev/null 2>&1; then
  {
    python3 "$here/summarize-syslog.py" "${written[@]}"
    echo
    echo '```'
    cat "$base-machine.txt"
    echo '```'
  } | tee "$base-summary.md"
fi
echo ">> done: $base*" >&2
