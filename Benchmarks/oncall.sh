#!/usr/bin/env bash
# On-call benchmark: final timelines of 1,000 schedules (3 layers, 8 members, restrictions, 20 overrides each)
# over 90 days, beside Foundation's Calendar computing the same number of daily hand-offs. CPU only.
#
#   Benchmarks/oncall.sh
set -euo pipefail
cd "$(dirname "$0")/.."
scratch="${TOCSIN_BENCH_SCRATCH:-.build-release}"
swift build -c release --product OnCallBenchmark --scratch-path "$scratch" >/dev/null
echo "tocsin $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(nproc) cores, $(date -u +%Y-%m-%d)"
echo
"$scratch/release/OnCallBenchmark"
