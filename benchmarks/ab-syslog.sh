#!/usr/bin/env bash
# Sluice's syslog sources against themselves at an earlier revision: the agent's CPU per event, the
# same traffic, the two builds taking turns, so that a change is judged against the machine's
# noise rather than against numbers recorded on another day.
#
#   benchmarks/ab-syslog.sh REV                  # this tree vs REV, 3 rounds (about 8 minutes)
#   ROUNDS=5 benchmarks/ab-syslog.sh 5705a11     # more rounds
#   CASES="tcp:1 udp:50000" benchmarks/ab-syslog.sh HEAD~3
#   CHANNEL=disruptor benchmarks/ab-syslog.sh 5705a11   # into DisruptorChannel instead
#
# REV is checked out into benchmarks/target/ab-<rev> (a git worktree of this repository) and its
# plugins.d built there; this tree's plugins.d and the load generator are built as run-syslog.sh
# builds them (SKIP_BUILD=1 uses them as they are). Each case starts a real agent of each build
# (conf-examples/bin/flume-agent, the same configuration as run-syslog.sh: the source, MemoryChannel,
# the null sink; CHANNEL=disruptor puts a DisruptorChannel of the same capacity in its place), warms it up, then measures the agent JVM's CPU time (utime + stime from /proc)
# over the traffic and 3 s of settling, per event sent. Cases: tcp:N (N connections writing as fast
# as the source reads, 10 s, LF framing), udp:R (R datagrams/s for 8 s, 4 sender sockets).
# Results: benchmarks/results/<time>-ab-syslog.txt, one line per run, and the median per case.
set -euo pipefail

# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

rev="${1:?usage: ab-syslog.sh REV (a revision of this repository to compare this tree with)}"
rounds="${ROUNDS:-3}"
cases="${CASES:-tcp:1 tcp:2 udp:50000}"
base_dir="$here/target/ab-$(git -C "$root" rev-parse --short "$rev")"

if [[ "${SKIP_BUILD:-0}" != "1" ]]; then
  build_benchmarks
  if [[ ! -d "$base_dir" ]]; then
    git -C "$root" worktree add --detach "$base_dir" "$rev" >&2
  fi
  echo ">> building the plugins.d of $rev in $base_dir" >&2
  (cd "$base_dir" && "$mvn_cmd" -B -q -DskipTests -Dfuzz.skip -pl conf-examples -am package)
fi

mkdir -p "$results"
out="$results/$(date +%Y%m%d-%H%M%S)-ab-syslog.txt"
{
  machine_record
  echo "base:        $rev ($(git -C "$root" rev-parse --short "$rev")) in $base_dir"
  echo "channel:     ${CHANNEL:-memory}"
} | tee "$out" >&2

work="$here/target/ab-agents"
mkdir -p "$work"

# One run: the agent of build $1 (a source tree), case $2; prints "<events> <cpu seconds>".
run() {
  local tree=$1 kind=${2%%:*} arg=${2##*:} port conf pid c0 c1 sent
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  conf="$work/$kind-$port.properties"
  {
    echo "a1.sources = r1"
    if [[ $kind == tcp ]]; then
      echo "a1.sources.r1.type = io.sluice.source.SyslogTcpSource"
      echo "a1.sources.r1.framing = lf"
      echo "a1.sources.r1.connectionRatePerIp = none"
      echo "a1.sources.r1.maxConnectionsPerIp = 1000"
    else
      echo "a1.sources.r1.type = io.sluice.source.SyslogUdpSource"
    fi
    echo "a1.sources.r1.host = 127.0.0.1"
    echo "a1.sources.r1.port = $port"
    echo "a1.sources.r1.batchSize = 1000"
    echo "a1.sources.r1.channels = c1"
    # The channel and sink of run-syslog.sh (SourceBenchmark.CHANNEL_AND_SINK).
    local type=memory
    [[ ${CHANNEL:-memory} == disruptor ]] && type=io.sluice.channel.DisruptorChannel
    printf '%s\n' "a1.channels = c1" "a1.sinks = k1" "a1.channels.c1.type = $type" \
      "a1.channels.c1.capacity = 1000000" "a1.channels.c1.transactionCapacity = 10000" \
      "a1.channels.c1.keep-alive = 30" "a1.sinks.k1.type = null" "a1.sinks.k1.batchSize = 1000" \
      "a1.sinks.k1.channel = c1"
  } >"$conf"
  SLUICE_JMX_PORT=none SLUICE_HTTP_PORT=none JAVA_OPTS=-Xmx512m \
    "$tree/conf-examples/bin/flume-agent" "$conf" a1 --no-reload-conf >"$conf.log" 2>&1 &
  pid=$!
  for _ in $(seq 100); do grep -q "listening on" "$conf.log" 2>/dev/null && break; sleep 0.2; done
  pid=$(pgrep -P "$pid" java || echo "$pid") # the launcher execs java; if not, its child
  load() { "$java_cmd" -cp "$jar" io.sluice.benchmarks.syslog.SyslogLoad "$@" 2>&1; }
  if [[ $kind == tcp ]]; then load tcp "$port" lf "$arg" 5 >/dev/null; else load udp "$port" "$arg" $((arg * 3)) >/dev/null; fi
  sleep 2
  c0=$(awk '{print $14 + $15}' "/proc/$pid/stat")
  if [[ $kind == tcp ]]; then
    sent=$(load tcp "$port" lf "$arg" 10 | sed -E 's/^tcp: ([0-9]+) frames.*/\1/')
  else
    sent=$(load udp "$port" "$arg" $((arg * 8)) | sed -E 's/^udp: sent ([0-9]+) datagrams.*/\1/')
  fi
  sleep 3
  c1=$(awk '{print $14 + $15}' "/proc/$pid/stat")
  kill "$pid" 2>/dev/null || true
  wait 2>/dev/null || true
  echo "$sent $(awk -v c=$((c1 - c0)) -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", c / hz }')"
}

for ((r = 1; r <= rounds; r++)); do
  wait_quiet
  for c in $cases; do
    for side in base this; do
      tree=$root
      [[ $side == base ]] && tree=$base_dir
      read -r n cpu < <(run "$tree" "$c")
      awk -v r="$r" -v c="$c" -v s="$side" -v n="$n" -v cpu="$cpu" 'BEGIN {
        printf "round %d  %-10s %-5s %12d events  agent CPU %7.2f s  %7.3f us/event\n", r, c, s, n, cpu, cpu / n * 1e6 }' | tee -a "$out"
    done
  done
done

echo "medians (us/event), base vs this:" | tee -a "$out"
for c in $cases; do
  for side in base this; do
    grep -E "  $c +$side " "$out" | awk '{print $(NF-1)}' | sort -n \
      | awk -v c="$c" -v s="$side" '{v[NR]=$1} END { m = NR % 2 ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2;
          printf "  %-10s %-5s %.3f\n", c, s, m }'
  done | tee -a "$out"
done
echo ">> $out" >&2
