#!/usr/bin/python3
"""Telethon 1.25.1 uses a StringSession that mtpipe exported: prints the user id get_me() returns.

  telethon_get_me.py READY_FILE STRING_SESSION_FILE
"""
import asyncio
import json
import sys

from telethon import TelegramClient
from telethon.crypto import rsa
from telethon.network.connection import ConnectionTcpIntermediate
from telethon.sessions import StringSession


async def main(ready_path, string_path):
    with open(ready_path) as f:
        ready = json.load(f)
    rsa.add_key(ready['rsa_public_pem'], old=False)
    with open(string_path) as f:
        string = f.read().strip()
    client = TelegramClient(StringSession(string), 1, 'mtpipe-sim-api-hash', connection=ConnectionTcpIntermediate,
                            connection_retries=1, auto_reconnect=False, request_retries=1, timeout=15,
                            receive_updates=False)
    await client.connect()
    if not await client.is_user_authorized():
        raise SystemExit('telethon_get_me: the exported StringSession is not authorized')
    me = await client.get_me()
    print(me.id)
    await client.disconnect()


asyncio.run(asyncio.wait_for(main(sys.argv[1], sys.argv[2]), 60))
