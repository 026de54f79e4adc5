#!/usr/bin/env bash
# run_peer.sh MTPIPE_BINARY PEER TRANSPORT MODE N [extra sim args...]
#
# Starts `MTPIPE_BINARY sim` on ephemeral ports in a private temp dir, waits for its ready file,
# runs one third-party peer client against it, stops the sim and exits with the client's status.
#   PEER       telethon | gramjs | mtcute
#   TRANSPORT  telethon: full intermediate abridged obfuscated
#              gramjs:   full intermediate abridged obfuscated
#              mtcute:   intermediate padded obfuscated
#   MODE       test | seq | inflight | file | idle      (see README.md)
# Environment:
#   PEER_ARGS     extra client arguments, e.g. "--window 50 --verbose"
#   SIM_ARGS      extra sim arguments (as well as the trailing ones)
#   SALT_ROTATE   --salt-rotate-after value (default 50; 0 leaves the flag out)
#   READY_TIMEOUT seconds to wait for the ready file (default 30)
#   KEEP_TMP=1    keep the temp dir (sim log, key, ready file) for inspection
set -u

if [ $# -lt 5 ]; then
  sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi
bin=$1 peer=$2 transport=$3 mode=$4 n=$5
shift 5
here=$(cd "$(dirname "$0")" && pwd)

case "$peer" in
  telethon) client=(/usr/bin/python3 "$here/telethon_client.py") ;;
  gramjs)   client=(node --expose-gc "$here/gramjs/client.js"); modules="$here/gramjs/node_modules" ;;
  mtcute)   client=(node --expose-gc "$here/mtcute/client.mjs"); modules="$here/mtcute/node_modules" ;;
  *) echo "run_peer: unknown peer '$peer' (telethon, gramjs, mtcute)" >&2; exit 2 ;;
esac
if [ -n "${modules:-}" ] && [ ! -d "$modules" ]; then
  echo "run_peer: $modules is missing; run scripts/setup.sh (npm ci --ignore-scripts)" >&2
  exit 1
fi
if [ ! -x "$bin" ]; then
  echo "run_peer: $bin is not an executable" >&2
  exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/mtpipe-peer-$peer-$transport-$mode.XXXXXX")
sim_pid=
stop_sim() {
  [ -n "$sim_pid" ] || return 0
  if kill -0 "$sim_pid" 2>/dev/null; then
    kill -TERM "$sim_pid" 2>/dev/null
    for _ in $(seq 100); do kill -0 "$sim_pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$sim_pid" 2>/dev/null; then
      echo "run_peer: the sim did not stop within 10 s of SIGTERM; killing it" >&2
      kill -KILL "$sim_pid" 2>/dev/null
    fi
  fi
  wait "$sim_pid" 2>/dev/null
  sim_status=$?
  sim_pid=
}
cleanup() {
  stop_sim
  if [ "${KEEP_TMP:-0}" = 1 ]; then echo "run_peer: kept $tmp" >&2; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

sim_cmd=("$bin" sim --dcs 3 --ready-file "$tmp/ready.json" --rsa-key "$tmp/key.pem")
rotate=${SALT_ROTATE:-50}
[ "$rotate" != 0 ] && sim_cmd+=(--salt-rotate-after "$rotate")
# shellcheck disable=SC2206
sim_cmd+=(${SIM_ARGS:-} "$@")
"${sim_cmd[@]}" >"$tmp/sim.log" 2>&1 &
sim_pid=$!

deadline=$(( $(date +%s) + ${READY_TIMEOUT:-30} ))
while [ ! -s "$tmp/ready.json" ]; do
  if ! kill -0 "$sim_pid" 2>/dev/null; then
    wait "$sim_pid"; st=$?; sim_pid=
    echo "run_peer: the sim exited with status $st before writing its ready file: ${sim_cmd[*]}" >&2
    tail -n 40 "$tmp/sim.log" >&2
    exit 1
  fi
  if [ "$(date +%s)" -ge "$deadline" ]; then
    echo "run_peer: no ready file after ${READY_TIMEOUT:-30} s: ${sim_cmd[*]}" >&2
    tail -n 40 "$tmp/sim.log" >&2
    exit 1
  fi
  sleep 0.05
done

peer_args=(--ready "$tmp/ready.json" --dc 2 --transport "$transport" --mode "$mode" -n "$n")
# With salt rotation every test run must live through at least one bad_server_salt.
[ "$mode" = test ] && [ "$rotate" != 0 ] && peer_args+=(--min-bad-salts 1)
# shellcheck disable=SC2206
peer_args+=(${PEER_ARGS:-})

echo "run_peer: ${client[*]} ${peer_args[*]}" >&2
"${client[@]}" "${peer_args[@]}"
status=$?

sim_status=0
if ! kill -0 "$sim_pid" 2>/dev/null; then
  echo "run_peer: the sim died during the run" >&2
fi
stop_sim
if [ "$sim_status" != 0 ]; then
  echo "run_peer: the sim exited with status $sim_status after SIGTERM" >&2
fi
if [ "$status" != 0 ] || [ "$sim_status" != 0 ]; then
  echo "run_peer: --- last lines of the sim log ($tmp/sim.log) ---" >&2
  tail -n 40 "$tmp/sim.log" >&2
fi
exit "$status"
