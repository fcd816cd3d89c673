#!/usr/bin/env bash
# Runs every test: unit and property tests of each module, packaging checks, and the end-to-end
# tests that start real Flume agents and real senders. Benchmarks are compiled but not run (see
# benchmarks/). Arguments go to Maven (./test.sh -Dtest=..., ./test.sh -pl core).
#
# First ./test-setup checks Java and Maven and the programs the end-to-end tests run (rsyslog,
# openssl, logger, curl, nodejs with npm for the npm HEC clients, which it installs into
# integration-tests/target/hec-clients, redis-server and redis-sentinel, prometheus with
# promtool, and chromium): as root with apt-get it installs what is missing; otherwise it stops
# with the command to install it, before anything runs.
set -euo pipefail
cd "$(dirname "$0")"
./test-setup
exec mvn -B verify "$@"
