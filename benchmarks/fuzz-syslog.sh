#!/usr/bin/env bash
# A long Jazzer fuzzing run of the syslog parser and the TCP framer (source-plugin,
# io.sluice.source.syslog), one target after the other. `mvn verify` fuzzes each for 30 s; run this
# for longer after changing that package, or before a release.
#
#   benchmarks/fuzz-syslog.sh          # 10 minutes per target
#   benchmarks/fuzz-syslog.sh 2h       # any Jazzer duration: 45s, 10m, 2h
#
# It reuses the pom's fuzz executions (see the `fuzz` profile in source-plugin/pom.xml) with a
# longer jazzer.max_duration, and with libFuzzer's progress lines back on. The corpus it grows
# stays in source-plugin/target/fuzz/.cifuzz-corpus and seeds the next run (until `mvn clean`);
# test reports are in source-plugin/target/fuzz-reports/<target>/.
#
# On a finding the target fails with the stack trace, and the input is saved as
# source-plugin/target/fuzz/crash-<sha1>. Copy that file into
# source-plugin/src/test/resources/io/sluice/source/syslog/<Test>Inputs/<method>/ so every build
# replays it (Jazzer's regression mode), then fix the bug.
#
# Environment: MVN (default: mvn), SKIP_BUILD=1 to use the classes as built.
set -euo pipefail

duration="${1:-10m}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mvn_cmd="${MVN:-mvn}"
cd "$root"

if [[ "${SKIP_BUILD:-0}" != "1" ]]; then
  "$mvn_cmd" -B -q -pl source-plugin -am install -DskipTests
fi

failed=()
for target in parser framer; do
  echo "== fuzzing the syslog $target for $duration"
  if "$mvn_cmd" -B -q -pl source-plugin test-compile "surefire:test@fuzz-syslog-$target" \
      -Djazzer.max_duration="$duration" -Djazzer.internal.arg.1=-verbosity=1; then
    echo "== $target: no findings"
  else
    echo "== $target: FAILED (see source-plugin/target/fuzz-reports/$target/)"
    failed+=("$target")
  fi
done

crashes=(source-plugin/target/fuzz/crash-*)
if [[ -e "${crashes[0]}" ]]; then
  printf 'crashing inputs:\n'
  printf '  %s\n' "${crashes[@]}"
fi
if ((${#failed[@]})); then
  echo "findings in: ${failed[*]}" >&2
  exit 1
fi
