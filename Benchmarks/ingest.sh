#!/usr/bin/env bash
# Ingestion benchmark: sustained POST /v2/enqueue (unique and repeated dedup keys) on SQLite and, with
# TOCSIN_BENCH_DATABASE_URL, PostgreSQL, beside Alertmanager's own POST /api/v2/alerts in the same run.
# Every 202 from Tocsin is committed; Alertmanager keeps alerts in memory. Only 127.0.0.1; stops by itself.
#
#   Benchmarks/ingest.sh
#
# Needs: a release build (made here, --scratch-path .build-release), curl, wrk, prometheus-alertmanager.
set -euo pipefail
cd "$(dirname "$0")/.."

scratch="${TOCSIN_BENCH_SCRATCH:-.build-release}"
swift build -c release --product tocsin --scratch-path "$scratch" >/dev/null
bin="$scratch/release/tocsin"
work="$(mktemp -d /tmp/tocsin-ingest.XXXXXX)"
port=18281
am_port=18282
duration="${TOCSIN_BENCH_SECONDS:-10}"
connections="${TOCSIN_BENCH_CONNECTIONS:-64}"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

wait_http() { for _ in $(seq 1 600); do curl -sf -o /dev/null "$1" && return 0; sleep 0.05; done; echo "no answer from $1" >&2; exit 1; }

# Prints: requests/s, p50, p99, non-2xx count.
load() {
  local script=$1 url=$2
  wrk -t2 -c"$connections" -d"${duration}s" --latency -s "$script" "$url" >"$work/wrk.txt"
  local rps p50 p99 errors
  rps=$(awk '/Requests\/sec/ { print $2 }' "$work/wrk.txt")
  p50=$(awk '$1 == "50%" { print $2 }' "$work/wrk.txt")
  p99=$(awk '$1 == "99%" { print $2 }' "$work/wrk.txt")
  errors=$(awk '/Non-2xx or 3xx responses/ { print $5 }' "$work/wrk.txt")
  echo "$rps $p50 $p99 ${errors:-0}"
}

row() { printf '| %s | %s | %s | %s / %s | %s |\n' "$@"; }

measure_tocsin() {
  local label=$1; shift
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
    read -r rps p50 p99 errors < <(ROUTING_KEY=$key KEYS=$keys load Benchmarks/enqueue.lua "http://127.0.0.1:$port")
    row "Tocsin, $label" "$keys" "$rps" "$p50" "$p99" "$errors"
  done
  kill -TERM "$server"; wait "$server" 2>/dev/null || true
}

am=$(command -v prometheus-alertmanager || command -v alertmanager)
cat >"$work/am.yml" <<CONF
route: {receiver: none, group_wait: 1h}
receivers: [{name: none}]
CONF

echo "tocsin $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(nproc) cores, wrk -t2 -c$connections -d${duration}s, $(date -u +%Y-%m-%d)"
echo
echo '| receiver | dedup keys | events/s | p50 / p99 | non-2xx |'
echo '|---|---|---|---|---|'
"$am" --config.file="$work/am.yml" --storage.path="$work/am" --web.listen-address="127.0.0.1:$am_port" --cluster.listen-address= \
  >/dev/null 2>&1 &
pids+=($!)
wait_http "http://127.0.0.1:$am_port/-/ready"
for keys in unique repeated; do
  read -r rps p50 p99 errors < <(KEYS=$keys load Benchmarks/alertmanager.lua "http://127.0.0.1:$am_port")
  row "Alertmanager $("$am" --version 2>&1 | awk 'NR==1 { print $3 }') (memory)" "$keys" "$rps" "$p50" "$p99" "$errors"
done
measure_tocsin "SQLite" --data-dir "$work/sqlite"
if [ -n "${TOCSIN_BENCH_DATABASE_URL:-}" ]; then
  measure_tocsin "PostgreSQL" --database-url "$TOCSIN_BENCH_DATABASE_URL"
fi
