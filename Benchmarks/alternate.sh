#!/usr/bin/env bash
# Two builds loaded in turn, on a fresh database each time: `POST /v2/enqueue` triggers, A, B, A, B, … On a machine
# whose speed moves from minute to minute, alternating short runs compares two builds better than one long run each.
# Only 127.0.0.1; stops by itself.
#
#   Benchmarks/alternate.sh path/to/a/tocsin path/to/b/tocsin            # SQLite, 3 rounds
#   TOCSIN_BENCH_DATABASE_URL='postgres://postgres@127.0.0.1:55432/postgres?sslmode=disable' Benchmarks/alternate.sh A B
#       # PostgreSQL: a database tocsin_alternate is dropped and made again on that server before each run
#   TOCSIN_BENCH_ROUNDS=4 TOCSIN_BENCH_CONNECTIONS=128 TOCSIN_BENCH_SECONDS=8 KEYS=repeated Benchmarks/alternate.sh A B
#
# Needs: curl, wrk, and for PostgreSQL psql. Builds nothing: give it release binaries.
set -euo pipefail
cd "$(dirname "$0")/.."
source Benchmarks/integration-key.sh
[ $# -eq 2 ] || { echo "usage: $0 BINARY_A BINARY_B" >&2; exit 2; }

port=18291
work="$(mktemp -d /tmp/tocsin-alternate.XXXXXX)"
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
wait_http() { for _ in $(seq 1 3000); do curl -sf -o /dev/null "$1" && return 0; sleep 0.005; done; echo "no answer from $1" >&2; exit 1; }

run() {
  local bin=$1 database=()
  if [ -n "${TOCSIN_BENCH_DATABASE_URL:-}" ]; then
    PGOPTIONS='--client-min-messages=warning' psql -q "$TOCSIN_BENCH_DATABASE_URL" -c 'DROP DATABASE IF EXISTS tocsin_alternate' -c 'CREATE DATABASE tocsin_alternate' >/dev/null
    local url=$TOCSIN_BENCH_DATABASE_URL query=""
    [[ $url == *\?* ]] && query="?${url#*\?}"
    database=(--database-url "$(dirname "${url%%\?*}")/tocsin_alternate$query")
  else
    rm -rf "$work/data"
    database=(--data-dir "$work/data")
  fi
  "$bin" serve --port "$port" "${database[@]}" --log-level warning >/dev/null 2>"$work/serve.err" &
  server=$!
  wait_http "http://127.0.0.1:$port/readyz"
  local key
  key=$(bench_integration_key "$bin" "$port" alternate "${database[@]}")
  ROUTING_KEY=$key KEYS=${KEYS:-unique} wrk -t2 -c"${TOCSIN_BENCH_CONNECTIONS:-32}" -d"${TOCSIN_BENCH_SECONDS:-8}s" --latency \
    -s Benchmarks/enqueue.lua "http://127.0.0.1:$port" >"$work/wrk.txt"
  kill -TERM "$server"; wait "$server" 2>/dev/null || true; server=""
  printf '%s events/s, p99 %s' "$(awk '/Requests\/sec/ { print $2 }' "$work/wrk.txt")" "$(awk '$1 == "99%" { print $2 }' "$work/wrk.txt")"
}

echo "A = $1, B = $2; ${KEYS:-unique} keys, wrk -t2 -c${TOCSIN_BENCH_CONNECTIONS:-32} -d${TOCSIN_BENCH_SECONDS:-8}s, $(date -u +%Y-%m-%d)"
for round in $(seq 1 "${TOCSIN_BENCH_ROUNDS:-3}"); do
  a=$(run "$1")
  b=$(run "$2")
  echo "round $round: A $a | B $b"
done
