#!/usr/bin/python3
"""Writes a session with Debian's real Telethon (1.25), for mtpipe's import tests.

    make_telethon_session.py file PATH     a Telethon .session (SQLite) file at PATH
    make_telethon_session.py string [v6]   prints a StringSession (IPv4 address, or IPv6 with v6)

The values are fixed; session_file_test.cpp and tests/app/sessions_test.sh expect exactly these:
  DC 2 at 149.154.167.51:443 (v6: 2001:67c:4e8:f002::a), auth key byte i = (i * 7 + 3) % 256,
  entities: user 777000 (hash 1111, "telegram"), user 5 (hash -2, no username), chat 4242 (hash 0),
            channel 1234567890 (hash -987654321, "somechannel"),
  update state pts 100 qts 7 date 1700000000 seq 3, channel 1234567890 at pts 555.
"""
import datetime
import sys

from telethon.crypto import AuthKey
from telethon.sessions import SQLiteSession, StringSession
from telethon.tl import types

KEY = bytes((i * 7 + 3) % 256 for i in range(256))
CHANNEL = 1234567890


def fill(session, ip):
    session.set_dc(2, ip, 443)
    session.auth_key = AuthKey(KEY)
    photo = types.ChatPhotoEmpty()
    date = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)
    session.process_entities(types.contacts.ResolvedPeer(
        peer=types.PeerUser(777000),
        chats=[types.Chat(id=4242, title="A group", photo=photo, participants_count=3, date=date, version=1),
               types.Channel(id=CHANNEL, title="A channel", photo=photo, date=date, access_hash=-987654321,
                             username="SomeChannel")],
        users=[types.User(id=777000, access_hash=1111, username="Telegram", first_name="Telegram"),
               types.User(id=5, access_hash=-2, first_name="No username")]))
    session.set_update_state(0, types.updates.State(pts=100, qts=7, date=datetime.datetime.fromtimestamp(
        1700000000, tz=datetime.timezone.utc), seq=3, unread_count=0))
    session.set_update_state(CHANNEL, types.updates.State(pts=555, qts=0, date=datetime.datetime.now(), seq=0,
                                                          unread_count=0))


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "file":
        session = SQLiteSession(sys.argv[2])
        fill(session, "149.154.167.51")
        session.save()
        session.close()
    elif len(sys.argv) in (2, 3) and sys.argv[1] == "string":
        v6 = len(sys.argv) == 3 and sys.argv[2] == "v6"
        session = StringSession()
        fill(session, "2001:67c:4e8:f002::a" if v6 else "149.154.167.51")
        print(session.save())
    else:
        sys.exit(__doc__)


main()
