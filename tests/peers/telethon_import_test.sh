#!/usr/bin/env bash
# Accounts move between Telethon and mtpipe in both directions, with no new login:
#   Telethon logs into the sim and saves a .session file and a StringSession; mtpipe imports each and calls as
#   that account; mtpipe logs an account in, exports it, and Telethon uses the export.
#   telethon_import_test.sh MTPIPE_BINARY
set -u
bin=$1
here=$(cd "$(dirname "$0")" && pwd)
test_name=telethon_import_test
. "$here/../app/sim_harness.sh"
start_sim --dcs 3
export MTPIPE_SERVER="sim:$tmp/ready.json" MTPIPE_SESSIONS_DIR="$tmp/sessions"
self='{"id":[{"_":"inputUserSelf"}]}'

# Telethon: start at DC 1, PHONE_MIGRATE to DC 2, 2FA (the number ends in 9).
/usr/bin/python3 "$here/telethon_login.py" --ready "$tmp/ready.json" --dc 1 --phone 9996621239 \
  --session-file "$tmp/telethon.session" --string-session-file "$tmp/telethon.txt" >"$tmp/login.json" 2>"$tmp/err" ||
  fail "Telethon login: $(cat "$tmp/err")"
user=$(sed -E 's/.*"user_id": ([0-9]+).*/\1/' "$tmp/login.json")

calls_as() {  # ACCOUNT: mtpipe call as the account answers with the Telethon user
  "$bin" call users.getUsers "$self" --account "$1" --compact >"$tmp/out" 2>"$tmp/err" || fail "call as $1: $(cat "$tmp/err")"
  grep -q "\"id\":$user" "$tmp/out" || fail "call as $1 answered another user: $(cat "$tmp/out")"
}

"$bin" sessions import --account from_file --telethon-file "$tmp/telethon.session" >"$tmp/out" 2>&1 ||
  fail "import of the .session file: $(cat "$tmp/out")"
calls_as from_file

STRING=$(cat "$tmp/telethon.txt") "$bin" sessions import --account from_string --string-session-env STRING >"$tmp/out" 2>&1 ||
  fail "import of the StringSession: $(cat "$tmp/out")"
calls_as from_string
# Still Telethon's own key (no new handshake, no new login): the export is Telethon's string, byte for byte.
"$bin" sessions export --account from_string >"$tmp/exported" 2>/dev/null || fail "export"
cmp -s <(tr -d '\n' <"$tmp/exported") <(tr -d '\n' <"$tmp/telethon.txt") || fail "the account's key changed after the call"

# The other direction: an account mtpipe logged in, handed to Telethon.
"$bin" login --account native --phone +9996631234 --code 33333 </dev/null >"$tmp/out" 2>&1 || fail "mtpipe login: $(cat "$tmp/out")"
native=$(sed -E 's/.*user id ([0-9]+).*/\1/' "$tmp/out")
"$bin" sessions export --account native >"$tmp/native.txt" 2>/dev/null || fail "export of native"
got=$(/usr/bin/python3 "$here/telethon_get_me.py" "$tmp/ready.json" "$tmp/native.txt" 2>"$tmp/err") ||
  fail "Telethon with mtpipe's export: $(cat "$tmp/err")"
[ "$got" = "$native" ] || fail "Telethon with mtpipe's export is user $got, expected $native"
echo "telethon_import_test: ok"
