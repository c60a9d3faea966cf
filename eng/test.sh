#!/usr/bin/env bash
# Runs every test: restores tools and packages, builds, starts a private Azurite, runs all .NET test projects
# (unit, Azurite integration and HTTP end-to-end) and the Node end-to-end tests, then stops everything it
# started, whether the tests pass or fail. The last line is the total: "Tests: N passed, N failed, N skipped".
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo_root"
configuration=${CONFIGURATION:-Release}
results_dir="$repo_root/artifacts/test-results"
log_dir="$repo_root/artifacts/test-logs"

# Node tools (Azurite, reference Ion libraries, QLDB clients): install exactly what the lock file pins.
if [[ "${CI:-}" == "true" || ! -d node_modules || package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "==> npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi

echo "==> dotnet restore and build ($configuration)"
dotnet restore Ledger.Serverless.sln --nologo -v quiet
dotnet build Ledger.Serverless.sln --nologo --no-restore -c "$configuration" -v quiet -clp:ErrorsOnly

echo "==> dotnet format (whitespace) check"
if ! dotnet format whitespace Ledger.Serverless.sln --verify-no-changes -v quiet; then
  echo "dotnet format: files above are not formatted; run 'dotnet format Ledger.Serverless.sln'" >&2
  exit 1
fi

# A private Azurite: the default ports unless something (a local run) holds them.
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
base=10000
for candidate in 10000 10100 10200 10300 10400; do
  if port_free "$candidate" && port_free $((candidate + 1)) && port_free $((candidate + 2)); then
    base=$candidate
    break
  fi
done
export AZURITE_BLOB_PORT=$base AZURITE_QUEUE_PORT=$((base + 1)) AZURITE_TABLE_PORT=$((base + 2))
export AZURITE_STATE_DIR
AZURITE_STATE_DIR=$(mktemp -d "${TMPDIR:-/tmp}/ledger-test-azurite.XXXXXX")
cleanup() {
  "$repo_root/eng/azurite.sh" stop || true
  rm -rf "$AZURITE_STATE_DIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
"$repo_root/eng/azurite.sh" start

rm -rf "$results_dir" "$log_dir"
mkdir -p "$results_dir" "$log_dir"
passed=0 failed=0 skipped=0 status=0

echo "==> dotnet test"
set +e
dotnet test Ledger.Serverless.sln --nologo --no-build -c "$configuration" \
  --results-directory "$results_dir" --logger "trx" 2>&1 | tee "$log_dir/dotnet-test.log"
dotnet_status=${PIPESTATUS[0]}
set -e
[[ $dotnet_status -eq 0 ]] || status=1
while IFS= read -r line; do
  f=$(sed -E 's/.*Failed: *([0-9]+).*/\1/' <<<"$line")
  p=$(sed -E 's/.*Passed: *([0-9]+).*/\1/' <<<"$line")
  s=$(sed -E 's/.*Skipped: *([0-9]+).*/\1/' <<<"$line")
  failed=$((failed + f)) passed=$((passed + p)) skipped=$((skipped + s))
done < <(grep -E '^(Passed|Failed)! +- Failed: *[0-9]+, Passed: *[0-9]+, Skipped: *[0-9]+' "$log_dir/dotnet-test.log" || true)

# Node end-to-end tests (real QLDB clients against the handler), when present.
if compgen -G "tests/e2e/*.test.mjs" >/dev/null; then
  echo "==> node --test tests/e2e"
  set +e
  node --test --test-reporter=tap tests/e2e/*.test.mjs 2>&1 | tee "$log_dir/node-test.log"
  node_status=${PIPESTATUS[0]}
  set -e
  [[ $node_status -eq 0 ]] || status=1
  np=$(grep -E '^# pass ' "$log_dir/node-test.log" | awk '{s+=$3} END {print s+0}')
  nf=$(grep -E '^# fail ' "$log_dir/node-test.log" | awk '{s+=$3} END {print s+0}')
  ns=$(grep -E '^# skipped ' "$log_dir/node-test.log" | awk '{s+=$3} END {print s+0}')
  passed=$((passed + np)) failed=$((failed + nf)) skipped=$((skipped + ns))
fi

if [[ $passed -eq 0 ]]; then
  echo "no test ran" >&2
  status=1
fi
[[ $failed -eq 0 ]] || status=1
# The failures again, last, so that a log's tail names them: each failed .NET test with the first lines of
# its message, and each failed Node test (TODO cases excluded, they are expected failures).
if [[ $failed -ne 0 ]]; then
  echo
  echo "==> failed tests"
  grep -E -A 6 '^ +Failed [^ ]' "$log_dir/dotnet-test.log" | cut -c1-300 || true
  if [[ -f "$log_dir/node-test.log" ]]; then
    grep -E '^ *not ok ' "$log_dir/node-test.log" | grep -v '# TODO' || true
  fi
fi
echo
echo "Tests: $passed passed, $failed failed, $skipped skipped"
exit $status
