#!/usr/bin/env bash
# A proxy's password or secret on the command line is visible to every user through ps: mtpipe warns when --proxy
# holds one (as the help of --password does), reads MTPIPE_PROXY instead, and never prints the secret itself.
#   proxy_flag_test.sh MTPIPE_BINARY
set -u
bin=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "proxy_flag_test: $*" >&2; exit 1; }
warning="warning: the --proxy flag holds a password or secret"
# call ARGS...: `mtpipe call` for an account that has no session (it stops at once); stderr in $tmp/err.
call() { env -i "$@" >/dev/null 2>"$tmp/err"; }

for flag in "--proxy socks5://alice:Sup3rS3cretPw@127.0.0.1:1" "--proxy=http://alice:Sup3rS3cretPw@127.0.0.1:1" \
  "--proxy mtproxy://dd5f3a9c27e1b04d68a2c7f09e3b6d1a45@127.0.0.1:1" \
  "--proxy tg://socks?server=127.0.0.1&port=1&user=alice&pass=Sup3rS3cretPw" "--proxy socks5://alice:Sup3rS3cretPw"; do
  # shellcheck disable=SC2086 # the flag and its value are two words, or one with '='
  call "$bin" call --account nobody --sessions-dir "$tmp/s" help.getConfig $flag
  grep -qF "$warning" "$tmp/err" || fail "no warning for $flag: $(cat "$tmp/err")"
  ! grep -qE "Sup3rS3cretPw|5f3a9c27e1b04d68" "$tmp/err" || fail "the secret was printed for $flag: $(cat "$tmp/err")"
done

for quiet in "--proxy socks5://127.0.0.1:1" "--proxy=tg://proxy?server=127.0.0.1&port=1"; do
  # shellcheck disable=SC2086
  call "$bin" call --account nobody --sessions-dir "$tmp/s" help.getConfig $quiet
  ! grep -qF "$warning" "$tmp/err" || fail "a warning for $quiet, which holds no secret: $(cat "$tmp/err")"
done

call MTPIPE_PROXY=socks5://alice:Sup3rS3cretPw@127.0.0.1:1 "$bin" call --account nobody --sessions-dir "$tmp/s" help.getConfig
! grep -qF "$warning" "$tmp/err" || fail "a warning for MTPIPE_PROXY: $(cat "$tmp/err")"
grep -qF "no session for account nobody" "$tmp/err" || fail "the command did not run as expected: $(cat "$tmp/err")"

"$bin" login --help | tr -s ' \n' ' ' | grep -qF "visible in ps: prefer MTPIPE_PROXY" || fail "--proxy's help says nothing of ps"
echo "proxy_flag_test: ok"
