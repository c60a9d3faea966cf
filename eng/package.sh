#!/usr/bin/env bash
# Builds the deployable Function App zip: host.json and every functions/* folder at the root, and a
# self-contained linux-x64 handler in app/ with its executable bit set.
#   eng/package.sh [output.zip]      (default: artifacts/ledger-functions.zip)
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
output=${1:-$repo_root/artifacts/ledger-functions.zip}
[[ "$output" = /* ]] || output="$PWD/$output"
staging=$(mktemp -d "${TMPDIR:-/tmp}/ledger-package.XXXXXX")
trap 'rm -rf "$staging"' EXIT

dotnet publish "$repo_root/src/Ledger.Functions/Ledger.Functions.csproj" --nologo -v quiet -clp:ErrorsOnly \
  -c Release -r linux-x64 --self-contained true -p:PublishSingleFile=false \
  --artifacts-path "$staging/build" -o "$staging/root/app"

cp "$repo_root/host.json" "$staging/root/"
for function_dir in "$repo_root"/functions/*/; do
  [[ -f "$function_dir/function.json" ]] || continue
  cp -r "$function_dir" "$staging/root/"
done
chmod 755 "$staging/root/app/Ledger.Functions"

mkdir -p "$(dirname "$output")"
rm -f "$output"
# Info-ZIP keeps Unix mode bits, so the host can execute app/Ledger.Functions after extraction.
(cd "$staging/root" && zip -q -r -X "$output" .)
echo "package: $output"
