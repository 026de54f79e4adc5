#!/usr/bin/env bash
# Runs every benchmark binary of a build and prints its table. Each benchmark carries its own
# reference (memcpy, a raw primitive, another library) measured in the same run: compare ratios,
# not absolute times.
# Usage: scripts/bench.sh BUILD_DIR [extra Google Benchmark flags]
set -euo pipefail
build=$1
shift || true
for b in tl_bench crypto_bench; do
  echo "== $b"
  "$build/bench/$b" --benchmark_min_time=1 "$@"
done
