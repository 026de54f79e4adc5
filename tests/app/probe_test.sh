#!/usr/bin/env bash
# mtpipe probe against mtpipe sim: the command a user runs first when a DC misbehaves.
#   probe_test.sh MTPIPE_BINARY
set -u
bin=$1
test_name=probe_test
. "$(dirname "$0")/sim_harness.sh"
start_sim --dcs 2
port=$(sed -E 's/.*"id":2,"port":([0-9]+).*/\1/' "$tmp/ready.json")

for t in abridged intermediate padded full obfuscated-abridged obfuscated-intermediate obfuscated-padded; do
  out=$("$bin" probe --addr "127.0.0.1:$port" --rsa-key "$tmp/ready.json" --transport "$t" --dc 2 -n 50 --json) ||
    fail "$t: exit status $? ($out)"
  echo "$out" | grep -q '"ok":50' || fail "$t: not 50 answers: $out"
  echo "$out" | grep -q '"this_dc":2' || fail "$t: wrong this_dc: $out"
done

# The public key as a PEM file works as well as the ready file; the text report names what happened.
sed -E 's/.*"rsa_public_pem":"([^"]*)".*/\1/' "$tmp/ready.json" | sed 's/\\n/\n/g' >"$tmp/pub.pem"
"$bin" probe --addr "127.0.0.1:$port" --rsa-key "$tmp/pub.pem" -n 3 >"$tmp/text" || fail "PEM key: $(cat "$tmp/text")"
grep -q "3 ok, 0 failed" "$tmp/text" || fail "text report: $(cat "$tmp/text")"

# Bad input: exit status 2 and a message that says what is wrong.
"$bin" probe --addr "127.0.0.1" --rsa-key "$tmp/ready.json" 2>"$tmp/err"; [ $? = 2 ] || fail "no port accepted"
grep -q "HOST:PORT" "$tmp/err" || fail "bad --addr message: $(cat "$tmp/err")"
"$bin" probe --addr "127.0.0.1:$port" --rsa-key "$tmp/ready.json" --transport obfuscated-full 2>"$tmp/err"; [ $? = 2 ] || fail "obfuscated-full accepted"
"$bin" probe --addr "127.0.0.1:$port" --rsa-key "$tmp/nothing.pem" 2>"$tmp/err"; [ $? = 2 ] || fail "missing key file accepted"

# A DC that is not there: a failure report and status 1, quickly.
"$bin" probe --addr "127.0.0.1:1" --rsa-key "$tmp/ready.json" --timeout-ms 2000 >"$tmp/text"; [ $? = 1 ] || fail "closed port not reported"
grep -q "FAILED" "$tmp/text" || fail "closed port report: $(cat "$tmp/text")"
echo "probe_test: ok"
