#!/usr/bin/env bash
# Where ingestion's time goes, by elimination: a build of HEAD with Benchmarks/ceiling-probes.patch applied (hooks
# that are never shipped) answers POST /v2/enqueue after less and less of the work, beside Alertmanager in the same
# run. New dedup keys, wrk -t2 at 32 connections (TOCSIN_BENCH_CONNECTIONS), SQLite. Only 127.0.0.1; stops by itself.
#
#   Benchmarks/ceiling.sh            # the probe build's first run is a cold release build (.build-probe, kept)
#
# TOCSIN_PROBE: 1 answers at once; 2 after reading the body; 3 after decoding the event; 4 after checking the key
# and its rate (all of the request before the store); 5 through the group-commit queue, one suspension, answered
# from the batch without touching the database; 6 the whole path with synchronous=OFF (no fsync); 0 the real path.
set -euo pipefail
cd "$(dirname "$0")/.."
TOCSIN_BENCH_CONNECTIONS=${TOCSIN_BENCH_CONNECTIONS:-32}
source Benchmarks/common.sh
source Benchmarks/integration-key.sh
port=18381
am_port=18382

src="$work/src"
git worktree add --detach --quiet "$src" HEAD
trap 'cleanup; git worktree remove --force "$src" 2>/dev/null || true' EXIT
git -C "$src" apply "$PWD/Benchmarks/ceiling-probes.patch"
probe_scratch="$PWD/.build-probe"
(cd "$src" && swift build -c release --product tocsin --scratch-path "$probe_scratch" >/dev/null)
probe_bin="$probe_scratch/release/tocsin"

measure_probe() {
  local probe=$1
  TOCSIN_PROBE=$probe "$probe_bin" serve --port "$port" --data-dir "$work/probe-$probe" --log-level warning >/dev/null 2>"$work/serve.err" &
  local server=$!
  pids+=("$server")
  wait_http "http://127.0.0.1:$port/readyz"
  local key
  key=$(bench_integration_key "$probe_bin" "$port" "probe-$probe" --data-dir "$work/probe-$probe")
  read -r rps p50 p99 errors < <(ROUTING_KEY=$key KEYS=unique load "http://127.0.0.1:$port" -s Benchmarks/enqueue.lua)
  kill -TERM "$server"; wait "$server" 2>/dev/null || true
  printf '| %s | %s | %s / %s | %s | %s |\n' "$probe" "$rps" "$p50" "$p99" "$errors" "$(python3 -c "print(f'{$rps / $am_rps:.2f}')")"
}

echo "tocsin $(git rev-parse --short HEAD) with the ceiling probes, $(nproc) cores, wrk -t2 -c$connections -d${duration}s, new keys, $(date -u +%Y-%m-%d)"
echo
start_alertmanager "$am_port"
read -r am_rps am_p50 am_p99 _ < <(KEYS=unique load "http://127.0.0.1:$am_port" -s Benchmarks/alertmanager.lua)
echo "Alertmanager: $am_rps events/s, p50 / p99 $am_p50 / $am_p99"
echo
echo '| TOCSIN_PROBE | events/s | p50 / p99 | non-2xx | ÷ Alertmanager |'
echo '|---|---|---|---|---|'
for probe in ${TOCSIN_PROBE_LIST:-1 2 3 4 5 6 0}; do measure_probe "$probe"; done
