#!/usr/bin/env bash
# mtpipe settings as a user runs it: NAME=value lines and exit 0, or every bad value and exit 2, secrets masked.
#   settings_test.sh MTPIPE_BINARY
set -u
bin=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "settings_test: $*" >&2; exit 1; }
# run VAR=value...: mtpipe settings in an environment holding only these variables; output in $tmp/out.
run() { env -i "$@" "$bin" settings >"$tmp/out" 2>&1; }

run MTPROTO_ACCOUNTS=main MTPROTO_GLOBAL_RPS=4 MTPROTO_API_HASH=0123456789abcdef0123456789abcdef \
  REDIS_URL=redis://:redispass@cache:6379 HEALTH_BIND=127.0.0.1:9000 || fail "good settings: exit $?: $(cat "$tmp/out")"
grep -qx "MTPROTO_GLOBAL_RPS=4" "$tmp/out" || fail "no MTPROTO_GLOBAL_RPS=4 in: $(cat "$tmp/out")"
grep -qx "PROMETHEUS_PORT=9108" "$tmp/out" || fail "no default PROMETHEUS_PORT in: $(cat "$tmp/out")"
grep -qx "MTPROTO_API_HASH=\*\*\*" "$tmp/out" || fail "API hash not masked: $(cat "$tmp/out")"
grep -qx "REDIS_URL=redis://:\*\*\*@cache:6379" "$tmp/out" || fail "Redis password not masked: $(cat "$tmp/out")"
grep -qx "HEALTH_BIND=127.0.0.1:9000 (not used yet)" "$tmp/out" || fail "HEALTH_BIND not marked unused: $(cat "$tmp/out")"

run PROMETHEUS_PORT=70000 DEBUG=maybe MTPROTO_API_HASH=not-a-hash-at-all
status=$?
[ "$status" = 2 ] || fail "bad settings: exit status $status, expected 2: $(cat "$tmp/out")"
grep -qF "PROMETHEUS_PORT='70000': expected a TCP port from 1 to 65535" "$tmp/out" || fail "port error: $(cat "$tmp/out")"
grep -qF "DEBUG='maybe': expected true or false" "$tmp/out" || fail "boolean error: $(cat "$tmp/out")"
grep -qF "MTPROTO_API_HASH=<hidden" "$tmp/out" || fail "API hash error: $(cat "$tmp/out")"
! grep -qF "not-a-hash" "$tmp/out" || fail "the API hash was printed: $(cat "$tmp/out")"
grep -qF "MTPROTO_ACCOUNTS='': expected an account name" "$tmp/out" || fail "no account error: $(cat "$tmp/out")"

run MTPROTO_ACCOUNTS=main MTPROTO_PROXIES=socks5://h:1,socks5://alice:Hunter7x,Zebra9q@proxy:1080 REDIS_URL=redis://:Walrus5t
[ $? = 2 ] || fail "bad proxy list and Redis URL accepted: $(cat "$tmp/out")"
! grep -qE "Hunter7x|Zebra9q|Walrus5t" "$tmp/out" || fail "a password was printed: $(cat "$tmp/out")"
grep -qF "REDIS_URL='redis://***'" "$tmp/out" || fail "Redis URL error: $(cat "$tmp/out")"
echo "settings_test: ok"
