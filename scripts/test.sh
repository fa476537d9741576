#!/usr/bin/env bash
# Runs every test project and ends with one summary line: "N passed, N failed, N skipped".
# Works on a fresh machine with the .NET SDK; installs what the tests need that the machine lacks.
set -uo pipefail
cd "$(dirname "$0")/.."

# Slow or loaded machines (CI) get more time in every TestKit expectation.
if [ "${CI:-}" = "true" ] && [ -z "${LLMSPELL_TEST_TIMEFACTOR:-}" ]; then export LLMSPELL_TEST_TIMEFACTOR=3; fi

# The journal specs run against a real PostgreSQL: install it once, before test processes start in parallel.
if [ -z "${LLMSPELL_TEST_PG:-}" ] && [ "$(id -u)" -eq 0 ]; then ./scripts/postgres.sh install; fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
# Build everything first, then test: built while testing, the two long projects (Cli.Tests and Cluster.Tests, ~3 min each of
# real processes) ran one after the other at the end, as Cluster.Tests is built last. Built first, the projects are tested
# in the solution's order, two at a time: the solution lists those two first, so they start at once and the rest follow.
dotnet build LlmSpell.Actors.sln -c Release --nologo 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
if [ "$status" -eq 0 ]; then
  dotnet test LlmSpell.Actors.sln -c Release --no-build --nologo "$@" 2>&1 | tee -a "$log"
  status=${PIPESTATUS[0]}
fi

# Sum the per-project result lines of 'dotnet test' ("Passed!  - Failed: 0, Passed: 12, Skipped: 0, ...").
read -r passed failed skipped < <(grep -E '(Passed|Failed)!? +- +Failed:' "$log" | sed -E 's/.*Failed: *([0-9]+), Passed: *([0-9]+), Skipped: *([0-9]+).*/\2 \1 \3/' \
  | awk '{p+=$1; f+=$2; s+=$3} END {print p+0, f+0, s+0}')
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; echo "dotnet test failed before running every test (exit $status); see above"; fi
echo "$passed passed, $failed failed, $skipped skipped"
exit "$status"
