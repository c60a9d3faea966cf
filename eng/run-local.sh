#!/usr/bin/env bash
# Starts the ledger locally: Azurite in memory on 127.0.0.1:10000-10002, then the custom handler on
# http://127.0.0.1:7071 (the same routes the Azure Functions host forwards). Ctrl-C stops both.
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo_root"

if [[ ! -d node_modules || package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "==> npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi

echo "==> building the handler"
dotnet build src/Ledger.Functions/Ledger.Functions.csproj --nologo -c Release -v quiet -clp:ErrorsOnly

export AZURITE_STATE_DIR
AZURITE_STATE_DIR=$(mktemp -d "${TMPDIR:-/tmp}/ledger-local-azurite.XXXXXX")
cleanup() {
  "$repo_root/eng/azurite.sh" stop || true
  rm -rf "$AZURITE_STATE_DIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
"$repo_root/eng/azurite.sh" start

# The handler talks to the Azurite just started, on whatever ports it was given (AZURITE_*_PORT).
if [[ -z "${Ledger__StorageConnectionString:-}" ]]; then
  export Ledger__StorageConnectionString="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:${AZURITE_BLOB_PORT:-10000}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:${AZURITE_QUEUE_PORT:-10001}/devstoreaccount1;TableEndpoint=http://127.0.0.1:${AZURITE_TABLE_PORT:-10002}/devstoreaccount1;"
fi

# The well-known local credentials (public, like Azurite's key): QLDB drivers sign with the access key pair,
# curl uses the API key. Never set this in Azure.
export Ledger__Auth__UseLocalDevelopmentKeys=${Ledger__Auth__UseLocalDevelopmentKeys:-true}
echo "==> local credentials: AWS_ACCESS_KEY_ID=AKIALEDGERLOCAL00001" \
  "AWS_SECRET_ACCESS_KEY=ledger/local/development/secret/NOT/for/azure, x-api-key: ledger-local-development-api-key"
echo "==> ledger handler on ${Ledger__LocalUrl:-http://127.0.0.1:7071} (Ctrl-C stops it and Azurite)"
set +e
dotnet "src/Ledger.Functions/bin/Release/net10.0/Ledger.Functions.dll" &
handler_pid=$!
# Background jobs of a script ignore SIGINT, so Ctrl-C reaches the handler as a graceful SIGTERM from here.
trap 'kill -TERM "$handler_pid" 2>/dev/null; wait "$handler_pid"; exit 130' INT TERM
wait "$handler_pid"
