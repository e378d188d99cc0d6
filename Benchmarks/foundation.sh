#!/usr/bin/env bash
# Foundation benchmark: time from `tocsin serve` to /readyz 200, idle resident memory, and
# GET /api/v1/services (100 services) throughput, beside nginx serving the same bytes as a
# static file in the same run. Talks only to 127.0.0.1 and stops by itself.
#
#   Benchmarks/foundation.sh            # SQLite; add PostgreSQL with TOCSIN_BENCH_DATABASE_URL=postgres://…
#   TOCSIN_BENCH_BASELINE_BIN=path/to/earlier/tocsin Benchmarks/foundation.sh   # an earlier build beside it
#
# Needs: a release build (built here with --scratch-path .build-release), curl, wrk, nginx (Debian: wrk nginx-light).
set -euo pipefail
cd "$(dirname "$0")/.."

source Benchmarks/common.sh
port=18181
nginx_port=18182

now_ms() { date +%s%3N; }

# Starts tocsin on a database and waits for /readyz; sets $server and $ready_ms.
start_tocsin() {
  local t0 t1
  t0=$(now_ms)
  "$bin" serve --port "$port" "$@" --log-level warning >"$work/serve.out" 2>"$work/serve.err" &
  server=$!
  pids+=("$server")
  for _ in $(seq 1 3000); do
    if curl -sf -o /dev/null "http://127.0.0.1:$port/readyz"; then t1=$(now_ms); ready_ms=$((t1 - t0)); return 0; fi
    sleep 0.005
  done
  echo "tocsin did not become ready" >&2; cat "$work/serve.err" >&2; exit 1
}

stop_tocsin() { kill -TERM "$server"; wait "$server" 2>/dev/null || true; }

rss_mb() { awk '/VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }

measure() {
  local label=$1; shift
  # TOCSIN_BIN: another build measured the same way (start_tocsin sees this local).
  local bin=${TOCSIN_BIN:-$bin}
  # Ready time: median of five cold starts on an existing, migrated database.
  local first ready=()
  start_tocsin "$@"; first=$ready_ms; stop_tocsin
  for _ in 1 2 3 4 5; do start_tocsin "$@"; ready+=("$ready_ms"); stop_tocsin; done
  local median
  median=$(printf '%s\n' "${ready[@]}" | sort -n | sed -n 3p)

  start_tocsin "$@"
  "$bin" user create --email bench@example.com --name Bench --role owner --invite "$@" >/dev/null 2>&1 || true
  local token
  token=$("$bin" token create --email bench@example.com "$@" 2>/dev/null)
  for i in $(seq -w 1 100); do
    curl -sf -o /dev/null -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
      -d "{\"name\":\"bench-service-$i\",\"description\":\"Benchmark service $i\",\"tier\":$(( (10#$i % 4) + 1 )),\"links\":[{\"title\":\"Dashboard\",\"url\":\"https://grafana.example.com/d/$i\"}]}" \
      "http://127.0.0.1:$port/api/v1/services" || true
  done
  sleep 5
  local idle
  idle=$(rss_mb "$server")
  curl -sf -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/services?limit=100" >"$work/www/services.json"
  local count
  count=$(python3 -c "import json,sys; print(len(json.load(open('$work/www/services.json'))['data']))")
  read -r rps p50 p99 _ < <(load "http://127.0.0.1:$port/api/v1/services?limit=100" -H "Authorization: Bearer $token")
  local loaded
  loaded=$(rss_mb "$server")
  read -r nrps _ _ _ < <(load "http://127.0.0.1:$nginx_port/services.json")
  stop_tocsin
  local ratio
  ratio=$(python3 -c "print(f'{$rps / $nrps:.4f}')")
  printf '| %s | %s ms (first start, migrating: %s ms) | %s MB | %s MB | %s | %s | %s / %s | %s | %s |\n' \
    "$label" "$median" "$first" "$idle" "$loaded" "$count" "$rps" "$p50" "$p99" "$nrps" "$ratio"
}

mkdir -p "$work/www" "$work/nginx"
cat >"$work/nginx/nginx.conf" <<CONF
worker_processes 2;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $work/nginx; proxy_temp_path $work/nginx; fastcgi_temp_path $work/nginx; uwsgi_temp_path $work/nginx; scgi_temp_path $work/nginx;
  server { listen 127.0.0.1:$nginx_port; root $work/www; location / { default_type application/json; } }
}
CONF
nginx -c "$work/nginx/nginx.conf" -g 'daemon off;' &
pids+=($!)

header_line
echo
echo '| database | ready (median of 5) | idle RSS | RSS after load | services returned | tocsin req/s | p50 / p99 | nginx static req/s | tocsin ÷ nginx |'
echo '|---|---|---|---|---|---|---|---|---|'
measure "SQLite" --data-dir "$work/sqlite"
# TOCSIN_BENCH_BASELINE_BIN=a[,b]: release builds of earlier commits, measured the same way in the same run.
IFS=',' read -r -a baselines <<<"${TOCSIN_BENCH_BASELINE_BIN:-}"
n=0
for baseline in "${baselines[@]}"; do
  n=$((n + 1))
  [ -n "$baseline" ] && TOCSIN_BIN=$baseline measure "SQLite, $(basename "$baseline")" --data-dir "$work/sqlite-before-$n"
done
if [ -n "${TOCSIN_BENCH_DATABASE_URL:-}" ]; then
  measure "PostgreSQL" --database-url "$TOCSIN_BENCH_DATABASE_URL"
fi
