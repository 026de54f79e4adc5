#!/usr/bin/env bash
# mtpipe load against mtpipe sim, as an operator runs it: one account with every flag off, a pool of four, a bad
# setting refused before anything starts, and a graceful stop on SIGTERM.
#   pool_test.sh MTPIPE_BINARY
set -u
bin=$1
test_name=pool_test
. "$(dirname "$0")/sim_harness.sh"
start_sim --dcs 3 --latency 5
export MTPIPE_SERVER="sim:$tmp/ready.json" MTPIPE_SESSIONS_DIR="$tmp/sessions"
json() { /usr/bin/python3 -c "import json,sys; d=json.load(open('$1')); print($2)"; }

for i in 0 1 2 3; do
  dc=$((1 + i % 3))
  MTPIPE_PHONE="+99966${dc}200$i" MTPIPE_LOGIN_CODE="$dc$dc$dc$dc$dc" "$bin" login --account "acc$i" </dev/null \
    >"$tmp/out" 2>&1 || fail "login acc$i: $(cat "$tmp/out")"
done

# Every flag off: the first account alone, no limiter in the way, every request answered.
MTPROTO_ACCOUNTS=acc0,acc1 "$bin" load --requests 30 --concurrency 4 --report "$tmp/off.json" >/dev/null 2>"$tmp/err" ||
  fail "load with flags off: $(cat "$tmp/err")"
[ "$(json "$tmp/off.json" "d['ok']")" = 30 ] || fail "flags off: $(cat "$tmp/off.json")"
[ "$(json "$tmp/off.json" "len(d['accounts'])")" = 1 ] || fail "flags off used more than one account"
grep -q "features: none" "$tmp/err" || fail "flags off announced features: $(cat "$tmp/err")"

# The pool: four accounts share 200 requests; progress on stderr, the summary on stdout.
MTPROTO_POOL_ENABLED=true MTPROTO_ACCOUNTS=acc0,acc1,acc2,acc3 MTPROTO_GLOBAL_RPS=400 MTPROTO_RPS_PER_ACCOUNT=200 \
  MTPIPE_CLASS_LIMITS=other=200/20 "$bin" load --requests 200 --concurrency 16 --report "$tmp/pool.json" >/dev/null \
  2>"$tmp/err" || fail "pooled load: $(cat "$tmp/err")"
[ "$(json "$tmp/pool.json" "d['ok']")" = 200 ] || fail "pooled: $(cat "$tmp/pool.json")"
[ "$(json "$tmp/pool.json" "sorted(a['state'] for a in d['accounts'])")" = "['healthy', 'healthy', 'healthy', 'healthy']" ] ||
  fail "pooled accounts: $(cat "$tmp/pool.json")"
[ "$(json "$tmp/pool.json" "[(r['component'], r['ready'], r['detail']) for r in d['readiness']]")" = \
  "[('accounts', True, '4 of 4 accounts usable')]" ] || fail "pooled readiness: $(cat "$tmp/pool.json")"
grep -q "MTPROTO_POOL_ENABLED" "$tmp/err" || fail "the pool was not announced: $(cat "$tmp/err")"

# A bad setting is refused with its name, before any connection.
MTPROTO_POOL_ENABLED=maybe MTPROTO_ACCOUNTS=acc0 "$bin" load --requests 1 >/dev/null 2>"$tmp/err"; rc=$?
[ $rc = 2 ] || fail "a bad setting gave exit $rc"
grep -q "MTPROTO_POOL_ENABLED" "$tmp/err" || fail "bad setting message: $(cat "$tmp/err")"

# SIGTERM: no new requests, those in flight finish, sessions saved, exit 0, well inside the shutdown timeout.
MTPROTO_POOL_ENABLED=true MTPROTO_ACCOUNTS=acc0,acc1,acc2,acc3 MTPROTO_GLOBAL_RPS=100 MTPIPE_CLASS_LIMITS=other=50/5 \
  "$bin" load --requests 0 --concurrency 8 --report "$tmp/stop.json" >/dev/null 2>"$tmp/err" &
load=$!
for _ in $(seq 200); do grep -q "ok," "$tmp/err" && break; sleep 0.1; done  # wait for the first progress line
kill -TERM $load
wait $load; rc=$?
[ $rc = 0 ] || fail "stopped load exit $rc: $(cat "$tmp/err")"
[ "$(json "$tmp/stop.json" "d['shutdown']['by_signal'] and d['shutdown']['in_time'] and d['shutdown']['requests_cut'] == 0")" = True ] ||
  fail "shutdown: $(cat "$tmp/stop.json")"
[ "$(json "$tmp/stop.json" "d['failed']")" = 0 ] || fail "requests failed while stopping: $(cat "$tmp/stop.json")"
echo "$test_name: ok"
