#!/usr/bin/env bash
# Runs every test: unit and property tests of each module, packaging checks, and the end-to-end
# tests that start real Flume agents. Benchmarks are compiled but not run (see benchmarks/).
set -euo pipefail
cd "$(dirname "$0")"
exec mvn -B verify "$@"
