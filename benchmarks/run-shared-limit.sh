#!/usr/bin/env bash
# Builds and runs SharedLimitLoad: the governor's decisions through a real Redis (store = redis)
# against the same governor in the agent's memory (store = local), in one run, as the interceptor
# calls it (batches). Starts its own redis-server on a free loopback port and always stops it.
#
#   benchmarks/run-shared-limit.sh                     # the cases below, 10 s each
#   SECONDS_EACH=5 benchmarks/run-shared-limit.sh
#
# Cases (every key limited to 100000/s burst 1000 unless said; the threads offer more): one hot
# key and 1000 keys, batches of 100 (the sources' default), two threads (two source threads); one
# hot key in batches of 1 (HEC requests of one event) without and with leases of 100, and with
# leases under a limit no thread can reach (10M/s: what leases save); two agents (two governors,
# two connections) on one hot key, for the admission error of a limit they share. For
# each: events/s, the agent's and Redis's CPU per event, round trips and script calls per event,
# and admitted events against what the limit allows (burst + rate x time).
# Results go to benchmarks/results/<time>-shared-limit.txt.
#
# Environment: SKIP_BUILD=1 uses the jar as built; JAVA, MVN as for the other scripts.
set -euo pipefail

# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
prepare_jar

redis_server="$(command -v redis-server || true)"
if [[ -z "$redis_server" ]]; then
  echo "redis-server is not installed: run ./test-setup (or apt-get install -y redis-server)" >&2
  exit 1
fi
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
"$redis_server" --port "$port" --bind 127.0.0.1 --save '' --appendonly no --loglevel warning \
  >/dev/null 2>&1 &
redis_pid=$!
trap 'kill "$redis_pid" 2>/dev/null || true; wait "$redis_pid" 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  redis-cli -p "$port" ping >/dev/null 2>&1 && break
  sleep 0.1
done

mkdir -p "$results"
out="$results/$(date -u +%Y%m%dT%H%M%SZ)-shared-limit.txt"
seconds="${SECONDS_EACH:-10}"
{
  machine_record
  echo "redis:       $("$redis_server" --version)"
  echo
  #  threads batch keys agents leaseSize limit (per key)
  while read -r threads batch keys agents lease limit; do
    "$java_cmd" -Xmx1g -cp "$jar" io.sluice.benchmarks.shared.SharedLimitLoad \
      "redis://127.0.0.1:$port" "$redis_pid" "$seconds" "$threads" "$batch" "$keys" "$agents" \
      "$limit" "$lease" </dev/null
    echo
  done <<'CASES'
2 100 1    1 0   100000/s burst 1000
2 100 1000 1 0   100000/s burst 1000
2 1   1    1 0   100000/s burst 1000
2 1   1    1 100 100000/s burst 1000
2 1   1    1 100 10000000/s burst 100000
1 100 1    2 0   100000/s burst 1000
CASES
} 2>&1 | tee "$out"
echo "results: $out" >&2
