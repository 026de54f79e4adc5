#!/usr/bin/env bash
# matrix.sh MTPIPE_BINARY [MODE...]
#
# Runs every (peer, transport) through run_peer.sh for each MODE (default: test seq inflight file
# idle), one after another, and prints one summary line per run. The JSON lines go to
# ${OUT:-/tmp/mtpipe-peers-matrix.jsonl}, the full output of failed runs to ${OUT}.d/.
# N per mode: N_TEST (300), N_SEQ (2000), N_INFLIGHT (10000), N_FILE (256), N_IDLE (100).
# PEERS="telethon gramjs" limits the peers.
set -u
[ $# -ge 1 ] || { sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
bin=$1; shift
modes=("$@"); [ ${#modes[@]} -gt 0 ] || modes=(test seq inflight file idle)
here=$(cd "$(dirname "$0")" && pwd)
out=${OUT:-/tmp/mtpipe-peers-matrix.jsonl}
: >"$out"; rm -rf "$out.d"; mkdir -p "$out.d"
declare -A transports=(
  [telethon]="full intermediate abridged obfuscated"
  [gramjs]="full intermediate abridged obfuscated"
  [mtcute]="intermediate padded obfuscated")
declare -A count=([test]=${N_TEST:-300} [seq]=${N_SEQ:-2000} [inflight]=${N_INFLIGHT:-10000}
                  [file]=${N_FILE:-256} [idle]=${N_IDLE:-100})
fails=0
for mode in "${modes[@]}"; do
  for peer in ${PEERS:-telethon gramjs mtcute}; do
    for t in ${transports[$peer]}; do
      log="$out.d/$peer.$t.$mode.log"
      start=$(date +%s.%N)
      "$here/run_peer.sh" "$bin" "$peer" "$t" "$mode" "${count[$mode]}" >"$log.out" 2>"$log"
      st=$?
      secs=$(echo "$(date +%s.%N) - $start" | bc)
      json=$(grep '^{' "$log.out" | tail -n 1)
      [ -n "$json" ] && echo "$json" >>"$out"
      if [ $st = 0 ]; then
        rm -f "$log" "$log.out"
        verdict=ok
      else
        fails=$((fails + 1))
        cat "$log.out" >>"$log"; rm -f "$log.out"
        verdict="FAIL($st)"
      fi
      summary=$(echo "${json:-{\}}" | /usr/bin/python3 -c '
import json, sys
d = json.loads(sys.stdin.read() or "{}")
keys = ["rps", "cpu_us_per_req", "mb_s", "cpu_us_per_part", "rss_per_session_kb", "opened",
        "getfile_ok", "nearest_ok", "bad_salts", "error"]
print(" ".join(f"{k}={d[k]}" for k in keys if k in d))')
      printf '%-9s %-13s %-9s %-9s %6.1fs  %s\n' "$peer" "$t" "$mode" "$verdict" "$secs" "$summary"
    done
  done
done
if [ $fails = 0 ]; then echo "results: $out"; else echo "results: $out; $fails failed, logs in $out.d/"; fi
[ $fails = 0 ]
