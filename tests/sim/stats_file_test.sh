#!/usr/bin/env bash
# `mtpipe sim --stats-file` as an out-of-process test reads it: written at start and every second (whole
# documents, renamed into place), and once more on SIGTERM with the final counters.
#   stats_file_test.sh MTPIPE_BINARY
set -u
bin=$1
test_name=stats_file_test
. "$(dirname "$0")/../app/sim_harness.sh"
start_sim --dcs 2 --latency 1-20 --flood-penalty --stats-file "$tmp/stats.json"
[ -f "$tmp/stats.json" ] || fail "no stats file once the sim listens"
port=$(sed -E 's/.*"id":2,"port":([0-9]+).*/\1/' "$tmp/ready.json")
out=$("$bin" probe --addr "127.0.0.1:$port" --rsa-key "$tmp/ready.json" --dc 2 -n 25 --json) || fail "probe: $out"
echo "$out" | grep -q '"ok":25' || fail "not 25 answers: $out"
kill -TERM $sim
wait $sim || fail "the sim exited with status $? on SIGTERM: $(cat "$tmp/sim.out")"
sim=""
[ ! -e "$tmp/stats.json.tmp" ] || fail "a temporary stats file was left behind"
/usr/bin/python3 - "$tmp/stats.json" <<'PY' || fail "stats file: $(cat "$tmp/stats.json")"
import json, sys
doc = json.load(open(sys.argv[1]))
dc2 = [d for d in doc["dcs"] if d["id"] == 2][0]
assert dc2["queries"] == 25, dc2
assert dc2["auth_key_duplicated"] == 0 and dc2["connections_killed"] == 0, dc2
assert doc["methods"] == {"help.getNearestDc": 25}, doc["methods"]
assert sum(n for _, n in doc["requests_per_second"]) == 25, doc["requests_per_second"]
assert doc["users"] == [] and doc["flood"] == [], doc
PY
grep -q '^stats {' "$tmp/sim.out" || fail "no stats line on stdout"
echo "stats_file_test: ok"
