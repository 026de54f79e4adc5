#!/usr/bin/python3
"""Telethon 1.25.1 (Debian python3-telethon) against `mtpipe sim`.

Run with Debian's interpreter, /usr/bin/python3 (a pyenv python3 does not see dist-packages).
See tests/peers/README.md for the command line and tests/peers/plan.md for the test plan.
"""
import argparse
import asyncio
import hashlib
import json
import logging
import os
import resource
import struct
import sys
import time

from telethon import TelegramClient, functions, types
from telethon.crypto import rsa
from telethon.errors import RPCError, rpc_errors_dict
from telethon.network import mtprotosender
from telethon.network.connection import (
    ConnectionTcpAbridged,
    ConnectionTcpFull,
    ConnectionTcpIntermediate,
    ConnectionTcpObfuscated,
)
from telethon.sessions import MemorySession
import telethon

PEER = 'telethon'
TRANSPORTS = {
    'full': ConnectionTcpFull,
    'intermediate': ConnectionTcpIntermediate,
    'abridged': ConnectionTcpAbridged,
    'obfuscated': ConnectionTcpObfuscated,  # obfuscated abridged (efefefef)
}
MODES = ('test', 'seq', 'inflight', 'file', 'idle')

MIB = 1 << 20
FILE_SIZE = 8 * MIB
IDS = [1, 0x0123456789ABCDEF, 0xFEDCBA9876543210, 1757]
LIMITS = [1024, 4096, 16384, 65536, 131072, 2048, 8192, 32768]
CALL_TIMEOUT = 20.0

# bad_server_salt counter: wrap the sender's handler (bound into MTProtoSender._handlers at
# construction, so patching the class before any client exists catches every sender).
BAD_SALTS = 0
_orig_bad_salt = mtprotosender.MTProtoSender._handle_bad_server_salt


async def _counting_bad_salt(self, message):
    global BAD_SALTS
    BAD_SALTS += 1
    return await _orig_bad_salt(self, message)


mtprotosender.MTProtoSender._handle_bad_server_salt = _counting_bad_salt

# bad_msg_notification codes seen (a correct sim never needs to send one to these clients).
BAD_MSGS = {}
_orig_bad_msg = mtprotosender.MTProtoSender._handle_bad_notification


async def _counting_bad_msg(self, message):
    code = message.obj.error_code
    BAD_MSGS[code] = BAD_MSGS.get(code, 0) + 1
    log(f'bad_msg_notification code {code} for msg_id {message.obj.bad_msg_id}')
    return await _orig_bad_msg(self, message)


mtprotosender.MTProtoSender._handle_bad_notification = _counting_bad_msg


def log(*a):
    print(f'[{PEER}]', *a, file=sys.stderr, flush=True)


def cpu_s():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def vm_rss_kb():
    with open('/proc/self/status') as f:
        for line in f:
            if line.startswith('VmRSS:'):
                return int(line.split()[1])
    return -1


_ERROR_NAMES = {cls: name for name, cls in rpc_errors_dict.items()}


def rpc_text(e):
    """The error text of an RPCError. Telethon turns known texts into classes whose .message is
    the generic one of their base (e.g. OffsetInvalidError.message == 'BAD_REQUEST')."""
    return _ERROR_NAMES.get(type(e), e.message)


def signed64(x):
    return x - (1 << 64) if x >= (1 << 63) else x


# ---------------------------------------------------------------- synthetic file bytes
_PATTERN = None


def expected_bytes(x, offset, limit):
    """Bytes [offset, min(offset+limit, 8 MiB)) of the file with location id x (docs/SIM.md)."""
    global _PATTERN
    if _PATTERN is None:
        _PATTERN = bytes(i % 251 for i in range(251)) * ((MIB + 2 * 251) // 251 + 1)
    n = max(0, min(offset + limit, FILE_SIZE) - offset)
    start = (offset + 31 * x) % 251
    return _PATTERN[start:start + n]


def first_diff(got, want):
    for i in range(min(len(got), len(want))):
        if got[i] != want[i]:
            return i
    return min(len(got), len(want))


def plan_request(i):
    x = IDS[i % 4]
    photo = (i % 3 == 2)
    if i % 100 == 99:
        limit, offset, precise = MIB, ((i * 5) % 8) * MIB, False
    elif i % 25 == 24:
        limit, offset, precise = 4096, (8 + i % 2) * MIB, False
    elif i % 10 == 9:
        limit = 1024 * (1 + (i * 7) % 40)
        within = min(1024 * ((i * 11) % 1024), MIB - limit)
        offset, precise = ((i * 3) % 8) * MIB + within, True
    else:
        limit = LIMITS[(i // 4) % 8]
        slots = MIB // limit
        offset = ((i * 5 + i // 8) % 8) * MIB + ((i * 13) % slots) * limit
        precise = False
    return x, photo, offset, limit, precise


def location(x, photo=False):
    if photo:
        return types.InputPhotoFileLocation(id=signed64(x), access_hash=0, file_reference=b'',
                                            thumb_size='y')
    return types.InputDocumentFileLocation(id=signed64(x), access_hash=0, file_reference=b'',
                                           thumb_size='')


def get_file(x, offset, limit, photo=False, precise=False):
    return functions.upload.GetFileRequest(location=location(x, photo), offset=offset, limit=limit,
                                           precise=True if precise else None)


def nearest():
    return functions.help.GetNearestDcRequest()


# ---------------------------------------------------------------- setup
def load_ready(path, dc):
    with open(path) as f:
        ready = json.load(f)
    port = None
    for d in ready['dcs']:
        if int(d['id']) == dc:
            port = int(d['port'])
    if port is None:
        raise SystemExit(f'[{PEER}] DC {dc} is not in the ready file {path}: {ready["dcs"]}')
    return ready, ready.get('host', '127.0.0.1'), port


def register_key(ready):
    """Registers the sim's key (rsa.add_key) and cross-checks the ready file's fingerprint."""
    pem = ready['rsa_public_pem']
    rsa.add_key(pem, old=False)
    import rsa as pyrsa
    key = pyrsa.PublicKey.load_pkcs1(pem)
    fp = rsa._compute_fingerprint(key) & 0xFFFFFFFFFFFFFFFF
    mine = f'{fp:016x}'
    theirs = str(ready.get('fingerprint', '')).lower()
    if mine != theirs:
        return f'fingerprint mismatch: ready file says {theirs}, the PEM gives {mine}'
    return None


def make_client(host, port, dc, transport, timeout=10):
    session = MemorySession()
    session.set_dc(dc, host, port)
    return TelegramClient(
        session, 1, 'mtpipe-sim-api-hash',   # the sim accepts any api_id/api_hash
        connection=TRANSPORTS[transport],
        connection_retries=1,      # 2 attempts (retry_range adds one); a refused port fails in ~0.5 s
        retry_delay=0,
        auto_reconnect=False,
        request_retries=1,
        timeout=timeout,
        receive_updates=False,
        flood_sleep_threshold=0,
    )


async def call(client, req, timeout=CALL_TIMEOUT):
    return await asyncio.wait_for(client(req), timeout)


# ---------------------------------------------------------------- modes
async def mode_test(client, args, errors):
    dc = args.dc
    n = args.n
    stats = {'nearest_ok': 0, 'getfile_ok': 0, 'bytes_checked': 0, 'error_checks_ok': 0}

    def check_nearest(r, k):
        if not isinstance(r, types.NearestDc):
            errors.append(f'getNearestDc #{k}: got {type(r).__name__}: {r!r}')
        elif (r.this_dc, r.nearest_dc, r.country) != (dc, dc, 'ZZ'):
            errors.append(f'getNearestDc #{k}: got this_dc={r.this_dc} nearest_dc={r.nearest_dc} '
                          f'country={r.country!r}, want {dc}/{dc}/ZZ')
        else:
            stats['nearest_ok'] += 1

    seq = (n + 1) // 2
    for k in range(seq):
        try:
            check_nearest(await call(client, nearest()), k)
        except Exception as e:
            errors.append(f'getNearestDc #{k}: {type(e).__name__}: {e}')
            if len(errors) > 20 or isinstance(e, asyncio.TimeoutError):
                return stats
    k = seq
    while k < n:
        w = min(10, n - k)
        res = await asyncio.gather(*[call(client, nearest()) for _ in range(w)],
                                   return_exceptions=True)
        for j, r in enumerate(res):
            if isinstance(r, BaseException):
                errors.append(f'getNearestDc #{k + j}: {type(r).__name__}: {r}')
            else:
                check_nearest(r, k + j)
        k += w
        if len(errors) > 20 or any(isinstance(r, asyncio.TimeoutError) for r in res):
            return stats

    for i in range(n):
        x, photo, offset, limit, precise = plan_request(i)
        what = (f'getFile #{i} (id={x:#x} {"photo" if photo else "document"} offset={offset} '
                f'limit={limit} precise={precise})')
        try:
            r = await call(client, get_file(x, offset, limit, photo, precise))
        except Exception as e:
            errors.append(f'{what}: {type(e).__name__}: {e}')
            if len(errors) > 20 or isinstance(e, asyncio.TimeoutError):
                return stats
            continue
        if not isinstance(r, types.upload.File):
            errors.append(f'{what}: got {type(r).__name__}')
            continue
        want = expected_bytes(x, offset, limit)
        if not isinstance(r.type, types.storage.FilePartial):
            errors.append(f'{what}: type {type(r.type).__name__}, want storage.filePartial')
        if r.bytes != want:
            d = first_diff(r.bytes, want)
            errors.append(f'{what}: {len(r.bytes)} bytes, want {len(want)}; first difference at '
                          f'{d}: got {r.bytes[d:d + 8].hex()} want {want[d:d + 8].hex()}')
        else:
            stats['getfile_ok'] += 1
            stats['bytes_checked'] += len(want)

    for offset, limit, want_msg in ((1000, 4096, 'OFFSET_INVALID'), (0, 3000, 'LIMIT_INVALID'),
                                    (MIB - 4096, 8192, 'LIMIT_INVALID')):
        what = f'getFile offset={offset} limit={limit} (expect 400 {want_msg})'
        try:
            r = await call(client, get_file(1, offset, limit))
            errors.append(f'{what}: succeeded with {len(r.bytes)} bytes')
        except RPCError as e:
            if e.code == 400 and rpc_text(e) == want_msg:
                stats['error_checks_ok'] += 1
            else:
                errors.append(f'{what}: got {e.code} {rpc_text(e)}')
        except Exception as e:
            errors.append(f'{what}: {type(e).__name__}: {e}')
    return stats


async def mode_seq(client, args):
    n = args.n
    r0, t0 = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
    for _ in range(n):
        await call(client, nearest())
    t1, r1 = time.perf_counter(), resource.getrusage(resource.RUSAGE_SELF)
    user, system = r1.ru_utime - r0.ru_utime, r1.ru_stime - r0.ru_stime
    return {'requests': n, 'wall_s': round(t1 - t0, 6), 'rps': round(n / (t1 - t0), 1),
            'cpu_us_per_req': round((user + system) * 1e6 / n, 1),
            'cpu_user_us_per_req': round(user * 1e6 / n, 1), 'cpu_sys_us_per_req': round(system * 1e6 / n, 1)}


async def mode_inflight(client, args):
    n, w = args.n, args.window or 100
    c0, t0 = cpu_s(), time.perf_counter()
    done = 0
    while done < n:
        k = min(w, n - done)
        await asyncio.gather(*[call(client, nearest()) for _ in range(k)])
        done += k
    t1, c1 = time.perf_counter(), cpu_s()
    return {'requests': n, 'window': w, 'wall_s': round(t1 - t0, 6),
            'rps': round(n / (t1 - t0), 1), 'cpu_us_per_req': round((c1 - c0) * 1e6 / n, 1)}


async def mode_file(client, args, errors):
    n, part, w = args.n, args.part_size, args.window or 1
    x = 1
    parts_per_file = FILE_SIZE // part
    first_pass = {}
    nbytes = 0
    c0, t0 = cpu_s(), time.perf_counter()
    done = 0
    while done < n:
        k = min(w, n - done)
        idx = [(done + j) % parts_per_file for j in range(k)]
        res = await asyncio.gather(*[call(client, get_file(x, p * part, part)) for p in idx])
        for j, r in enumerate(res):
            nbytes += len(r.bytes)
            if done + j < parts_per_file:
                first_pass[idx[j]] = r.bytes
        done += k
    t1, c1 = time.perf_counter(), cpu_s()
    bad = 0
    for p, got in first_pass.items():
        if got != expected_bytes(x, p * part, part):
            bad += 1
            if bad <= 5:
                errors.append(f'file part {p} (offset {p * part}): bytes differ')
    return {'parts': n, 'part_size': part, 'window': w, 'bytes': nbytes,
            'wall_s': round(t1 - t0, 6), 'mb_s': round(nbytes / 1e6 / (t1 - t0), 2),
            'cpu_us_per_part': round((c1 - c0) * 1e6 / n, 1),
            'verified_parts': len(first_pass) - bad}


async def mode_idle(args, host, port, errors):
    n, batch = args.n, args.window or 20
    rss0 = vm_rss_kb()
    clients = []
    opened = 0

    async def open_one():
        c = make_client(host, port, args.dc, args.transport, timeout=30)
        clients.append(c)
        await asyncio.wait_for(c.connect(), 60)
        r = await call(c, nearest(), 60)
        if not isinstance(r, types.NearestDc) or r.this_dc != args.dc:
            raise RuntimeError(f'bad answer {r!r}')

    t0 = time.perf_counter()
    for s in range(0, n, batch):
        res = await asyncio.gather(*[open_one() for _ in range(min(batch, n - s))],
                                   return_exceptions=True)
        for r in res:
            if isinstance(r, BaseException):
                errors.append(f'session: {type(r).__name__}: {r}')
            else:
                opened += 1
        if len(errors) > 20:
            break
    t1 = time.perf_counter()
    # --hold S: sit idle S seconds (keep-alive pings must be answered), then every session must
    # still answer a call.
    await asyncio.sleep(max(1.0, args.hold))
    rss1 = vm_rss_kb()
    alive = 0
    if args.hold > 0:
        for s in range(0, len(clients), batch):
            res = await asyncio.gather(*[call(c, nearest(), 30) for c in clients[s:s + batch]],
                                       return_exceptions=True)
            for r in res:
                if isinstance(r, types.NearestDc) and r.this_dc == args.dc:
                    alive += 1
        if alive < opened:
            errors.append(f'{opened - alive} of {opened} sessions did not answer after '
                          f'{args.hold} s idle')
    for s in range(0, len(clients), 100):
        await asyncio.gather(*[asyncio.wait_for(c.disconnect(), 10) for c in clients[s:s + 100]],
                             return_exceptions=True)
    return {'sessions': n, 'opened': opened, 'open_wall_s': round(t1 - t0, 3), 'hold_s': args.hold,
            'alive_after_hold': alive if args.hold > 0 else None,
            'rss_before_kb': rss0, 'rss_after_kb': rss1,
            'rss_per_session_kb': round((rss1 - rss0) / max(opened, 1), 1)}


async def run(args):
    ready, host, port = load_ready(args.ready, args.dc)
    errors = []
    fp_problem = register_key(ready)
    if fp_problem:
        errors.append(fp_problem)
    out = {'peer': PEER, 'version': telethon.__version__, 'transport': args.transport,
           'mode': args.mode, 'dc': args.dc}

    if args.mode == 'idle':
        out.update(await mode_idle(args, host, port, errors))
        out['bad_salts'] = BAD_SALTS
        return out, errors

    client = make_client(host, port, args.dc, args.transport)
    t0 = time.perf_counter()
    try:
        # connect(): handshake, invokeWithLayer(initConnection(help.getConfig)) (not awaited),
        # users.getUsers -> 401 (get_me() returns None).
        await asyncio.wait_for(client.connect(), 30)
        first = await call(client, nearest())   # warm-up; the handshake is done by now
        out['first_call_s'] = round(time.perf_counter() - t0, 3)
        if args.mode == 'test':
            if not isinstance(first, types.NearestDc) or first.this_dc != args.dc:
                errors.append(f'first getNearestDc: {first!r}')
            out.update(await mode_test(client, args, errors))
        elif args.mode == 'seq':
            out.update(await mode_seq(client, args))
        elif args.mode == 'inflight':
            out.update(await mode_inflight(client, args))
        elif args.mode == 'file':
            out.update(await mode_file(client, args, errors))
    finally:
        try:
            await asyncio.wait_for(client.disconnect(), 10)
        except Exception as e:  # a clean disconnect is part of the test
            errors.append(f'disconnect: {type(e).__name__}: {e}')
    out['bad_salts'] = BAD_SALTS
    out['bad_msgs'] = {str(k): v for k, v in BAD_MSGS.items()}
    if args.mode == 'test' and BAD_MSGS:
        errors.append(f'received bad_msg_notification (code: count) {out["bad_msgs"]}')
    if args.mode == 'test' and BAD_SALTS < args.min_bad_salts:
        errors.append(f'saw {BAD_SALTS} bad_server_salt, want at least {args.min_bad_salts}')
    return out, errors


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument('--ready', required=True, help="the sim's ready file (JSON)")
    p.add_argument('--dc', type=int, default=2)
    p.add_argument('--transport', default='full', choices=sorted(TRANSPORTS))
    p.add_argument('--mode', default='test', choices=MODES)
    p.add_argument('-n', type=int, default=300)
    p.add_argument('--window', type=int, default=0,
                   help='inflight: requests in flight (100); file: parts in flight (1); '
                        'idle: sessions opened at once (20)')
    p.add_argument('--part-size', type=int, default=128 * 1024)
    p.add_argument('--hold', type=float, default=0,
                   help='idle: seconds to keep the sessions idle, then check each still answers')
    p.add_argument('--min-bad-salts', type=int, default=0,
                   help='test mode fails unless at least this many bad_server_salt were seen')
    p.add_argument('--timeout', type=float, default=150, help='overall watchdog, seconds')
    p.add_argument('--verbose', action='store_true')
    args = p.parse_args()
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.ERROR,
                        format='[telethon] %(levelname)s %(name)s: %(message)s')

    try:
        out, errors = asyncio.run(asyncio.wait_for(run(args), args.timeout))
    except asyncio.TimeoutError:
        log(f'FAIL: timed out (watchdog {args.timeout} s or a call without an answer)')
        print(json.dumps({'peer': PEER, 'transport': args.transport, 'mode': args.mode,
                          'ok': False, 'error': 'timeout', 'bad_salts': BAD_SALTS}), flush=True)
        os._exit(1)
    except Exception as e:
        log(f'FAIL: {type(e).__name__}: {e}')
        print(json.dumps({'peer': PEER, 'transport': args.transport, 'mode': args.mode,
                          'ok': False, 'error': f'{type(e).__name__}: {e}',
                          'bad_salts': BAD_SALTS}), flush=True)
        os._exit(1)
    for e in errors[:30]:
        log('FAIL:', e)
    if len(errors) > 30:
        log(f'... and {len(errors) - 30} more')
    out['ok'] = not errors
    out['errors'] = len(errors)
    print(json.dumps(out), flush=True)
    os._exit(0 if not errors else 1)


if __name__ == '__main__':
    main()
