#!/usr/bin/env bash
# Runs every libFuzzer target for a bounded time from a generated seed corpus.
# Usage: scripts/fuzz.sh BUILD_DIR SECONDS_PER_TARGET
# A crash, leak, sanitizer report or timeout fails the run and leaves the input in BUILD_DIR/findings.
set -euo pipefail
build=$1
seconds=$2
corpus="$build/corpus"
findings="$build/findings"
mkdir -p "$findings"
# Seeds are written again whenever fuzz_seeds is newer than them (the mtproto inputs follow the code's fixtures).
if [ ! -f "$corpus/.written" ] || [ "$build/tests/fuzz/fuzz_seeds" -nt "$corpus/.written" ]; then
  rm -rf "$corpus"
  "$build/tests/fuzz/fuzz_seeds" "$corpus" >/dev/null
  touch "$corpus/.written"
fi

run() {
  local target=$1 seeds=$2
  local work="$build/corpus-work/$target"
  mkdir -p "$work"
  echo "fuzz: $target for ${seconds}s"
  if ! "$build/tests/fuzz/$target" "$work" "$seeds" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -max_len=65536 -print_final_stats=1 -artifact_prefix="$findings/$target-" >"$build/$target.log" 2>&1; then
    tail -n 60 "$build/$target.log"
    echo "fuzz: $target FAILED; input saved in $findings"
    return 1
  fi
  grep -E 'stat::number_of_executed_units|stat::peak_rss_mb' "$build/$target.log" | sed "s/^/fuzz: $target /"
}

run tl_decode_fuzz "$corpus/tl"
run json_bridge_fuzz "$corpus/json"
run mtproto_fuzz "$corpus/mtproto"
