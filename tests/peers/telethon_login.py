#!/usr/bin/python3
"""Telethon 1.25.1 logs into `mtpipe sim` with the code flow (and a 2FA password when the number has one).

Starts at DC --dc so a number homed elsewhere lives through PHONE_MIGRATE, calls get_me(), saves a SQLite
`.session` file and a StringSession to the given paths, then logs in again from the StringSession alone.
Exits non-zero, saying why, when any step fails or get_me() is not the expected user (docs/SIM.md "Accounts").

  telethon_login.py (--sim MTPIPE_BINARY | --ready READY_FILE) --phone 9996621239 \
      --session-file OUT.session --string-session-file OUT.txt [--dc 1] [--password P]

Run with Debian's interpreter, /usr/bin/python3 (a pyenv python3 does not see dist-packages).
"""
import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time

from telethon import TelegramClient
from telethon.crypto import rsa
from telethon.errors import SessionPasswordNeededError
from telethon.network.connection import ConnectionTcpIntermediate
from telethon.sessions import SQLiteSession, StringSession

API_ID = 1
API_HASH = 'mtpipe-sim-api-hash'  # the sim accepts any api_id/api_hash


def expected_user(phone):
    """What docs/SIM.md promises for a 99966XYYYY number."""
    digits = ''.join(c for c in phone if c.isdigit())
    tail = digits[5:]
    password = f'sim-password-{digits[-4:]}' if digits.endswith('9') else None
    return {'id': 1_000_000_000 + int(tail), 'username': f'sim_user_{tail}', 'phone': digits,
            'code': tail[0] * 5, 'password': password}


def start_sim(binary, tmp):
    ready = os.path.join(tmp, 'ready.json')
    log = open(os.path.join(tmp, 'sim.log'), 'w')
    proc = subprocess.Popen([binary, 'sim', '--dcs', '3', '--ready-file', ready, '--rsa-key',
                             os.path.join(tmp, 'key.pem')], stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while not (os.path.exists(ready) and os.path.getsize(ready) > 0):
        if proc.poll() is not None:
            raise SystemExit(f'telethon_login: the sim exited with status {proc.returncode} before it was ready')
        if time.monotonic() > deadline:
            proc.terminate()
            raise SystemExit('telethon_login: no ready file from the sim after 30 s')
        time.sleep(0.05)
    return proc, ready


def client_for(session, timeout=15):
    return TelegramClient(session, API_ID, API_HASH, connection=ConnectionTcpIntermediate, connection_retries=1,
                          retry_delay=0, auto_reconnect=False, request_retries=1, timeout=timeout,
                          receive_updates=False, flood_sleep_threshold=0)


def check_me(me, want, where):
    got = {'id': me.id, 'username': me.username, 'phone': me.phone, 'self': me.is_self}
    wanted = {'id': want['id'], 'username': want['username'], 'phone': want['phone'], 'self': True}
    if got != wanted:
        raise SystemExit(f'telethon_login: get_me() {where} returned {got}, expected {wanted}')


async def login(args, ready):
    host = ready.get('host', '127.0.0.1')
    port = next(int(d['port']) for d in ready['dcs'] if int(d['id']) == args.dc)
    rsa.add_key(ready['rsa_public_pem'], old=False)
    want = expected_user(args.phone)
    password = args.password or want['password']

    # A file left by an earlier run holds a key of a sim that is gone: start afresh.
    for stale in (args.session_file, args.string_session_file):
        if os.path.exists(stale):
            os.remove(stale)
    session = SQLiteSession(args.session_file)
    session.set_dc(args.dc, host, port)
    client = client_for(session)
    await client.connect()
    sent = await client.send_code_request(args.phone)  # PHONE_MIGRATE_X switches DC inside Telethon
    try:
        await client.sign_in(args.phone, want['code'], phone_code_hash=sent.phone_code_hash)
        used_password = False
    except SessionPasswordNeededError:
        if password is None:
            raise SystemExit('telethon_login: the sim asked for a 2FA password and none is known')
        await client.sign_in(password=password)
        used_password = True
    me = await client.get_me()
    check_me(me, want, 'after login')
    home_dc = client.session.dc_id
    client.session.save()
    string = StringSession.save(client.session)
    with open(args.string_session_file, 'w') as f:
        f.write(string + '\n')
    await client.disconnect()
    client.session.close()

    # The StringSession alone is enough to be logged in again.
    again = client_for(StringSession(string))
    await again.connect()
    if not await again.is_user_authorized():
        raise SystemExit('telethon_login: the StringSession is not authorized')
    check_me(await again.get_me(), want, 'from the StringSession')
    await again.disconnect()
    print(json.dumps({'user_id': me.id, 'home_dc': home_dc, 'used_password': used_password,
                      'session_file': args.session_file, 'string_session_file': args.string_session_file}))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument('--sim', help='the mtpipe binary: start a sim of our own for this run')
    source.add_argument('--ready', help="a running sim's ready file")
    p.add_argument('--dc', type=int, default=1, help='the DC to start at (default 1)')
    p.add_argument('--phone', default='9996621239')
    p.add_argument('--password', help='2FA password (default: the sim rule for numbers ending in 9)')
    p.add_argument('--session-file', required=True, help='where to save the Telethon SQLite session')
    p.add_argument('--string-session-file', required=True, help='where to write the StringSession')
    args = p.parse_args()
    if not args.session_file.endswith('.session'):
        p.error('--session-file must end in .session (Telethon appends it otherwise)')

    with tempfile.TemporaryDirectory(prefix='mtpipe-telethon-login.') as tmp:
        proc = None
        ready_path = args.ready
        if args.sim:
            proc, ready_path = start_sim(args.sim, tmp)
        try:
            with open(ready_path) as f:
                ready = json.load(f)
            asyncio.run(asyncio.wait_for(login(args, ready), 120))
        finally:
            if proc is not None:
                proc.terminate()
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                if proc.returncode not in (0, -15):
                    print(open(os.path.join(tmp, 'sim.log')).read()[-4000:], file=sys.stderr)


if __name__ == '__main__':
    main()
