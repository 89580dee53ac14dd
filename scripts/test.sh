#!/usr/bin/env bash
# `npm test`: every test stage, in order, each run even when an earlier one failed, then a
# summary. Exit status is non-zero when any stage failed.
#
# A stage whose prerequisite is missing (no Docker engine for the engine tests, no code-server or
# Chromium for the VS Code tests) is a clearly-printed skip locally and a failure when CI=true:
# CI provisions everything (.ci/run runs scripts/provision.sh), so a missing piece there is a bug.
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ci=0
[[ ${CI:-} == true || ${CI:-} == 1 ]] && ci=1
# scripts/vscode-test.mjs exits with this when code-server or Chromium is missing.
EXIT_MISSING=77

names=()
results=()
times=()
notes=()

record() { # name result seconds note
  names+=("$1")
  results+=("$2")
  times+=("$3")
  notes+=("${4:-}")
}

banner() { printf '\n\033[1m=== %s ===\033[0m\n' "$1"; }

# Test counts over every stage, for one closing line: node's runner prints `ℹ pass N` /
# `ℹ fail N`, the VS Code driver `N passed, N failed`.
total_pass=0
total_fail=0
count_tests() { # log file
  local p f
  p=$(grep -aoE '^ℹ pass [0-9]+' "$1" | awk '{s+=$3} END {print s+0}')
  f=$(grep -aoE '^ℹ fail [0-9]+' "$1" | awk '{s+=$3} END {print s+0}')
  if grep -aqE '^[0-9]+ passed, [0-9]+ failed' "$1"; then
    p=$((p + $(grep -aoE '^[0-9]+ passed' "$1" | tail -n 1 | awk '{print $1}')))
    f=$((f + $(grep -aoE '^[0-9]+ passed, [0-9]+ failed' "$1" | tail -n 1 | awk '{print $3}')))
  fi
  total_pass=$((total_pass + p))
  total_fail=$((total_fail + f))
}

# Runs a stage; a command exiting with $EXIT_MISSING counts as a missing prerequisite.
stage() { # name command...
  local name=$1
  shift
  banner "$name: $*"
  local t=$SECONDS status log
  log=$(mktemp)
  "$@" 2>&1 | tee "$log"
  status=${PIPESTATUS[0]}
  count_tests "$log"
  rm -f "$log"
  local took=$((SECONDS - t))
  if ((status == 0)); then
    record "$name" pass "$took"
  elif ((status == EXIT_MISSING)); then
    missing "$name" "$took" "a prerequisite is missing (see above)"
  else
    record "$name" FAIL "$took" "exit $status"
  fi
}

missing() { # name seconds reason
  if ((ci)); then
    printf 'test: %s: %s; CI=true, so this is a failure (provision with: bash scripts/provision.sh)\n' "$1" "$3" >&2
    record "$1" FAIL "$2" "$3"
  else
    printf 'test: SKIP %s: %s (provision with: bash scripts/provision.sh)\n' "$1" "$3"
    record "$1" skip "$2" "$3"
  fi
}

has_tests() { [[ -n $(find "$1" -name '*.test.ts' -print -quit 2>/dev/null) ]]; }

engine_answers() { command -v docker >/dev/null && timeout 10 docker info >/dev/null 2>&1; }

started=$SECONDS
stage typecheck npm run --silent typecheck
# ESLint (type-aware house rules) and Biome's formatter: `npm run format` fixes the latter.
stage lint npm run --silent lint
stage build npm run --silent build
if has_tests test/unit; then stage unit npm run --silent test:unit; else record unit skip 0 "no test/unit/**/*.test.ts"; fi
if has_tests test/lsp; then stage lsp npm run --silent test:lsp; else record lsp skip 0 "no test/lsp/**/*.test.ts"; fi
if has_tests test/engine; then
  if engine_answers; then
    stage engine npm run --silent test:engine
  else
    banner engine
    missing engine 0 "no Docker engine answers 'docker info'"
  fi
else
  record engine skip 0 "no test/engine/**/*.test.ts"
fi
# The build stage above made dist/; run the driver directly rather than test:vscode's rebuild.
stage vscode node scripts/vscode-test.mjs

banner "summary ($((SECONDS - started)) s)"
failed=0
for i in "${!names[@]}"; do
  printf '  %-10s %-5s %4ss  %s\n' "${names[$i]}" "${results[$i]}" "${times[$i]}" "${notes[$i]}"
  [[ ${results[$i]} == FAIL ]] && failed=$((failed + 1))
done
if ((failed)); then
  printf 'test: %d stage(s) failed\n' "$failed"
else
  printf 'test: all stages passed or were skipped\n'
fi
# The closing line CI reads: every test of every stage.
printf '%d passed, %d failed\n' "$total_pass" "$total_fail"
((failed == 0))
