#!/usr/bin/env bash
# Ingestion benchmark: sustained POST /v2/enqueue (unique and repeated dedup keys) on SQLite and, with
# TOCSIN_BENCH_DATABASE_URL, PostgreSQL, beside Alertmanager's own POST /api/v2/alerts in the same run.
# Every 202 from Tocsin is committed; Alertmanager keeps alerts in memory. Only 127.0.0.1; stops by itself.
#
#   Benchmarks/ingest.sh
#   TOCSIN_BENCH_BASELINE_BIN=path/to/earlier/tocsin Benchmarks/ingest.sh   # an earlier build beside it
#
# Needs: a release build (made here, --scratch-path .build-release), curl, wrk, prometheus-alertmanager.
set -euo pipefail
cd "$(dirname "$0")/.."

source Benchmarks/common.sh
port=18281
am_port=18282

row() { printf '| %s | %s | %s | %s / %s | %s |\n' "$@"; }

measure_tocsin() {
  local label=$1; shift
  local bin=${TOCSIN_BIN:-$bin}
  "$bin" serve --port "$port" "$@" --log-level warning >/dev/null 2>"$work/serve.err" &
  local server=$!
  pids+=("$server")
  wait_http "http://127.0.0.1:$port/readyz"
  "$bin" user create --email bench@example.com --name Bench --role owner --invite "$@" >/dev/null 2>&1 || true
  local token service key
  token=$("$bin" token create --email bench@example.com "$@" 2>/dev/null)
  service=$(curl -sf -H "Authorization: Bearer $token" -H 'Content-Type: application/json' -d "{\"name\":\"ingest-$RANDOM\",\"tier\":2}" \
    "http://127.0.0.1:$port/api/v1/services" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
  key=$(curl -sf -H "Authorization: Bearer $token" -H 'Content-Type: application/json' -d '{"type":"pagerduty","rate_limit_per_minute":1000000}' \
    "http://127.0.0.1:$port/api/v1/services/$service/integration-keys" | python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])')
  for keys in unique repeated; do
    read -r rps p50 p99 errors < <(ROUTING_KEY=$key KEYS=$keys load "http://127.0.0.1:$port" -s Benchmarks/enqueue.lua)
    row "Tocsin, $label" "$keys" "$rps" "$p50" "$p99" "$errors"
  done
  kill -TERM "$server"; wait "$server" 2>/dev/null || true
}

header_line
echo
echo '| receiver | dedup keys | events/s | p50 / p99 | non-2xx |'
echo '|---|---|---|---|---|'
start_alertmanager "$am_port"
for keys in unique repeated; do
  read -r rps p50 p99 errors < <(KEYS=$keys load "http://127.0.0.1:$am_port" -s Benchmarks/alertmanager.lua)
  row "Alertmanager $("$am" --version 2>&1 | awk 'NR==1 { print $3 }') (memory)" "$keys" "$rps" "$p50" "$p99" "$errors"
done
measure_tocsin "SQLite" --data-dir "$work/sqlite"
# With TOCSIN_BENCH_BASELINE_BIN, a release `tocsin` of an earlier commit, loaded the same way in the same run.
if [ -n "${TOCSIN_BENCH_BASELINE_BIN:-}" ]; then
  TOCSIN_BIN=$TOCSIN_BENCH_BASELINE_BIN measure_tocsin "SQLite, before" --data-dir "$work/sqlite-before"
fi
if [ -n "${TOCSIN_BENCH_DATABASE_URL:-}" ]; then
  measure_tocsin "PostgreSQL" --database-url "$TOCSIN_BENCH_DATABASE_URL"
fi
