'use strict';
// Shared by gramjs/client.js and mtcute/client.mjs: command line, ready file, the test plan of
// plan.md, the synthetic file bytes of docs/SIM.md, measurements and the final report.
const fs = require('node:fs');
const crypto = require('node:crypto');

const MIB = 1 << 20;
const FILE_SIZE = 8 * MIB;
const IDS = [1n, 0x0123456789ABCDEFn, 0xFEDCBA9876543210n, 1757n];
const LIMITS = [1024, 4096, 16384, 65536, 131072, 2048, 8192, 32768];
const MODES = ['test', 'seq', 'inflight', 'file', 'idle'];

function usage(peer, transports) {
  return `usage: ${peer} --ready FILE [--dc ID] [--transport ${transports.join('|')}] ` +
    `[--mode ${MODES.join('|')}] [-n N] [--window W] [--part-size B] [--min-bad-salts K] ` +
    '[--hold S] ' +
    `[--timeout S] [--verbose]`;
}

function parseArgs(peer, transports, defaultTransport, argv = process.argv.slice(2)) {
  const a = {
    ready: null, dc: 2, transport: defaultTransport, mode: 'test', n: 300, window: 0,
    partSize: 128 * 1024, minBadSalts: 0, timeout: 150, verbose: false, hold: 0,
  };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const v = () => {
      if (i + 1 >= argv.length) die(`${k} needs a value\n${usage(peer, transports)}`);
      return argv[++i];
    };
    const int = () => {
      const s = v();
      const x = Number(s);
      if (!Number.isInteger(x)) die(`${k}: not an integer: ${s}`);
      return x;
    };
    switch (k) {
      case '--ready': a.ready = v(); break;
      case '--dc': a.dc = int(); break;
      case '--transport': a.transport = v(); break;
      case '--mode': a.mode = v(); break;
      case '-n': a.n = int(); break;
      case '--window': a.window = int(); break;
      case '--part-size': a.partSize = int(); break;
      case '--min-bad-salts': a.minBadSalts = int(); break;
      case '--hold': a.hold = Number(v()); break;
      case '--timeout': a.timeout = Number(v()); break;
      case '--verbose': a.verbose = true; break;
      case '-h': case '--help': console.log(usage(peer, transports)); process.exit(0); break;
      default: die(`unknown argument ${k}\n${usage(peer, transports)}`);
    }
  }
  if (!a.ready) die(`--ready is required\n${usage(peer, transports)}`);
  if (!transports.includes(a.transport)) {
    die(`${peer} has no transport ${a.transport}; it ships ${transports.join(', ')}`);
  }
  if (!MODES.includes(a.mode)) die(`unknown mode ${a.mode}`);
  if (a.n <= 0) die('-n must be positive');
  return a;
}

function die(msg) {
  process.stderr.write(msg + '\n');
  process.exit(2);
}

function loadReady(file, dc) {
  const ready = JSON.parse(fs.readFileSync(file, 'utf8'));
  const ports = new Map();
  for (const d of ready.dcs) ports.set(Number(d.id), Number(d.port));
  if (!ports.has(dc)) die(`DC ${dc} is not in the ready file ${file}`);
  return { ready, host: ready.host || '127.0.0.1', port: ports.get(dc), ports };
}

// TL `bytes` serialisation, for the key fingerprint.
function tlBytes(b) {
  const head = b.length < 254
    ? Buffer.from([b.length])
    : Buffer.from([254, b.length & 0xff, (b.length >> 8) & 0xff, (b.length >> 16) & 0xff]);
  const len = head.length + b.length;
  return Buffer.concat([head, b, Buffer.alloc((4 - (len % 4)) % 4)]);
}

// n, e and the unsigned 64-bit fingerprint (16 hex digits) of a PKCS#1 PEM public key.
function keyInfo(pem) {
  const jwk = crypto.createPublicKey(pem).export({ format: 'jwk' });
  const n = Buffer.from(jwk.n, 'base64url');
  const e = Buffer.from(jwk.e, 'base64url');
  const sha = crypto.createHash('sha1').update(Buffer.concat([tlBytes(n), tlBytes(e)])).digest();
  const fp = sha.subarray(12, 20).readBigUInt64LE(0);
  return { nHex: n.toString('hex'), e: Number(BigInt('0x' + e.toString('hex'))),
    fingerprint: fp.toString(16).padStart(16, '0'), fpSigned: BigInt.asIntN(64, fp) };
}

function checkFingerprint(ready, info) {
  const theirs = String(ready.fingerprint || '').toLowerCase();
  return theirs === info.fingerprint ? null
    : `fingerprint mismatch: ready file says ${theirs}, the PEM gives ${info.fingerprint}`;
}

// ------------------------------------------------------------------ synthetic file bytes
let PATTERN = null;
function expectedBytes(x, offset, limit) {
  if (!PATTERN) {
    PATTERN = Buffer.alloc(MIB + 2 * 251);
    for (let i = 0; i < PATTERN.length; i++) PATTERN[i] = i % 251;
  }
  const n = Math.max(0, Math.min(offset + limit, FILE_SIZE) - offset);
  const start = Number((BigInt(offset) + 31n * x) % 251n);
  return PATTERN.subarray(start, start + n);
}

function firstDiff(got, want) {
  const m = Math.min(got.length, want.length);
  for (let i = 0; i < m; i++) if (got[i] !== want[i]) return i;
  return m;
}

function describeDiff(got, want) {
  const d = firstDiff(got, want);
  return `${got.length} bytes, want ${want.length}; first difference at ${d}: got ` +
    `${Buffer.from(got.subarray(d, d + 8)).toString('hex')} want ` +
    `${Buffer.from(want.subarray(d, d + 8)).toString('hex')}`;
}

function planRequest(i) {
  const x = IDS[i % 4];
  const photo = i % 3 === 2;
  let limit; let offset; let precise = false;
  if (i % 100 === 99) {
    limit = MIB; offset = ((i * 5) % 8) * MIB;
  } else if (i % 25 === 24) {
    limit = 4096; offset = (8 + (i % 2)) * MIB;
  } else if (i % 10 === 9) {
    limit = 1024 * (1 + ((i * 7) % 40));
    const within = Math.min(1024 * ((i * 11) % 1024), MIB - limit);
    offset = ((i * 3) % 8) * MIB + within; precise = true;
  } else {
    limit = LIMITS[Math.floor(i / 4) % 8];
    const slots = MIB / limit;
    offset = (((i * 5) + Math.floor(i / 8)) % 8) * MIB + ((i * 13) % slots) * limit;
  }
  return { x, photo, offset, limit, precise };
}

function describe(p) {
  return `getFile (id=0x${p.x.toString(16)} ${p.photo ? 'photo' : 'document'} ` +
    `offset=${p.offset} limit=${p.limit} precise=${p.precise})`;
}

const NEGATIVE_CHECKS = [
  { offset: 1000, limit: 4096, message: 'OFFSET_INVALID' },
  { offset: 0, limit: 3000, message: 'LIMIT_INVALID' },
  { offset: MIB - 4096, limit: 8192, message: 'LIMIT_INVALID' },
];

// ------------------------------------------------------------------ measurement
function cpuUs() {
  const u = process.cpuUsage();
  return u.user + u.system;
}

function vmRssKb() {
  const m = /VmRSS:\s+(\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) : -1;
}

class TimeoutError extends Error {}

function withTimeout(promise, ms, what) {
  let t;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      t = setTimeout(() => reject(new TimeoutError(`${what}: no answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(t));
}

const round = (x, d) => Number(x.toFixed(d));

function errText(e) {
  if (e === undefined || e === null) return String(e);
  if (typeof e === 'string') return e;
  const name = e.constructor && e.constructor.name ? e.constructor.name : 'Error';
  return `${name}: ${e.message || e.errorMessage || JSON.stringify(e)}`;
}

function log(peer, ...a) {
  process.stderr.write(`[${peer}] ${a.join(' ')}\n`);
}

// bad_msg_notification codes seen, shared by the Node clients' handler wrappers.
const badMsgs = {};
function countBadMsg(peer, code, msgId) {
  badMsgs[code] = (badMsgs[code] || 0) + 1;
  log(peer, `bad_msg_notification code ${code} for msg_id ${msgId}`);
}
// Adds bad_msgs to the report; test mode fails on any (a correct sim never needs to send one).
function checkBadMsgs(out, args, errors) {
  out.bad_msgs = Object.assign({}, badMsgs);
  if (args.mode === 'test' && Object.keys(badMsgs).length) {
    errors.push(`received bad_msg_notification (code: count) ${JSON.stringify(badMsgs)}`);
  }
}

// Prints the failures and the JSON line, then exits (after stdout/stderr drain).
function finish(peer, out, errors) {
  for (const e of errors.slice(0, 30)) log(peer, 'FAIL:', e);
  if (errors.length > 30) log(peer, `... and ${errors.length - 30} more`);
  out.ok = errors.length === 0;
  out.errors = errors.length;
  process.stdout.write(JSON.stringify(out) + '\n', () => process.exit(out.ok ? 0 : 1));
  setTimeout(() => process.exit(out.ok ? 0 : 1), 2000).unref();
}

function fatal(peer, base, e) {
  log(peer, 'FAIL:', errText(e));
  const out = Object.assign({}, base, { ok: false, error: errText(e), bad_msgs: badMsgs });
  process.stdout.write(JSON.stringify(out) + '\n', () => process.exit(1));
  setTimeout(() => process.exit(1), 2000).unref();
}

// ------------------------------------------------------------------ modes
// `peer` is an adapter over one connected client:
//   nearest()        -> {country, thisDc, nearestDc}        (help.getNearestDc)
//   getFile(p)       -> {partial: bool, bytes: Uint8Array}   (upload.getFile, p from planRequest)
//   rpcError(e)      -> {code, message} if e is an RPC error, else null
const CALL_MS = 20000;

async function modeTest(peer, args, errors) {
  const st = { nearest_ok: 0, getfile_ok: 0, bytes_checked: 0, error_checks_ok: 0 };
  const dc = args.dc;
  const checkNearest = (r, k) => {
    if (r.thisDc !== dc || r.nearestDc !== dc || r.country !== 'ZZ') {
      errors.push(`getNearestDc #${k}: got this_dc=${r.thisDc} nearest_dc=${r.nearestDc} ` +
        `country=${JSON.stringify(r.country)}, want ${dc}/${dc}/ZZ`);
    } else st.nearest_ok++;
  };
  const seq = Math.ceil(args.n / 2);
  for (let k = 0; k < seq; k++) {
    try {
      checkNearest(await withTimeout(peer.nearest(), CALL_MS, 'getNearestDc'), k);
    } catch (e) {
      errors.push(`getNearestDc #${k}: ${errText(e)}`);
      if (errors.length > 20 || e instanceof TimeoutError) return st;
    }
  }
  for (let k = seq; k < args.n;) {
    const w = Math.min(10, args.n - k);
    const res = await Promise.allSettled(Array.from({ length: w },
      () => withTimeout(peer.nearest(), CALL_MS, 'getNearestDc')));
    res.forEach((r, j) => {
      if (r.status === 'rejected') errors.push(`getNearestDc #${k + j}: ${errText(r.reason)}`);
      else checkNearest(r.value, k + j);
    });
    k += w;
    if (errors.length > 20 || res.some((r) => r.reason instanceof TimeoutError)) return st;
  }
  for (let i = 0; i < args.n; i++) {
    const p = planRequest(i);
    const what = `${describe(p)} #${i}`;
    let r;
    try {
      r = await withTimeout(peer.getFile(p), CALL_MS, 'getFile');
    } catch (e) {
      errors.push(`${what}: ${errText(e)}`);
      if (errors.length > 20 || e instanceof TimeoutError) return st;
      continue;
    }
    const want = expectedBytes(p.x, p.offset, p.limit);
    if (!r.partial) errors.push(`${what}: type is not storage.filePartial`);
    if (Buffer.compare(Buffer.from(r.bytes.buffer, r.bytes.byteOffset, r.bytes.length), want) !== 0) {
      errors.push(`${what}: ${describeDiff(r.bytes, want)}`);
    } else {
      st.getfile_ok++;
      st.bytes_checked += want.length;
    }
  }
  for (const c of NEGATIVE_CHECKS) {
    const what = `getFile offset=${c.offset} limit=${c.limit} (expect 400 ${c.message})`;
    try {
      const r = await withTimeout(peer.getFile({ x: 1n, photo: false, offset: c.offset,
        limit: c.limit, precise: false }), CALL_MS, 'getFile');
      errors.push(`${what}: succeeded with ${r.bytes.length} bytes`);
    } catch (e) {
      const re = peer.rpcError(e);
      if (!re) errors.push(`${what}: ${errText(e)}`);
      else if (re.code !== 400 || re.message !== c.message) {
        errors.push(`${what}: got ${re.code} ${re.message}`);
      } else st.error_checks_ok++;
    }
  }
  return st;
}

async function modeSeq(peer, args) {
  const n = args.n;
  const u0 = process.cpuUsage(); const t0 = process.hrtime.bigint();
  for (let k = 0; k < n; k++) await withTimeout(peer.nearest(), CALL_MS, 'getNearestDc');
  const wall = Number(process.hrtime.bigint() - t0) / 1e9; const u = process.cpuUsage(u0);
  // User and kernel time apart: on a VM the kernel's share (syscalls, wake-ups) is the same for every client.
  return { requests: n, wall_s: round(wall, 6), rps: round(n / wall, 1),
    cpu_us_per_req: round((u.user + u.system) / n, 1), cpu_user_us_per_req: round(u.user / n, 1),
    cpu_sys_us_per_req: round(u.system / n, 1) };
}

async function modeInflight(peer, args) {
  const n = args.n; const w = args.window || 100;
  const c0 = cpuUs(); const t0 = process.hrtime.bigint();
  for (let done = 0; done < n;) {
    const k = Math.min(w, n - done);
    await Promise.all(Array.from({ length: k },
      () => withTimeout(peer.nearest(), CALL_MS, 'getNearestDc')));
    done += k;
  }
  const wall = Number(process.hrtime.bigint() - t0) / 1e9; const cpu = cpuUs() - c0;
  return { requests: n, window: w, wall_s: round(wall, 6), rps: round(n / wall, 1),
    cpu_us_per_req: round(cpu / n, 1) };
}

async function modeFile(peer, args, errors) {
  const n = args.n; const part = args.partSize; const w = args.window || 1; const x = 1n;
  const perFile = Math.floor(FILE_SIZE / part);
  const firstPass = new Map();
  let nbytes = 0;
  const c0 = cpuUs(); const t0 = process.hrtime.bigint();
  for (let done = 0; done < n;) {
    const k = Math.min(w, n - done);
    const idx = Array.from({ length: k }, (_, j) => (done + j) % perFile);
    const res = await Promise.all(idx.map((p) => withTimeout(peer.getFile({ x, photo: false,
      offset: p * part, limit: part, precise: false }), CALL_MS, 'getFile')));
    res.forEach((r, j) => {
      nbytes += r.bytes.length;
      if (done + j < perFile) firstPass.set(idx[j], r.bytes);
    });
    done += k;
  }
  const wall = Number(process.hrtime.bigint() - t0) / 1e9; const cpu = cpuUs() - c0;
  let bad = 0;
  for (const [p, got] of firstPass) {
    const want = expectedBytes(x, p * part, part);
    if (Buffer.compare(Buffer.from(got.buffer, got.byteOffset, got.length), want) !== 0) {
      if (++bad <= 5) errors.push(`file part ${p} (offset ${p * part}): ${describeDiff(got, want)}`);
    }
  }
  return { parts: n, part_size: part, window: w, bytes: nbytes, wall_s: round(wall, 6),
    mb_s: round(nbytes / 1e6 / wall, 2), cpu_us_per_part: round(cpu / n, 1),
    verified_parts: firstPass.size - bad };
}

// newSession() -> {open(): Promise (connects and completes one getNearestDc),
//                  check(): Promise (one more getNearestDc), close(): Promise}
// --hold S keeps the sessions idle S seconds (keep-alive pings must be answered), then every
// session must still answer a call.
async function modeIdle(newSession, args, errors) {
  const n = args.n; const batch = args.window || 20;
  if (global.gc) global.gc();
  const rss0 = vmRssKb();
  const sessions = [];
  let opened = 0;
  const t0 = process.hrtime.bigint();
  for (let s = 0; s < n && errors.length <= 20; s += batch) {
    const group = Array.from({ length: Math.min(batch, n - s) }, () => newSession());
    sessions.push(...group);
    const res = await Promise.allSettled(group.map((g) => withTimeout(g.open(), 90000, 'session')));
    for (const r of res) {
      if (r.status === 'fulfilled') opened++;
      else errors.push(`session: ${errText(r.reason)}`);
    }
  }
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  await new Promise((r) => setTimeout(r, Math.max(1000, args.hold * 1000)));
  if (global.gc) global.gc();
  const rss1 = vmRssKb();
  let alive = null;
  if (args.hold > 0) {
    alive = 0;
    for (let s = 0; s < sessions.length; s += batch) {
      const res = await Promise.allSettled(sessions.slice(s, s + batch)
        .map((g) => withTimeout(g.check(), 30000, 'check')));
      alive += res.filter((r) => r.status === 'fulfilled').length;
    }
    if (alive < opened) {
      errors.push(`${opened - alive} of ${opened} sessions did not answer after ${args.hold} s idle`);
    }
  }
  for (let s = 0; s < sessions.length; s += 100) {
    await Promise.allSettled(sessions.slice(s, s + 100)
      .map((g) => withTimeout(g.close(), 10000, 'close')));
  }
  return { sessions: n, opened, open_wall_s: round(wall, 3), hold_s: args.hold,
    alive_after_hold: alive, rss_before_kb: rss0,
    rss_after_kb: rss1, rss_per_session_kb: round((rss1 - rss0) / Math.max(opened, 1), 1) };
}

// One session of a peer for modeIdle. `connect()` opens it, `nearest()` calls help.getNearestDc and `close()`
// ends it; opening and checking both insist on an answer from the right DC.
function idleSession(args, { connect, nearest, close }) {
  const expectDc = async () => {
    const r = await nearest();
    if (r.thisDc !== args.dc) throw new Error(`this_dc ${r.thisDc}`);
  };
  return { async open() { await connect(); await expectDc(); }, check: expectDc, close };
}

// Every mode but idle, on a connected peer: a first call (timed from t0, when connecting began), then the mode.
async function runMode(peer, args, out, errors, t0) {
  const first = await withTimeout(peer.nearest(), CALL_MS, 'first getNearestDc');
  out.first_call_s = round(Number(process.hrtime.bigint() - t0) / 1e9, 3);
  if (first.thisDc !== args.dc) errors.push(`first getNearestDc: this_dc ${first.thisDc}`);
  const modes = {
    test: () => modeTest(peer, args, errors),
    seq: () => modeSeq(peer, args),
    inflight: () => modeInflight(peer, args),
    file: () => modeFile(peer, args, errors),
  };
  Object.assign(out, await modes[args.mode]());
}

// The end-of-run checks every peer shares: no bad_msg_notification, and in test mode at least the
// bad_server_salts the sim was told to cause.
function checkSession(out, args, errors, badSalts) {
  checkBadMsgs(out, args, errors);
  if (args.mode === 'test' && badSalts < args.minBadSalts) {
    errors.push(`saw ${badSalts} bad_server_salt, want at least ${args.minBadSalts}`);
  }
}

module.exports = {
  MIB, FILE_SIZE, IDS, LIMITS, MODES, NEGATIVE_CHECKS,
  parseArgs, loadReady, keyInfo, checkFingerprint, expectedBytes, describeDiff, planRequest,
  describe, cpuUs, CALL_MS, modeTest, modeSeq, modeInflight, modeFile, modeIdle, vmRssKb, withTimeout, TimeoutError, round, errText, log, finish, fatal, countBadMsg, checkBadMsgs,
  idleSession, runMode, checkSession,
};
