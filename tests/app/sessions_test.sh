#!/usr/bin/env bash
# mtpipe sessions list|import|export|check as a user runs them, with sessions real Telethon wrote.
#   sessions_test.sh MTPIPE_BINARY MAKE_TELETHON_SESSION_PY
set -u
bin=$1
telethon=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "sessions_test: $*" >&2; exit 1; }
dir=$tmp/sessions
run() { "$bin" sessions --sessions-dir "$dir" "$@"; }
# expect STATUS TEXT COMMAND...: the command exits with STATUS and its output (both streams) contains TEXT.
expect() {
  local status=$1 text=$2
  shift 2
  "$@" >"$tmp/out" 2>&1
  local got=$?
  [ "$got" = "$status" ] || fail "$*: exit status $got, expected $status: $(cat "$tmp/out")"
  grep -qF -- "$text" "$tmp/out" || fail "$*: no '$text' in: $(cat "$tmp/out")"
}

# An empty directory is created owner-only and lists nothing.
umask 022
expect 0 "no accounts" run list
[ "$(stat -c %a "$dir")" = 700 ] || fail "sessions dir mode $(stat -c %a "$dir")"

# Import from a Telethon .session file, a StringSession on stdin, an argument and an environment variable.
/usr/bin/python3 "$telethon" file "$tmp/tele.session" || fail "Telethon did not write a session"
string=$(/usr/bin/python3 "$telethon" string) || fail "Telethon did not write a StringSession"
expect 0 "4 peers" run import --account tele --telethon-file "$tmp/tele.session"
[ "$(stat -c %a "$dir/tele.session")" = 600 ] || fail "imported file mode $(stat -c %a "$dir/tele.session")"
echo "$string" | run import --account stdin >"$tmp/out" 2>&1 || fail "stdin import: $(cat "$tmp/out")"
grep -qF "home DC 2 (149.154.167.51:443)" "$tmp/out" || fail "stdin import report: $(cat "$tmp/out")"
! grep -qF "$string" "$tmp/out" || fail "the import printed the secret"
expect 0 "imported account arg" run import --account arg --string-session "$string"
expect 0 "imported account env" env TG_STRING="$string" "$bin" sessions --sessions-dir "$dir" import --account env \
  --string-session-env TG_STRING
expect 2 "TG_NOTHING is not set" run import --account none --string-session-env TG_NOTHING
expect 1 "already exists" run import --account tele --string-session "$string"
expect 0 "imported account tele" run import --account tele --string-session "$string" --force
expect 1 "Telethon string session" run import --account junk --string-session "1abc"
expect 2 "bad account name" run import --account ../up --string-session "$string"
[ ! -e "$tmp/up.session" ] || fail "a bad name wrote outside the directory"

# Export gives back Telethon's exact string, on stdout only; the warning goes to stderr.
run export --account stdin >"$tmp/export" 2>"$tmp/err" || fail "export: $(cat "$tmp/err")"
[ "$(cat "$tmp/export")" = "$string" ] || fail "export differs from Telethon's string"
grep -qF "secret" "$tmp/err" || fail "no warning on stderr"
MTPIPE_SESSIONS_DIR=$dir "$bin" sessions export --account env >"$tmp/export" 2>/dev/null || fail "export via env dir"
[ "$(cat "$tmp/export")" = "$string" ] || fail "export via MTPIPE_SESSIONS_DIR differs"

# list: text and JSON.
run list >"$tmp/list" 2>&1 || fail "list: $(cat "$tmp/list")"
[ "$(grep -c "mode 0600 ok" "$tmp/list")" = 4 ] || fail "list: $(cat "$tmp/list")"
grep -qE "^stdin  dc 2  user \(unknown until online\)  bot no  keys 2  peers 0" "$tmp/list" || fail "list: $(cat "$tmp/list")"
run list --json >"$tmp/json" || fail "list --json"
/usr/bin/python3 -c '
import json, sys
accounts = {a["name"]: a for a in json.load(open(sys.argv[1]))}
assert sorted(accounts) == ["arg", "env", "stdin", "tele"], accounts
assert accounts["tele"]["home_dc"] == 2 and accounts["tele"]["dcs_with_keys"] == [2], accounts["tele"]
assert accounts["tele"]["mode_ok"] and accounts["tele"]["error"] is None and accounts["tele"]["user_id"] is None
' "$tmp/json" || fail "list --json: $(cat "$tmp/json")"

# check: fine, then each problem with a non-zero status and what to do.
expect 0 "ok offline" run check --account stdin
chmod 644 "$dir/arg.session"
expect 1 "chmod 600 $dir/arg.session" run check --account arg
expect 1 "mode 0644" run export --account arg
expect 0 "mode 0644 NOT OK" run list
head -c 4096 /dev/urandom >"$dir/corrupt.session"
chmod 600 "$dir/corrupt.session"
expect 1 "not an SQLite database" run check --account corrupt
expect 0 "ERROR corrupt" run list
head -c 3000 "$dir/tele.session" >"$dir/cut.session"
chmod 600 "$dir/cut.session"
expect 1 "cut.session is not a usable session file" run check --account cut
cp "$tmp/tele.session" "$dir/foreign.session"
chmod 600 "$dir/foreign.session"
expect 1 "is a Telethon session, import it with" run check --account foreign
expect 1 "no session for account nobody (log in with \`mtpipe login --account nobody\`)" run check --account nobody
expect 1 "no session for account nobody" run export --account nobody
expect 2 "bad account name" run check --account .hidden
echo "sessions_test: ok"
