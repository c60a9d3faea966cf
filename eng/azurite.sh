#!/usr/bin/env bash
# Starts, waits for and stops a local Azurite (Blob, Queue, Table) on loopback for runs and tests.
#
#   eng/azurite.sh start    start in the background (in memory), wait until every port answers
#   eng/azurite.sh stop     stop the instance this script started (no-op when none)
#   eng/azurite.sh status   exit 0 when the ports answer
#
# Environment: AZURITE_BLOB_PORT (10000), AZURITE_QUEUE_PORT (10001), AZURITE_TABLE_PORT (10002),
# AZURITE_STATE_DIR (where the pid file and log go; default: a folder under ${TMPDIR:-/tmp} keyed by port).
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
blob_port=${AZURITE_BLOB_PORT:-10000}
queue_port=${AZURITE_QUEUE_PORT:-10001}
table_port=${AZURITE_TABLE_PORT:-10002}
state_dir=${AZURITE_STATE_DIR:-${TMPDIR:-/tmp}/ledger-azurite-$blob_port}
pid_file="$state_dir/azurite.pid"
log_file="$state_dir/azurite.log"

port_answers() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

all_ports_answer() {
  port_answers "$blob_port" && port_answers "$queue_port" && port_answers "$table_port"
}

any_port_answers() {
  port_answers "$blob_port" || port_answers "$queue_port" || port_answers "$table_port"
}

start() {
  local azurite="$repo_root/node_modules/.bin/azurite"
  if [[ ! -x "$azurite" ]]; then
    echo "azurite: not installed; run 'npm ci' in $repo_root first" >&2
    exit 1
  fi
  if any_port_answers; then
    echo "azurite: a port of $blob_port/$queue_port/$table_port is already in use; stop that process or set AZURITE_*_PORT" >&2
    exit 1
  fi
  mkdir -p "$state_dir"
  # setsid: Ctrl-C in the terminal reaches the handler, and the caller's trap stops Azurite in order.
  # In memory; Azurite may still write small debug/extent files in its working directory.
  (cd "$state_dir" && exec setsid "$azurite" --silent --inMemoryPersistence --skipApiVersionCheck --disableTelemetry --loose \
    --blobHost 127.0.0.1 --blobPort "$blob_port" \
    --queueHost 127.0.0.1 --queuePort "$queue_port" \
    --tableHost 127.0.0.1 --tablePort "$table_port" \
    >"$log_file" 2>&1 </dev/null) &
  echo $! >"$pid_file"
  for _ in $(seq 1 300); do
    if all_ports_answer; then
      echo "azurite: listening on 127.0.0.1 blob=$blob_port queue=$queue_port table=$table_port (pid $(cat "$pid_file"))"
      return 0
    fi
    if ! kill -0 "$(cat "$pid_file")" 2>/dev/null; then
      echo "azurite: exited during start-up; log follows" >&2
      cat "$log_file" >&2
      exit 1
    fi
    sleep 0.1
  done
  echo "azurite: did not answer within 30 s; log follows" >&2
  cat "$log_file" >&2
  stop
  exit 1
}

stop() {
  [[ -f "$pid_file" ]] || return 0
  local pid
  pid=$(cat "$pid_file")
  if kill -0 "$pid" 2>/dev/null; then
    # Azurite runs in its own session: signal the whole group so node children go too.
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL -- "-$pid" 2>/dev/null || true
  fi
  rm -f "$pid_file"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) all_ports_answer ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
