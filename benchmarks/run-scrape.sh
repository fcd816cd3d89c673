#!/usr/bin/env bash
# What one Prometheus scrape costs: a real agent with 20 components (6 sources with 6 governing
# interceptors, 4 DisruptorChannels, 4 ValidatingSinks) under light traffic, scraped N times in a
# row at PrometheusMonitor's /metrics and, as the built-in anchor, at Flume's JSON metrics (the
# same monitor's jsonPort, Flume's JMXPollUtil as Flume's own "http" monitor serves it).
#
#   benchmarks/run-scrape.sh [SCRAPES]      (default 200)
#
# Prints per format: the median and 99th percentile wall time of a scrape (curl, a connection per
# scrape), the agent's CPU per scrape (from /proc/<pid>/stat over the run, less what it used over
# as long a time without scrapes), and the size of the answer.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
scrapes=${1:-200}

if [[ "${SKIP_BUILD:-0}" != "1" ]]; then
  (cd "$root" && "$mvn_cmd" -B -q -DskipTests -pl conf-examples -am package)
fi
work=$(mktemp -d)
trap 'kill "$agent" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
conf=$work/agent.properties
{
  echo "a1.sources = u1 u2 u3 t1 t2 h1"
  echo "a1.channels = c1 c2 c3 c4"
  echo "a1.sinks = k1 k2 k3 k4"
  i=0
  for s in u1 u2 u3 t1 t2 h1; do
    c=c$(( i % 4 + 1 )); i=$((i + 1))
    case $s in
      u*) echo "a1.sources.$s.type = io.sluice.source.SyslogUdpSource" ;;
      t*) echo "a1.sources.$s.type = io.sluice.source.SyslogTcpSource" ;;
      h*) echo "a1.sources.$s.type = io.sluice.source.HecSource"
          echo "a1.sources.$s.tokens = t"
          echo "a1.sources.$s.tokens.t.value = 00000000-0000-0000-0000-000000000001" ;;
    esac
    echo "a1.sources.$s.host = 127.0.0.1"
    echo "a1.sources.$s.port = $(free_port)"
    echo "a1.sources.$s.channels = $c"
    echo "a1.sources.$s.interceptors = g"
    echo "a1.sources.$s.interceptors.g.type = io.sluice.interceptor.TokenBucketInterceptor\$Builder"
    echo "a1.sources.$s.interceptors.g.metricsName = g$s"
    echo "a1.sources.$s.interceptors.g.limit = 10/s burst 20"
  done
  for n in 1 2 3 4; do
    echo "a1.channels.c$n.type = io.sluice.channel.DisruptorChannel"
    echo "a1.sinks.k$n.type = io.sluice.sink.ValidatingSink"
    echo "a1.sinks.k$n.channel = c$n"
    echo "a1.sinks.k$n.schema = $root/conf-examples/quickstart.schema.json"
    echo "a1.sinks.k$n.directory = $work/out$n"
  done
} >"$conf"
udp_port=$(sed -n 's/^a1.sources.u1.port = //p' "$conf")
prom=$(free_port)
json=$(free_port)

SLUICE_JMX_PORT=none SLUICE_PROMETHEUS_PORT=$prom SLUICE_HTTP_PORT=$json \
  "$root/conf-examples/bin/flume-agent" "$conf" a1 --no-reload-conf >"$work/agent.log" 2>&1 &
agent=$!
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$prom/metrics" | grep -q 'sluice_events_total{component="gu1"' && break
  sleep 1
done
java_pid=$(pgrep -P "$agent" java || echo "$agent")

# Some throttling so that the top-offender lists and histograms have content.
for _ in $(seq 1 200); do logger -n 127.0.0.1 -P "$udp_port" -d "scrape benchmark" ; done

machine_record
echo "components:  $(grep -c '^a1\.\(sources\|channels\|sinks\)\.[^.]*\.type\|interceptors.g.type' "$conf") (6 sources, 6 interceptors, 4 channels, 4 sinks)"
measure() { # name url [accept]
  local name=$1 url=$2 accept=${3:-} t0 t1
  for _ in $(seq 1 200); do curl -s -o /dev/null "$url"; done # warm-up (JIT)
  local w0 w1 i0 i1
  w0=$(date +%s.%N)
  t0=$(awk '{print $14 + $15}' "/proc/$java_pid/stat")
  for _ in $(seq 1 "$scrapes"); do
    curl -s -o /dev/null -H "Accept: ${accept:-*/*}" -w '%{time_total}\n' "$url"
  done >"$work/$name.times"
  t1=$(awk '{print $14 + $15}' "/proc/$java_pid/stat")
  w1=$(date +%s.%N)
  # What the agent spends anyway (sinks polling, timers) over as long without scrapes: subtracted.
  i0=$(awk '{print $14 + $15}' "/proc/$java_pid/stat")
  sleep "$(echo "$w1 - $w0" | bc)"
  i1=$(awk '{print $14 + $15}' "/proc/$java_pid/stat")
  t1=$(( t1 - (i1 - i0) ))
  local bytes
  bytes=$(curl -s "$url" | wc -c)
  python3 - "$work/$name.times" "$name" "$(( t1 - t0 ))" "$scrapes" "$bytes" "$(getconf CLK_TCK)" <<'PY'
import sys
times = sorted(float(x) * 1000 for x in open(sys.argv[1]))
name, ticks, n, size, hz = sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
p = lambda q: times[min(len(times) - 1, int(q * len(times)))]
print(f"{name:28s} median {p(0.5):6.2f} ms   p99 {p(0.99):6.2f} ms   agent CPU {ticks * 1000 / hz / n:6.2f} ms/scrape   {size} bytes")
PY
}
measure "prometheus text" "http://127.0.0.1:$prom/metrics"
measure "openmetrics" "http://127.0.0.1:$prom/metrics" "application/openmetrics-text; version=1.0.0"
measure "flume json (anchor)" "http://127.0.0.1:$json/metrics"
