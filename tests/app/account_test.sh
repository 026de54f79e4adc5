#!/usr/bin/env bash
# mtpipe login / call / logout / sessions check --online against mtpipe sim, the way a user scripts them.
#   account_test.sh MTPIPE_BINARY
set -u
bin=$1
test_name=account_test
. "$(dirname "$0")/sim_harness.sh"
start_sim --dcs 3
export MTPIPE_SERVER="sim:$tmp/ready.json" MTPIPE_SESSIONS_DIR="$tmp/sessions"
self='{"id":[{"_":"inputUserSelf"}]}'

# Scripted login from the environment; the session file is private; nothing secret is printed.
MTPIPE_PHONE=+9996621234 MTPIPE_LOGIN_CODE=22222 "$bin" login --account alice </dev/null >"$tmp/out" 2>&1 ||
  fail "login: $(cat "$tmp/out")"
grep -q "logged in: account alice" "$tmp/out" || fail "login output: $(cat "$tmp/out")"
grep -q -e 9996621234 -e 22222 "$tmp/out" && fail "login printed the phone or the code"
user=$(sed -E 's/.*user id ([0-9]+).*/\1/' "$tmp/out")
[ "$(stat -c %a "$tmp/sessions/alice.session")" = 600 ] || fail "session file mode $(stat -c %a "$tmp/sessions/alice.session")"

# Logging in again is a no-op that says so.
"$bin" login --account alice </dev/null >"$tmp/out" 2>&1 || fail "second login: $(cat "$tmp/out")"
grep -q "already logged in" "$tmp/out" || fail "second login output: $(cat "$tmp/out")"

# mtpipe call with the stored session prints the result as JSON.
"$bin" call users.getUsers "$self" --account alice --compact >"$tmp/out" 2>"$tmp/err" || fail "call: $(cat "$tmp/err")"
grep -q "\"id\":$user" "$tmp/out" || fail "call output: $(cat "$tmp/out")"
grep -q '"self":true' "$tmp/out" || fail "call output lacks self: $(cat "$tmp/out")"
"$bin" call help.getNearestDc --account alice --dc 3 --compact >"$tmp/out" 2>"$tmp/err" || fail "call --dc: $(cat "$tmp/err")"
grep -q '"this_dc":3' "$tmp/out" || fail "call --dc 3 output: $(cat "$tmp/out")"

# 2FA and a migration in one: the phone lives on DC 3 and ends in 9 (docs/SIM.md).
"$bin" login --account bob --phone +9996631239 --code 33333 --password sim-password-1239 </dev/null >"$tmp/out" 2>&1 ||
  fail "2FA login: $(cat "$tmp/out")"
grep -q "on DC 3, with its 2FA password" "$tmp/out" || fail "2FA login output: $(cat "$tmp/out")"
grep -q sim-password "$tmp/out" && fail "login printed the password"

# No code and no terminal: a clear error, not a hang.
"$bin" login --account carol --phone +9996621235 </dev/null >"$tmp/out" 2>&1; [ $? = 1 ] || fail "login without a code"
grep -q -- "--code" "$tmp/out" || fail "no-code message: $(cat "$tmp/out")"

# Bad input: exit status 2 and what is wrong.
"$bin" call help.getNearestDc --account alice --proxy socks5://127.0.0.1 >"$tmp/out" 2>&1; [ $? = 2 ] || fail "bad proxy URL accepted"
grep -q "missing port" "$tmp/out" || fail "bad proxy message: $(cat "$tmp/out")"
"$bin" call nosuch.method --account alice >"$tmp/out" 2>&1; [ $? = 2 ] || fail "unknown method accepted"
"$bin" call users.getUsers '[1]' --account alice >"$tmp/out" 2>&1; [ $? = 2 ] || fail "non-object parameters accepted"

# An unsafe file mode and a corrupt file are refused with what to do, never a new login.
chmod 644 "$tmp/sessions/alice.session"
"$bin" call help.getNearestDc --account alice >"$tmp/out" 2>&1; [ $? = 1 ] || fail "mode 0644 accepted"
grep -q "chmod 600" "$tmp/out" || fail "mode message: $(cat "$tmp/out")"
chmod 600 "$tmp/sessions/alice.session"
head -c 3000 /dev/urandom >"$tmp/sessions/broken.session"; chmod 600 "$tmp/sessions/broken.session"
"$bin" call help.getNearestDc --account broken >"$tmp/out" 2>&1; [ $? = 1 ] || fail "corrupt file accepted"
grep -q "broken.session" "$tmp/out" || fail "corrupt message: $(cat "$tmp/out")"

# The online check asks the server who the account is.
"$bin" sessions check --account alice --online >"$tmp/out" 2>&1 || fail "check --online: $(cat "$tmp/out")"
grep -q "user id $user" "$tmp/out" || fail "check --online output: $(cat "$tmp/out")"

# Logout deletes the file; the account is then unknown.
"$bin" logout --account alice >"$tmp/out" 2>&1 || fail "logout: $(cat "$tmp/out")"
[ -e "$tmp/sessions/alice.session" ] && fail "logout left the session file"
"$bin" call help.getNearestDc --account alice >"$tmp/out" 2>&1; [ $? = 1 ] || fail "call after logout"
grep -q "mtpipe login --account alice" "$tmp/out" || fail "missing-session message: $(cat "$tmp/out")"
echo "account_test: ok"
