#!/usr/bin/python3
"""Build the Telethon TL interoperability corpus (telethon_corpus.json).

How to run (from anywhere; it finds the repository from its own path):

    /usr/bin/python3 tests/tl/corpus/make_telethon_corpus.py           # (re)write the JSON
    /usr/bin/python3 tests/tl/corpus/make_telethon_corpus.py --check   # verify the committed JSON

Use Debian's /usr/bin/python3 with the python3-telethon package (1.25.1, TL layer 144); a
pyenv/venv `python3` does not see it.  The script is deterministic: every value is fixed in
this file, nothing is random, and nothing touches the network.

What it proves
--------------
Every case is a Telethon TL object (constructor or request) built with known values and
serialised by Telethon itself (`bytes(obj)`), i.e. by an implementation independent of
mtpipe.  The JSON records the boxed bytes together with the values Telethon was given,
expressed in mtpipe's JSON convention (see README.md).  A decoder that turns `hex` into
exactly `value` therefore decodes real third-party bytes correctly.

Only objects that mean the same thing in layer 144 (Telethon) and layer 223 (mtcute's
api-schema.json / mtp-schema.json, which mtpipe is generated from) are emitted.  For every
object in a case, at every nesting depth, the script checks that:
  * its constructor id exists in the layer-223 schema, under the same TL name;
  * its field names equal the layer-223 field names (Telethon's `is_self` is TL `self`);
  * the bytes decode, with a small reference decoder driven only by the layer-223 schema
    JSON, to exactly `value`, consuming every byte (this checks field types, order, flag
    bits, Bool/Vector ids, the bytes/string length forms and padding);
  * Telethon's own BinaryReader reads the bytes back to an object that converts to the
    same `value` and re-serialises to the same bytes.
Requested objects whose id or fields differ between the layers are skipped and listed.
"""

import datetime
import json
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, '..', '..', '..'))
SCHEMA_DIR = os.path.join(ROOT, 'tools', 'schema', 'node_modules', '@mtcute', 'tl')
OUT = os.path.join(HERE, 'telethon_corpus.json')

try:
    import telethon
    from telethon.extensions import BinaryReader
    from telethon.tl import functions as F
    from telethon.tl import types as T
    from telethon.tl.alltlobjects import LAYER as TELETHON_LAYER
    from telethon.tl.tlobject import TLObject
except ImportError:
    sys.exit('cannot import telethon: run this with /usr/bin/python3 (Debian python3-telethon)')


class Skip(Exception):
    """The object is not the same in layers 144 and 223."""


class Fail(Exception):
    """A real inconsistency: the corpus must not be written."""


# --------------------------------------------------------------------------- schema (layer 223)

def load_schema():
    with open(os.path.join(SCHEMA_DIR, 'api-schema.json'), encoding='utf-8') as f:
        api = json.load(f)
    with open(os.path.join(SCHEMA_DIR, 'mtp-schema.json'), encoding='utf-8') as f:
        mtp = json.load(f)
    if api.get('l') != 223:
        raise Fail('api-schema.json is layer %r, expected 223' % api.get('l'))
    by_id, by_name = {}, {}
    for origin, entries in (('api', api['e']), ('mtproto', mtp)):
        for e in entries:
            name = e['name']
            if origin == 'mtproto':
                if not name.startswith('mt_'):
                    raise Fail('unexpected mtproto name %s' % name)
                name = name[3:]
            d = dict(e, tl_name=name, origin=origin)
            if e['id'] in by_id:
                raise Fail('duplicate id %08x in schema' % e['id'])
            by_id[e['id']] = d
            by_name[name] = d
    return by_id, by_name


SCHEMA_BY_ID, SCHEMA_BY_NAME = load_schema()

VECTOR_ID = 0x1cb5c415
BOOL_TRUE, BOOL_FALSE = 0x997275b5, 0xbc799737
INT_RANGE = {'int': 32, 'long': 64, 'int53': 64}  # mtcute's int53 is a TL long on the wire


def mods(arg):
    return arg.get('typeModifiers') or {}


def norm(name):
    return name.lower().replace('_', '')


def telethon_tl_name(cls):
    """TL name as Telethon spells it: telethon.tl.types.help.NearestDc -> help.nearestDc."""
    parts = cls.__module__.split('.')  # telethon.tl.{types,functions}[.ns]
    name = cls.__name__
    if parts[2] == 'functions':
        if not name.endswith('Request'):
            raise Fail('odd request class %s' % name)
        name = name[:-len('Request')]
    return '.'.join(parts[3:] + [name[0].lower() + name[1:]])


def telethon_args(cls):
    init = cls.__dict__.get('__init__')
    if init is None:
        return []
    code = init.__code__
    return list(code.co_varnames[1:code.co_argcount])


def tl_to_telethon_attr(name):
    return 'is_self' if name == 'self' else name


def schema_entry(obj):
    """Layer-223 entry for a Telethon object, or Skip/Fail with the reason."""
    cls = type(obj)
    tname = telethon_tl_name(cls)
    cid = cls.CONSTRUCTOR_ID
    entry = SCHEMA_BY_ID.get(cid)
    if entry is None:
        other = SCHEMA_BY_NAME.get(tname) or next(
            (e for e in SCHEMA_BY_NAME.values() if norm(e['tl_name']) == norm(tname)), None)
        if other is not None:
            raise Skip('%s: id %08x in layer %d but %08x in layer 223'
                       % (other['tl_name'], cid, TELETHON_LAYER, other['id']))
        raise Skip('%s: id %08x not in layer 223' % (tname, cid))
    if norm(entry['tl_name']) != norm(tname):
        raise Fail('id %08x is %s in Telethon but %s in layer 223' % (cid, tname, entry['tl_name']))
    targs = [tl_to_telethon_attr(a) for a in telethon_args(cls)]
    sargs = [tl_to_telethon_attr(a['name']) for a in entry['arguments'] if a['type'] != '#']
    if sorted(targs) != sorted(sargs):
        raise Skip('%s: same id %08x but fields differ (only layer %d: %s; only layer 223: %s)'
                   % (entry['tl_name'], cid, TELETHON_LAYER,
                      sorted(set(targs) - set(sargs)) or '-', sorted(set(sargs) - set(targs)) or '-'))
    return entry


# --------------------------------------------------------------------------- Telethon -> value

def scalar_value(v, typ, bare_id=None):
    if typ == 'int' and isinstance(v, datetime.datetime):
        v = int(v.timestamp())  # Telethon reads date-like int fields back as aware datetimes
    if typ in INT_RANGE:
        bits = INT_RANGE[typ]
        if type(v) is not int or not -(1 << (bits - 1)) <= v < (1 << (bits - 1)):
            raise Fail('%r is not a TL %s' % (v, typ))
        return v
    if typ == 'double':
        if type(v) is not float:
            raise Fail('%r is not a float' % (v,))
        return v
    if typ in ('int128', 'int256'):
        if type(v) is not int:
            raise Fail('%r is not an int for %s' % (v, typ))
        return v.to_bytes(16 if typ == 'int128' else 32, 'little', signed=True).hex()
    if typ == 'string':
        if type(v) is not str:
            raise Fail('%r is not a str' % (v,))
        return v
    if typ == 'bytes':
        if type(v) is str:  # Telethon's schema has some mtproto bytes fields as string
            v = v.encode('utf-8')
        if type(v) is not bytes:
            raise Fail('%r is not bytes' % (v,))
        return v.hex()
    if typ == 'Bool':
        if type(v) is not bool:
            raise Fail('%r is not a bool' % (v,))
        return v
    if not isinstance(v, TLObject):
        raise Fail('%r is not a TL object of type %s' % (v, typ))
    return object_value(v, typ, bare_id)


def object_value(obj, expected_type=None, bare_id=None):
    entry = schema_entry(obj)
    if bare_id is not None and entry['id'] != bare_id:
        raise Fail('bare element %s is not %08x' % (entry['tl_name'], bare_id))
    if expected_type == '!X':
        if entry['kind'] != 'method':
            raise Fail('%s is not a method' % entry['tl_name'])
    elif expected_type is not None and bare_id is None and entry['type'] != expected_type:
        raise Fail('%s is %s, expected %s' % (entry['tl_name'], entry['type'], expected_type))
    out = {'_': entry['tl_name']}
    for arg in entry['arguments']:
        typ, m = arg['type'], mods(arg)
        if typ == '#':
            continue
        v = getattr(obj, tl_to_telethon_attr(arg['name']))
        pred = m.get('predicate')
        if typ == 'true':
            if not pred:
                raise Fail('unconditional true field %s' % arg['name'])
            if v:
                out[arg['name']] = True
            continue
        if v is None:
            if pred:
                continue
            raise Fail('%s.%s is None' % (entry['tl_name'], arg['name']))
        if m.get('isVector') or m.get('isBareVector'):
            if not isinstance(v, list):
                raise Fail('%s.%s is not a list' % (entry['tl_name'], arg['name']))
            bare = m.get('constructorId') if m.get('isBareType') else None
            out[arg['name']] = [scalar_value(x, typ, bare) for x in v]
        else:
            out[arg['name']] = scalar_value(v, typ)
    return out


# --------------------------------------------------------------------------- reference decoder (layer 223 JSON only)

class SchemaReader:
    def __init__(self, data):
        self.data, self.pos = data, 0

    def take(self, n):
        if self.pos + n > len(self.data):
            raise Fail('read past end (%d+%d > %d)' % (self.pos, n, len(self.data)))
        b = self.data[self.pos:self.pos + n]
        self.pos += n
        return b

    def u32(self):
        return struct.unpack('<I', self.take(4))[0]

    def tl_bytes(self):
        first = self.take(1)[0]
        if first == 255:
            raise Fail('invalid length byte 255')
        if first == 254:
            n = int.from_bytes(self.take(3), 'little')
            if n < 254:
                raise Fail('long length form used for %d bytes' % n)
            head = 4
        else:
            n, head = first, 1
        body = self.take(n)
        pad = (-(head + n)) % 4
        if any(self.take(pad)):
            raise Fail('non-zero padding')
        return body

    def scalar(self, typ, bare_id=None):
        if typ == 'int':
            return struct.unpack('<i', self.take(4))[0]
        if typ in ('long', 'int53'):
            return struct.unpack('<q', self.take(8))[0]
        if typ == 'double':
            return struct.unpack('<d', self.take(8))[0]
        if typ == 'int128':
            return self.take(16).hex()
        if typ == 'int256':
            return self.take(32).hex()
        if typ == 'string':
            return self.tl_bytes().decode('utf-8')
        if typ == 'bytes':
            return self.tl_bytes().hex()
        if typ == 'Bool':
            cid = self.u32()
            if cid not in (BOOL_TRUE, BOOL_FALSE):
                raise Fail('bad Bool %08x' % cid)
            return cid == BOOL_TRUE
        if bare_id is not None:
            return self.fields(SCHEMA_BY_ID[bare_id])
        return self.boxed(typ)

    def boxed(self, expected_type=None):
        cid = self.u32()
        entry = SCHEMA_BY_ID.get(cid)
        if entry is None:
            raise Fail('unknown constructor %08x at %d' % (cid, self.pos - 4))
        if expected_type == '!X':
            if entry['kind'] != 'method':
                raise Fail('%s is not a method' % entry['tl_name'])
        elif expected_type is not None and entry['type'] != expected_type:
            raise Fail('%s has type %s, expected %s' % (entry['tl_name'], entry['type'], expected_type))
        return self.fields(entry)

    def fields(self, entry):
        out, flags = {'_': entry['tl_name']}, {}
        for arg in entry['arguments']:
            typ, m = arg['type'], mods(arg)
            if typ == '#':
                flags[arg['name']] = self.u32()
                continue
            pred = m.get('predicate')
            if pred:
                field, bit = pred.split('.')
                present = (flags[field] >> int(bit)) & 1
                if typ == 'true':
                    if present:
                        out[arg['name']] = True
                    continue
                if not present:
                    continue
            if m.get('isVector') or m.get('isBareVector'):
                if m.get('isVector') and self.u32() != VECTOR_ID:
                    raise Fail('vector id expected for %s' % arg['name'])
                count = struct.unpack('<i', self.take(4))[0]
                bare = m.get('constructorId') if m.get('isBareType') else None
                out[arg['name']] = [self.scalar(typ, bare) for _ in range(count)]
            else:
                out[arg['name']] = self.scalar(typ)
        return out


def schema_decode(data):
    r = SchemaReader(data)
    value = r.boxed()
    if r.pos != len(data):
        raise Fail('%d trailing bytes' % (len(data) - r.pos))
    return value


# --------------------------------------------------------------------------- fixed test values

def pattern(n, mul=37, add=11):
    return bytes((i * mul + add) & 0xFF for i in range(n))


def i128(first):
    return int.from_bytes(bytes((first + i) & 0xFF for i in range(16)), 'little', signed=True)


def i256(first):
    return int.from_bytes(bytes((first + 7 * i) & 0xFF for i in range(32)), 'little', signed=True)


LONG_MAX, LONG_MIN = (1 << 63) - 1, -(1 << 63)
INT_MAX, INT_MIN = (1 << 31) - 1, -(1 << 31)
NONCE, SERVER_NONCE, NEW_NONCE = i128(0x00), i128(0xF0), i256(0x80)
CHANNEL_ID, USER_ID = 1234567890123, 777000  # int53 fields keep realistic (< 2^53) ids
RU = 'Привет, мир! Съешь же ещё этих мягких французских булок'
EMOJI = 'emoji 🚀👋🏽🇳🇱 ok'
LONG_TEXT = ('Ёжик в тумане 🦔 ' * 20).strip()  # > 253 UTF-8 bytes: long length form


def dc_options():
    return [
        T.DcOption(id=1, ip_address='149.154.175.53', port=443),
        T.DcOption(id=2, ip_address='2001:067c:04e8:f002:0000:0000:0000:000a', port=443, ipv6=True),
        T.DcOption(id=4, ip_address='149.154.167.92', port=443, media_only=True, static=True),
        T.DcOption(id=203, ip_address='91.105.192.100', port=443, tcpo_only=True,
                   this_port_only=True, secret=pattern(16, 13, 0xEE)),
        T.DcOption(id=5, ip_address='2001:0b28:f23f:f005:0000:0000:0000:000a', port=INT_MAX,
                   ipv6=True, media_only=True, tcpo_only=True, cdn=True, static=True,
                   this_port_only=True, secret=b'\xdd' + pattern(16, 5, 1)),
    ]


def json_tree():
    return T.JsonObject(value=[
        T.JsonObjectValue(key='greeting', value=T.JsonString(value=RU)),
        T.JsonObjectValue(key='emoji', value=T.JsonString(value=EMOJI)),
        T.JsonObjectValue(key='', value=T.JsonString(value='')),
        T.JsonObjectValue(key='pi', value=T.JsonNumber(value=3.141592653589793)),
        T.JsonObjectValue(key='tiny', value=T.JsonNumber(value=5e-324)),
        T.JsonObjectValue(key='big', value=T.JsonNumber(value=-1.7976931348623157e308)),
        T.JsonObjectValue(key='ok', value=T.JsonBool(value=True)),
        T.JsonObjectValue(key='nope', value=T.JsonBool(value=False)),
        T.JsonObjectValue(key='nil', value=T.JsonNull()),
        T.JsonObjectValue(key='list', value=T.JsonArray(value=[
            T.JsonNumber(value=1.0), T.JsonNumber(value=-0.5), T.JsonArray(value=[]),
            T.JsonObject(value=[]), T.JsonString(value=LONG_TEXT)])),
    ])


def input_peer_channel():
    return T.InputPeerChannel(channel_id=CHANNEL_ID, access_hash=LONG_MIN)


def input_channel():
    return T.InputChannel(channel_id=CHANNEL_ID, access_hash=-1)


# (requested TL name, builder).  Several cases may share a name.
CASES = [
    # ---- help / basic constructors, int and string edge values
    ('nearestDc', lambda: T.NearestDc(country='NL', this_dc=2, nearest_dc=4)),
    ('nearestDc', lambda: T.NearestDc(country='', this_dc=INT_MAX, nearest_dc=-1)),
    ('updates.state', lambda: T.updates.State(pts=INT_MAX, qts=-1, date=1700000000, seq=INT_MIN,
                                              unread_count=0)),
    ('updates.differenceEmpty', lambda: T.updates.DifferenceEmpty(date=1700000001, seq=17)),
    ('updates.differenceTooLong', lambda: T.updates.DifferenceTooLong(pts=123456)),
    ('updates.channelDifferenceEmpty', lambda: T.updates.ChannelDifferenceEmpty(
        pts=99, final=True, timeout=30)),
    ('messages.messagesNotModified', lambda: T.messages.MessagesNotModified(count=-1)),
    # ---- files: bytes length forms (0, 3, 253 short; 254, 1024, 65539 long)
    ('upload.file', lambda: T.upload.File(type=T.storage.FileJpeg(), mtime=1700000000,
                                          bytes=pattern(1024))),
    ('upload.file', lambda: T.upload.File(type=T.storage.FilePartial(), mtime=0, bytes=pattern(254, 3))),
    ('upload.file', lambda: T.upload.File(type=T.storage.FileUnknown(), mtime=-1, bytes=pattern(253, 5))),
    ('upload.file', lambda: T.upload.File(type=T.storage.FilePng(), mtime=INT_MAX, bytes=b'')),
    ('upload.file', lambda: T.upload.File(type=T.storage.FileMp4(), mtime=1, bytes=b'\x00\xff\x80')),
    ('upload.file', lambda: T.upload.File(type=T.storage.FileWebp(), mtime=2, bytes=pattern(65539, 101, 7))),
    ('upload.fileCdnRedirect', lambda: T.upload.FileCdnRedirect(
        dc_id=203, file_token=pattern(40, 3, 1), encryption_key=pattern(32, 7, 2),
        encryption_iv=pattern(16, 11, 3),
        file_hashes=[T.FileHash(offset=0, limit=131072, hash=pattern(32, 17, 4)),
                     T.FileHash(offset=131072, limit=131072, hash=pattern(32, 19, 5))])),
    ('upload.cdnFileReuploadNeeded', lambda: T.upload.CdnFileReuploadNeeded(request_token=pattern(20))),
    ('cdnConfig', lambda: T.CdnConfig(public_keys=[
        T.CdnPublicKey(dc_id=121, public_key='-----BEGIN RSA PUBLIC KEY-----\nMIIBCgKCAQEA\n'
                                             '-----END RSA PUBLIC KEY-----'),
        T.CdnPublicKey(dc_id=140, public_key='')])),
    # ---- DC options
    ('dcOption', lambda: dc_options()[0]),
    ('dcOption', lambda: dc_options()[1]),
    ('dcOption', lambda: dc_options()[2]),
    ('dcOption', lambda: dc_options()[3]),
    ('dcOption', lambda: dc_options()[4]),
    ('updateDcOptions', lambda: T.UpdateDcOptions(dc_options=dc_options())),
    # ---- peers / channels
    ('inputPeerEmpty', lambda: T.InputPeerEmpty()),
    ('inputPeerSelf', lambda: T.InputPeerSelf()),
    ('inputPeerUser', lambda: T.InputPeerUser(user_id=USER_ID, access_hash=LONG_MAX)),
    ('inputPeerChannel', input_peer_channel),
    ('inputPeerChat', lambda: T.InputPeerChat(chat_id=4567)),
    ('inputChannel', input_channel),
    ('inputChannelEmpty', lambda: T.InputChannelEmpty()),
    ('inputUser', lambda: T.InputUser(user_id=(1 << 53) - 1, access_hash=-6148914691236517206)),
    ('peerUser', lambda: T.PeerUser(user_id=USER_ID)),
    ('peerChannel', lambda: T.PeerChannel(channel_id=CHANNEL_ID)),
    ('peerChat', lambda: T.PeerChat(chat_id=1)),
    # ---- file locations
    ('inputFileLocation', lambda: T.InputFileLocation(
        volume_id=LONG_MAX, local_id=INT_MIN, secret=-2, file_reference=b'')),
    ('inputDocumentFileLocation', lambda: T.InputDocumentFileLocation(
        id=5012345678901234567, access_hash=-5012345678901234567,
        file_reference=pattern(29, 9, 2), thumb_size='')),
    ('inputPhotoFileLocation', lambda: T.InputPhotoFileLocation(
        id=6012345678901234567, access_hash=1, file_reference=pattern(5), thumb_size='y')),
    ('inputPeerPhotoFileLocation', lambda: T.InputPeerPhotoFileLocation(
        peer=T.InputPeerUser(user_id=USER_ID, access_hash=42), photo_id=LONG_MIN, big=True)),
    ('inputPeerPhotoFileLocation', lambda: T.InputPeerPhotoFileLocation(
        peer=input_peer_channel(), photo_id=7)),
    ('inputEncryptedFileLocation', lambda: T.InputEncryptedFileLocation(id=-7, access_hash=8)),
    ('inputSecureFileLocation', lambda: T.InputSecureFileLocation(id=9, access_hash=-10)),
    ('inputTakeoutFileLocation', lambda: T.InputTakeoutFileLocation()),
    ('inputPhotoLegacyFileLocation', lambda: T.InputPhotoLegacyFileLocation(
        id=11, access_hash=12, file_reference=pattern(1), volume_id=13, local_id=14, secret=15)),
    ('inputStickerSetThumb', lambda: T.InputStickerSetThumb(
        stickerset=T.InputStickerSetID(id=16, access_hash=17), thumb_version=3)),
    ('inputGroupCallStream', lambda: T.InputGroupCallStream(
        call=T.InputGroupCall(id=18, access_hash=19), time_ms=1700000000123, scale=0,
        video_channel=1, video_quality=2)),
    # ---- requests
    ('help.getNearestDc', lambda: F.help.GetNearestDcRequest()),
    ('help.getConfig', lambda: F.help.GetConfigRequest()),
    ('help.getCdnConfig', lambda: F.help.GetCdnConfigRequest()),
    ('updates.getState', lambda: F.updates.GetStateRequest()),
    ('messages.getHistory', lambda: F.messages.GetHistoryRequest(
        peer=input_peer_channel(), offset_id=0, offset_date=0, add_offset=-10, limit=100,
        max_id=INT_MAX, min_id=-1, hash=-6148914691236517206)),
    ('upload.getFile', lambda: F.upload.GetFileRequest(
        location=T.InputDocumentFileLocation(id=1, access_hash=2, file_reference=pattern(8),
                                             thumb_size='m'),
        offset=1 << 40, limit=524288, precise=True)),
    ('upload.getFile', lambda: F.upload.GetFileRequest(
        location=T.InputFileLocation(volume_id=3, local_id=4, secret=5, file_reference=b'\x01'),
        offset=0, limit=1048576, cdn_supported=True)),
    ('upload.getCdnFile', lambda: F.upload.GetCdnFileRequest(
        file_token=pattern(40, 3, 1), offset=131072, limit=131072)),
    ('upload.getFileHashes', lambda: F.upload.GetFileHashesRequest(
        location=T.InputPhotoFileLocation(id=1, access_hash=2, file_reference=b'', thumb_size='x'),
        offset=0)),
    ('updates.getChannelDifference', lambda: F.updates.GetChannelDifferenceRequest(
        channel=input_channel(),
        filter=T.ChannelMessagesFilter(ranges=[T.MessageRange(min_id=1, max_id=10),
                                               T.MessageRange(min_id=100, max_id=INT_MAX)],
                                       exclude_new_messages=True),
        pts=12345, limit=100, force=True)),
    ('updates.getChannelDifference', lambda: F.updates.GetChannelDifferenceRequest(
        channel=input_channel(), filter=T.ChannelMessagesFilterEmpty(), pts=1, limit=INT_MAX)),
    ('channels.getFullChannel', lambda: F.channels.GetFullChannelRequest(channel=input_channel())),
    ('messages.getMessagesViews', lambda: F.messages.GetMessagesViewsRequest(
        peer=input_peer_channel(), id=[1, 2, INT_MAX], increment=False)),
    ('messages.getMessagesViews', lambda: F.messages.GetMessagesViewsRequest(
        peer=T.InputPeerChat(chat_id=5), id=[], increment=True)),
    ('auth.exportAuthorization', lambda: F.auth.ExportAuthorizationRequest(dc_id=4)),
    ('auth.exportedAuthorization', lambda: T.auth.ExportedAuthorization(id=USER_ID, bytes=pattern(255))),
    ('auth.importAuthorization', lambda: F.auth.ImportAuthorizationRequest(id=USER_ID, bytes=pattern(255))),
    ('auth.bindTempAuthKey', lambda: F.auth.BindTempAuthKeyRequest(
        perm_auth_key_id=LONG_MIN, nonce=LONG_MAX, expires_at=1700086400,
        encrypted_message=pattern(120, 23, 9))),
    ('help.saveAppLog', lambda: F.help.SaveAppLogRequest(events=[
        T.InputAppEvent(time=1700000000.125, type='corpus.test', peer=-1, data=json_tree()),
        T.InputAppEvent(time=0.0, type='', peer=0, data=T.JsonNull())])),
    ('invokeWithLayer', lambda: F.InvokeWithLayerRequest(layer=223, query=F.InitConnectionRequest(
        api_id=123456, device_model='mtpipe corpus', system_version='Linux 6.1',
        app_version='0.1.0', system_lang_code='ru-RU', lang_pack='', lang_code='ru',
        params=T.JsonObject(value=[T.JsonObjectValue(key='tz_offset', value=T.JsonNumber(value=10800.0))]),
        query=F.help.GetConfigRequest()))),
    # ---- message entities
    ('messageEntityBold', lambda: T.MessageEntityBold(offset=0, length=5)),
    ('messageEntityItalic', lambda: T.MessageEntityItalic(offset=6, length=INT_MAX)),
    ('messageEntityUnderline', lambda: T.MessageEntityUnderline(offset=-1, length=0)),
    ('messageEntityStrike', lambda: T.MessageEntityStrike(offset=1, length=1)),
    ('messageEntityCode', lambda: T.MessageEntityCode(offset=2, length=3)),
    ('messageEntityPre', lambda: T.MessageEntityPre(offset=0, length=40, language='c++')),
    ('messageEntityUrl', lambda: T.MessageEntityUrl(offset=4, length=20)),
    ('messageEntityTextUrl', lambda: T.MessageEntityTextUrl(
        offset=0, length=7, url='https://пример.рф/путь?q=🚀')),
    ('messageEntityMention', lambda: T.MessageEntityMention(offset=0, length=9)),
    ('messageEntityMentionName', lambda: T.MessageEntityMentionName(offset=3, length=4, user_id=USER_ID)),
    ('inputMessageEntityMentionName', lambda: T.InputMessageEntityMentionName(
        offset=3, length=4, user_id=T.InputUserSelf())),
    ('messageEntityHashtag', lambda: T.MessageEntityHashtag(offset=10, length=8)),
    ('messageEntityCashtag', lambda: T.MessageEntityCashtag(offset=11, length=4)),
    ('messageEntityBotCommand', lambda: T.MessageEntityBotCommand(offset=0, length=6)),
    ('messageEntityEmail', lambda: T.MessageEntityEmail(offset=1, length=15)),
    ('messageEntityPhone', lambda: T.MessageEntityPhone(offset=2, length=12)),
    ('messageEntityBankCard', lambda: T.MessageEntityBankCard(offset=3, length=16)),
    ('messageEntitySpoiler', lambda: T.MessageEntitySpoiler(offset=4, length=5)),
    ('messageEntityCustomEmoji', lambda: T.MessageEntityCustomEmoji(
        offset=5, length=2, document_id=5368324170671202286)),
    ('messageEntityUnknown', lambda: T.MessageEntityUnknown(offset=0, length=0)),
    ('messageEntityBlockquote', lambda: T.MessageEntityBlockquote(offset=0, length=1)),
    # ---- updates (nested, vectors)
    ('updatesTooLong', lambda: T.UpdatesTooLong()),
    ('updateChannelTooLong', lambda: T.UpdateChannelTooLong(channel_id=CHANNEL_ID)),
    ('updateChannelTooLong', lambda: T.UpdateChannelTooLong(channel_id=CHANNEL_ID, pts=INT_MAX)),
    ('updateShort', lambda: T.UpdateShort(
        update=T.UpdateChannelTooLong(channel_id=CHANNEL_ID, pts=42), date=1700000002)),
    ('updateShort', lambda: T.UpdateShort(update=T.UpdateDcOptions(dc_options=dc_options()),
                                          date=1700000003)),
    ('updates', lambda: T.Updates(updates=[
        T.UpdateDeleteChannelMessages(channel_id=CHANNEL_ID, messages=[1, 2, 3], pts=10, pts_count=3),
        T.UpdateDeleteMessages(messages=[], pts=11, pts_count=0),
        T.UpdateChannelAvailableMessages(channel_id=CHANNEL_ID, available_min_id=100),
        T.UpdateReadHistoryOutbox(peer=T.PeerUser(user_id=USER_ID), max_id=500, pts=12, pts_count=1),
        T.UpdateConfig(), T.UpdatePtsChanged(), T.UpdateLoginToken(),
        T.UpdateChannelTooLong(channel_id=1)], users=[], chats=[], date=1700000004, seq=5)),
    ('updatesCombined', lambda: T.UpdatesCombined(
        updates=[T.UpdateDcOptions(dc_options=dc_options()[:2])], users=[], chats=[],
        date=1700000005, seq_start=6, seq=7)),
    ('updates.getDifference', lambda: F.updates.GetDifferenceRequest(pts=1, date=2, qts=3)),
    ('contacts.resolveUsername', lambda: F.contacts.ResolveUsernameRequest(username='telegram')),
    ('inputMediaPhoto', lambda: T.InputMediaPhoto(id=T.InputPhotoEmpty())),
    # ---- doubles, rich text, JSON
    ('inputGeoPoint', lambda: T.InputGeoPoint(lat=55.755826, long=37.6173, accuracy_radius=50)),
    ('inputGeoPoint', lambda: T.InputGeoPoint(lat=-33.8688, long=151.2093)),
    ('geoPoint', lambda: T.GeoPoint(long=-122.4194, lat=37.7749, access_hash=LONG_MIN + 1)),
    ('statsPercentValue', lambda: T.StatsPercentValue(part=0.1, total=0.30000000000000004)),
    ('statsAbsValueAndPrev', lambda: T.StatsAbsValueAndPrev(current=1e300, previous=-2.5e-10)),
    ('jsonNumber', lambda: T.JsonNumber(value=-1234.5678)),
    ('jsonString', lambda: T.JsonString(value=LONG_TEXT)),
    ('jsonObject', json_tree),
    ('dataJSON', lambda: T.DataJSON(data='{"ключ":"значение","emoji":"🙂"}')),
    ('textConcat', lambda: T.TextConcat(texts=[
        T.TextPlain(text='Hello, '), T.TextBold(text=T.TextPlain(text='мир')),
        T.TextUrl(text=T.TextPlain(text=EMOJI), url='https://t.me/', webpage_id=0),
        T.TextEmpty()])),
    # ---- MTProto service objects (mtp-schema.json)
    ('req_pq_multi', lambda: F.ReqPqMultiRequest(nonce=NONCE)),
    ('resPQ', lambda: T.ResPQ(nonce=NONCE, server_nonce=SERVER_NONCE,
                              pq=bytes.fromhex('17ed48941a08f981'),
                              server_public_key_fingerprints=[-3414540481677951611, LONG_MAX, -1])),
    ('p_q_inner_data_dc', lambda: T.PQInnerDataDc(
        pq=bytes.fromhex('17ed48941a08f981'), p=bytes.fromhex('494c553b'), q=bytes.fromhex('53911073'),
        nonce=NONCE, server_nonce=SERVER_NONCE, new_nonce=NEW_NONCE, dc=-2)),
    ('p_q_inner_data_temp_dc', lambda: T.PQInnerDataTempDc(
        pq=bytes.fromhex('17ed48941a08f981'), p=bytes.fromhex('494c553b'), q=bytes.fromhex('53911073'),
        nonce=NONCE, server_nonce=SERVER_NONCE, new_nonce=NEW_NONCE, dc=10002, expires_in=86400)),
    ('req_DH_params', lambda: F.ReqDHParamsRequest(
        nonce=NONCE, server_nonce=SERVER_NONCE, p=bytes.fromhex('494c553b'), q=bytes.fromhex('53911073'),
        public_key_fingerprint=-3414540481677951611, encrypted_data=pattern(256, 29, 3))),
    ('server_DH_params_ok', lambda: T.ServerDHParamsOk(
        nonce=NONCE, server_nonce=SERVER_NONCE, encrypted_answer=pattern(592, 31, 5))),
    ('server_DH_inner_data', lambda: T.ServerDHInnerData(
        nonce=NONCE, server_nonce=SERVER_NONCE, g=3, dh_prime=pattern(256, 41, 0xC7),
        g_a=pattern(256, 43, 1), server_time=1700000000)),
    ('client_DH_inner_data', lambda: T.ClientDHInnerData(
        nonce=NONCE, server_nonce=SERVER_NONCE, retry_id=0, g_b=pattern(256, 47, 2))),
    ('set_client_DH_params', lambda: F.SetClientDHParamsRequest(
        nonce=NONCE, server_nonce=SERVER_NONCE, encrypted_data=pattern(336, 53, 4))),
    ('dh_gen_ok', lambda: T.DhGenOk(nonce=NONCE, server_nonce=SERVER_NONCE, new_nonce_hash1=i128(0x40))),
    ('dh_gen_retry', lambda: T.DhGenRetry(nonce=NONCE, server_nonce=SERVER_NONCE, new_nonce_hash2=i128(0x50))),
    ('dh_gen_fail', lambda: T.DhGenFail(nonce=NONCE, server_nonce=SERVER_NONCE, new_nonce_hash3=i128(0x60))),
    ('bind_auth_key_inner', lambda: T.BindAuthKeyInner(
        nonce=LONG_MIN, temp_auth_key_id=1, perm_auth_key_id=-1, temp_session_id=LONG_MAX,
        expires_at=1700086400)),
    ('ping', lambda: F.PingRequest(ping_id=LONG_MAX)),
    ('ping_delay_disconnect', lambda: F.PingDelayDisconnectRequest(ping_id=-1, disconnect_delay=75)),
    ('pong', lambda: T.Pong(msg_id=7300000000000000004, ping_id=LONG_MAX)),
    ('msgs_ack', lambda: T.MsgsAck(msg_ids=[7300000000000000004, 7300000000000000008, LONG_MIN])),
    ('msgs_ack', lambda: T.MsgsAck(msg_ids=[])),
    ('bad_server_salt', lambda: T.BadServerSalt(
        bad_msg_id=7300000000000000012, bad_msg_seqno=3, error_code=48, new_server_salt=-8070450532247928832)),
    ('bad_msg_notification', lambda: T.BadMsgNotification(
        bad_msg_id=7300000000000000016, bad_msg_seqno=INT_MAX, error_code=16)),
    ('new_session_created', lambda: T.NewSessionCreated(
        first_msg_id=7300000000000000020, unique_id=-1, server_salt=LONG_MAX)),
    ('rpc_error', lambda: T.RpcError(error_code=420, error_message='FLOOD_WAIT_17')),
    ('rpc_error', lambda: T.RpcError(error_code=-500, error_message='Внутренняя ошибка 💥')),
    ('future_salt', lambda: T.FutureSalt(valid_since=1700000000, valid_until=1700001800, salt=-42)),
    ('future_salts', lambda: T.FutureSalts(req_msg_id=7300000000000000024, now=1700000000, salts=[
        T.FutureSalt(valid_since=1700000000, valid_until=1700001800, salt=LONG_MIN),
        T.FutureSalt(valid_since=1700001800, valid_until=1700003600, salt=LONG_MAX),
        T.FutureSalt(valid_since=1700003600, valid_until=1700005400, salt=0)])),
    ('get_future_salts', lambda: F.GetFutureSaltsRequest(num=64)),
    ('msgs_state_req', lambda: T.MsgsStateReq(msg_ids=[7300000000000000028])),
    ('msgs_state_info', lambda: T.MsgsStateInfo(req_msg_id=7300000000000000032, info=b'\x01\x02\x04')),
    ('msgs_all_info', lambda: T.MsgsAllInfo(msg_ids=[1, 2], info=b'\x04\x04')),
    ('msg_detailed_info', lambda: T.MsgDetailedInfo(
        msg_id=7300000000000000036, answer_msg_id=7300000000000000041, bytes=1024, status=0)),
    ('msg_new_detailed_info', lambda: T.MsgNewDetailedInfo(
        answer_msg_id=7300000000000000045, bytes=INT_MAX, status=0)),
    ('msg_resend_req', lambda: T.MsgResendReq(msg_ids=[7300000000000000048, 7300000000000000052])),
    ('rpc_drop_answer', lambda: F.RpcDropAnswerRequest(req_msg_id=7300000000000000056)),
    ('rpc_answer_unknown', lambda: T.RpcAnswerUnknown()),
    ('rpc_answer_dropped_running', lambda: T.RpcAnswerDroppedRunning()),
    ('rpc_answer_dropped', lambda: T.RpcAnswerDropped(msg_id=7300000000000000060, seq_no=9, bytes=64)),
    ('destroy_session', lambda: F.DestroySessionRequest(session_id=-1)),
    ('destroy_session_ok', lambda: T.DestroySessionOk(session_id=LONG_MAX)),
    ('destroy_session_none', lambda: T.DestroySessionNone(session_id=LONG_MIN)),
    ('http_wait', lambda: T.HttpWait(max_delay=0, wait_after=0, max_wait=25000)),
]


# --------------------------------------------------------------------------- build and verify

def build_case(builder):
    try:
        obj = builder()
    except AttributeError as e:  # class missing from Telethon's layer
        raise Skip('not in Telethon layer %d (%s)' % (TELETHON_LAYER, e))
    value = object_value(obj)
    entry = schema_entry(obj)
    data = bytes(obj)
    if data != obj._bytes():
        raise Fail('bytes(obj) != obj._bytes()')
    if struct.unpack('<I', data[:4])[0] != entry['id']:
        raise Fail('first word is not the constructor id')
    # 1. independent reference decoder driven by the layer-223 schema
    decoded = schema_decode(data)
    if decoded != value:
        raise Fail('layer-223 decode differs:\n  decoded %r\n  expected %r' % (decoded, value))
    # 2. Telethon reads its own bytes back to the same value and bytes
    back = BinaryReader(data).tgread_object()
    if type(back) is not type(obj) or object_value(back) != value or bytes(back) != data:
        raise Fail('Telethon BinaryReader round trip differs')
    # 3. the JSON text round-trips exactly (ints, doubles, UTF-8)
    if json.loads(json.dumps(value, ensure_ascii=False)) != value:
        raise Fail('value does not survive JSON')
    return {'name': entry['tl_name'], 'id': entry['id'], 'schema': entry['origin'],
            'hex': data.hex(), 'value': value}


def build():
    cases, skipped = [], []
    for requested, builder in CASES:
        try:
            case = build_case(builder)
        except Skip as e:
            skipped.append((requested, str(e)))
            continue
        except Fail as e:
            raise Fail('%s: %s' % (requested, e))
        if case['name'] != requested:
            raise Fail('requested %s but built %s' % (requested, case['name']))
        cases.append(case)
    return cases, skipped


def main():
    check = '--check' in sys.argv[1:]
    if (telethon.__version__, TELETHON_LAYER) != ('1.25.1', 144):
        print('warning: expected Telethon 1.25.1 (layer 144), found %s (layer %d)'
              % (telethon.__version__, TELETHON_LAYER), file=sys.stderr)
    try:
        cases, skipped = build()
    except Fail as e:
        sys.exit('FAILED: %s' % e)
    if len(cases) < 30:
        sys.exit('FAILED: only %d cases' % len(cases))
    text = json.dumps(cases, ensure_ascii=False, indent=1) + '\n'
    for name, why in skipped:
        print('skipped %s: %s' % (name, why))
    names = sorted({c['name'] for c in cases})
    print('%d cases, %d distinct TL names (Telethon %s, layer %d vs layer 223)'
          % (len(cases), len(names), telethon.__version__, TELETHON_LAYER))
    if check:
        with open(OUT, encoding='utf-8') as f:
            if f.read() != text:
                sys.exit('FAILED: %s is out of date; regenerate it' % OUT)
        print('%s is up to date' % OUT)
    else:
        with open(OUT, 'w', encoding='utf-8') as f:
            f.write(text)
        print('wrote %s' % OUT)


if __name__ == '__main__':
    main()
