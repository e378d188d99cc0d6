# Shared by the benchmark scripts (sourced, not run): a release build, a scratch directory removed at
# exit with every process started, waiting for an HTTP answer, and one wrk run summarised.

scratch="${TOCSIN_BENCH_SCRATCH:-.build-release}"
swift build -c release --product tocsin --scratch-path "$scratch" >/dev/null
bin="$scratch/release/tocsin"
work="$(mktemp -d /tmp/tocsin-bench.XXXXXX)"
duration="${TOCSIN_BENCH_SECONDS:-10}"
connections="${TOCSIN_BENCH_CONNECTIONS:-64}"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

wait_http() { for _ in $(seq 1 3000); do curl -sf -o /dev/null "$1" && return 0; sleep 0.005; done; echo "no answer from $1" >&2; exit 1; }

# wrk against a URL (extra wrk arguments after it); prints requests/s, p50, p99 and the count of non-2xx answers.
load() {
  local url=$1; shift
  wrk -t2 -c"$connections" -d"${duration}s" --latency "$@" "$url" >"$work/wrk.txt"
  local rps p50 p99 errors
  rps=$(awk '/Requests\/sec/ { print $2 }' "$work/wrk.txt")
  p50=$(awk '$1 == "50%" { print $2 }' "$work/wrk.txt")
  p99=$(awk '$1 == "99%" { print $2 }' "$work/wrk.txt")
  errors=$(awk '/Non-2xx or 3xx responses/ { print $5 }' "$work/wrk.txt")
  echo "$rps $p50 $p99 ${errors:-0}"
}

header_line() { echo "tocsin $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(nproc) cores, wrk -t2 -c$connections -d${duration}s, $(date -u +%Y-%m-%d)"; }

# Debian's Alertmanager with no receivers on 127.0.0.1:$1, the reference for ingestion; waits until it is ready.
start_alertmanager() {
  am=$(command -v prometheus-alertmanager || command -v alertmanager)
  printf 'route: {receiver: none, group_wait: 1h}\nreceivers: [{name: none}]\n' >"$work/am.yml"
  "$am" --config.file="$work/am.yml" --storage.path="$work/am" --web.listen-address="127.0.0.1:$1" --cluster.listen-address= \
    >/dev/null 2>&1 &
  pids+=($!)
  wait_http "http://127.0.0.1:$1/-/ready"
}
