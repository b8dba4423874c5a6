#!/usr/bin/env bash
# Regenerates docs/conformance.md and the passing-case list from a run of the ONNX node test suite.
# Usage: scripts/conformance-report.sh [SUITE_DIR]   (build first: ./mvnw -q install -DskipTests)
set -euo pipefail
cd "$(dirname "$0")/.."
suite="${1:-../shared/onnx-conformance/node}"
jar=samples/target/kiln.jar
[ -f "$jar" ] || { echo "error: $jar missing; build with ./mvnw -q install -DskipTests" >&2; exit 1; }
[ -d "$suite" ] || { echo "error: suite folder $suite not found" >&2; exit 1; }
out=$(mktemp)
start=$(date +%s)
java -jar "$jar" conformance "$suite" --write-passing samples/src/test/resources/conformance/passing.txt > "$out" || true
secs=$(( $(date +%s) - start ))
summary=$(tail -n 1 "$out")
notes=docs/conformance-notes.tsv
{
  echo "# Conformance"
  echo
  echo "Kiln's CPU backend on the ONNX node test suite (\`$(basename "$suite")\`, $(ls -d "$suite"/test_* | wc -l) cases),"
  echo "with the ONNX backend-test comparison rule (rtol 1e-3, atol 1e-7, NaN matches NaN, exact shape and type)."
  echo
  echo "Command: \`java -jar samples/target/kiln.jar conformance $suite\`"
  echo "(this page is written by \`scripts/conformance-report.sh\`, which also refreshes"
  echo "\`samples/src/test/resources/conformance/passing.txt\`, the list the regression test \`NodeSuiteConformanceTest\` holds to)."
  echo
  echo "**Result: $summary** ($(date -u +%Y-%m-%d), whole suite in ${secs} s on 2 cores)."
  echo
  echo "## Failing cases"
  echo
  echo "| Case | Failure | Why |"
  echo "|---|---|---|"
  grep '^FAIL ' "$out" | sed -E 's/^FAIL ([^:]+): (.*)$/\1\t\2/' | while IFS=$'\t' read -r name reason; do
    why=""
    if [ -f "$notes" ]; then
      why=$(awk -F'\t' -v n="$name" '{ if (n ~ "^" $1 "$") { print $2; exit } }' "$notes")
    fi
    printf '| %s | %s | %s |\n' "$name" "$(echo "$reason" | cut -c1-160 | sed 's/|/\\|/g')" "$why"
  done
} > docs/conformance.md
rm -f "$out"
echo "$summary; docs/conformance.md written"
