#!/usr/bin/env bash
# Ingestion benchmark: sustained POST /v2/enqueue (unique and repeated dedup keys) on SQLite and, with
# TOCSIN_BENCH_DATABASE_URL, PostgreSQL, beside Alertmanager's own POST /api/v2/alerts in the same run.
# Every 202 from Tocsin is committed; Alertmanager keeps alerts in memory. Only 127.0.0.1; stops by itself.
#
#   Benchmarks/ingest.sh
#   TOCSIN_BENCH_BASELINE_BIN=path/to/earlier/tocsin[,another] Benchmarks/ingest.sh   # earlier builds beside it
#   TOCSIN_BENCH_ORDER=baseline-first ...        # the earlier builds first (alternate runs to see the order's effect)
#   TOCSIN_BENCH_CONNECTION_LIST="32 128"        # the connection counts (default 32 and 128)
#
# Needs: a release build (made here, --scratch-path .build-release), curl, wrk, prometheus-alertmanager.
set -euo pipefail
cd "$(dirname "$0")/.."

source Benchmarks/common.sh
source Benchmarks/integration-key.sh
port=18281
am_port=18282

measure_tocsin() {
  local label=$1; shift
  local bin=${TOCSIN_BIN:-$bin}
  "$bin" serve --port "$port" "$@" --log-level warning >/dev/null 2>"$work/serve.err" &
  local server=$!
  pids+=("$server")
  wait_http "http://127.0.0.1:$port/readyz"
  local key
  key=$(bench_integration_key "$bin" "$port" "ingest-$RANDOM" "$@")
  for keys in unique repeated; do
    read -r rps p50 p99 errors < <(ROUTING_KEY=$key KEYS=$keys load "http://127.0.0.1:$port" -s Benchmarks/enqueue.lua)
    row "Tocsin, $label" "$connections" "$keys" "$rps" "$p50" "$p99" "$errors"
  done
  kill -TERM "$server"; wait "$server" 2>/dev/null || true
}

# Each build runs in turn at every connection count; TOCSIN_BENCH_ORDER=baseline-first runs the earlier builds first,
# so a run of each order shows what the position in the run costs on a noisy machine.
builds=("SQLite|$bin")
IFS=',' read -r -a baselines <<<"${TOCSIN_BENCH_BASELINE_BIN:-}"
for baseline in "${baselines[@]}"; do
  [ -n "$baseline" ] && builds+=("SQLite, $(basename "$baseline")|$baseline")
done
if [ "${TOCSIN_BENCH_ORDER:-}" = baseline-first ]; then
  reversed=(); for ((i=${#builds[@]}-1; i>=0; i--)); do reversed+=("${builds[i]}"); done; builds=("${reversed[@]}")
fi

echo "tocsin $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(nproc) cores, wrk -t2 -d${duration}s at ${TOCSIN_BENCH_CONNECTION_LIST:-32 128} connections, $(date -u +%Y-%m-%d)"
echo
echo '| receiver | connections | dedup keys | events/s | p50 / p99 | non-2xx |'
echo '|---|---|---|---|---|---|'
row() { printf '| %s | %s | %s | %s | %s / %s | %s |\n' "$@"; }
start_alertmanager "$am_port"
am_label="Alertmanager $("$am" --version 2>&1 | awk 'NR==1 { print $3 }') (memory)"
for connections in ${TOCSIN_BENCH_CONNECTION_LIST:-32 128}; do
  for keys in unique repeated; do
    read -r rps p50 p99 errors < <(KEYS=$keys load "http://127.0.0.1:$am_port" -s Benchmarks/alertmanager.lua)
    row "$am_label" "$connections" "$keys" "$rps" "$p50" "$p99" "$errors"
  done
  n=0
  for build in "${builds[@]}"; do
    n=$((n + 1))
    TOCSIN_BIN=${build#*|} measure_tocsin "${build%%|*}" --data-dir "$work/sqlite-$connections-$n"
  done
  if [ -n "${TOCSIN_BENCH_DATABASE_URL:-}" ]; then
    measure_tocsin "PostgreSQL" --database-url "$TOCSIN_BENCH_DATABASE_URL"
  fi
done
