#!/usr/bin/env bash
# Matcher benchmark: patterns in silences and event rules must run in linear time without slowing the common case.
#   1. In one process: LinearRegex beside NSRegularExpression (compiled once, and per match as the code before
#      did) on common patterns, and the hostile `(a+)+$` (Benchmarks/Matching).
#   2. Over HTTP: POST /v2/enqueue with 20 regex silences in force (none matching), beside Alertmanager in the
#      same run; with TOCSIN_BENCH_BASELINE_BIN (a release `tocsin` built from an earlier commit), the same load
#      on it too, and the time of one event whose summary is 24 × a then ! against the silence `summary=~(a+)+$`.
#
#   Benchmarks/matching.sh
#   TOCSIN_BENCH_BASELINE_BIN=.build-release-baseline/release/tocsin Benchmarks/matching.sh
#
# Only 127.0.0.1; stops by itself. Needs curl, wrk, prometheus-alertmanager.
set -euo pipefail
cd "$(dirname "$0")/.."

source Benchmarks/common.sh
swift build -c release --product MatchingBenchmark --scratch-path "$scratch" >/dev/null
port=18291
am_port=18292

header_line
echo
"$scratch/release/MatchingBenchmark"
echo

# One event's time from request to 202, median of 5 (each a new dedup key).
event_ms() {
  local key=$1 summary=$2
  for i in 1 2 3 4 5; do
    curl -s -o /dev/null -w '%{time_total}\n' -H 'Content-Type: application/json' \
      -d "{\"routing_key\":\"$key\",\"event_action\":\"trigger\",\"dedup_key\":\"hostile-$RANDOM-$i\",\"payload\":{\"summary\":\"$summary\",\"source\":\"bench\",\"severity\":\"error\"}}" \
      "http://127.0.0.1:$port/v2/enqueue"
  done | sort -n | awk 'NR == 3 { printf "%.1f ms", $1 * 1000 }'
}

measure() {
  local label=$1 binary=$2
  local data="$work/data-$RANDOM"
  "$binary" serve --port "$port" --data-dir "$data" --log-level warning >/dev/null 2>"$work/serve.err" &
  local server=$!
  pids+=("$server")
  wait_http "http://127.0.0.1:$port/readyz"
  "$binary" user create --email bench@example.com --name Bench --role owner --invite --data-dir "$data" >/dev/null 2>&1
  local token service key api="http://127.0.0.1:$port/api/v1"
  token=$("$binary" token create --email bench@example.com --data-dir "$data" 2>/dev/null)
  local auth=(-H "Authorization: Bearer $token" -H 'Content-Type: application/json')
  service=$(curl -sf "${auth[@]}" -d '{"name":"matching","tier":2}' "$api/services" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
  key=$(curl -sf "${auth[@]}" -d '{"type":"pagerduty","rate_limit_per_minute":1000000}' "$api/services/$service/integration-keys" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])')
  local ends; ends=$(date -u -d '+1 day' +%Y-%m-%dT%H:%M:%SZ)
  for i in $(seq 1 19); do
    curl -sf -o /dev/null "${auth[@]}" -d "{\"matchers\":[{\"name\":\"summary\",\"op\":\"=~\",\"value\":\".*maintenance-$i.*\"},{\"name\":\"source\",\"op\":\"=~\",\"value\":\"(db|cache)-[0-9]+\"}],\"ends_at\":\"$ends\",\"comment\":\"bench $i\"}" "$api/silences"
  done
  curl -sf -o /dev/null "${auth[@]}" -d "{\"matchers\":[{\"name\":\"summary\",\"op\":\"=~\",\"value\":\"(a+)+\$\"}],\"ends_at\":\"$ends\",\"comment\":\"hostile\"}" "$api/silences"
  read -r rps p50 p99 errors < <(ROUTING_KEY=$key KEYS=unique load "http://127.0.0.1:$port" -s Benchmarks/enqueue.lua)
  local hostile; hostile=$(event_ms "$key" "$(printf 'a%.0s' $(seq 1 24))!")
  local long="—"
  [ "$label" = "now" ] && long=$(event_ms "$key" "$(printf 'a%.0s' $(seq 1 1000))!")
  printf '| Tocsin %s, SQLite, 20 regex silences | %s | %s / %s | %s | %s | %s |\n' "$label" "$rps" "$p50" "$p99" "$errors" "$hostile" "$long"
  kill -TERM "$server"; wait "$server" 2>/dev/null || true
}

start_alertmanager "$am_port"
echo '| receiver | events/s (new key each) | p50 / p99 | non-2xx | one event, summary 24 × a then ! | 1000 × a then ! |'
echo '|---|---|---|---|---|---|'
read -r rps p50 p99 errors < <(KEYS=unique load "http://127.0.0.1:$am_port" -s Benchmarks/alertmanager.lua)
printf '| Alertmanager (memory, no silences) | %s | %s / %s | %s | — | — |\n' "$rps" "$p50" "$p99" "$errors"
measure now "$bin"
if [ -n "${TOCSIN_BENCH_BASELINE_BIN:-}" ]; then measure before "$TOCSIN_BENCH_BASELINE_BIN"; fi
