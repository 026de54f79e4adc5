# Sourced by the app tests: a temp dir, `fail`, and `start_sim ARGS...`, which runs `mtpipe sim` with a ready
# file in the temp dir and waits until it listens. Everything is cleaned up on exit.
#   Needs: $bin (the mtpipe binary) and $test_name.
tmp=$(mktemp -d)
sim=""
trap '[ -n "$sim" ] && { kill $sim 2>/dev/null; wait $sim 2>/dev/null; }; rm -rf "$tmp"' EXIT
fail() { echo "$test_name: $*" >&2; exit 1; }

start_sim() {
  "$bin" sim "$@" --ready-file "$tmp/ready.json" --rsa-key "$tmp/key.pem" --log-level warn >"$tmp/sim.out" 2>&1 &
  sim=$!
  for _ in $(seq 300); do [ -f "$tmp/ready.json" ] && return; kill -0 $sim 2>/dev/null || fail "the sim exited: $(cat "$tmp/sim.out")"; sleep 0.1; done
  fail "the sim wrote no ready file"
}
