#!/usr/bin/env node
// mtcute (@mtcute/node 0.28.2, @mtcute/core 0.28.2, @mtcute/tl 223.0.0) against `mtpipe sim`.
// See tests/peers/README.md for the command line and tests/peers/plan.md for the test plan.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const common = require('../common.cjs');

const PEER = 'mtcute';
const TRANSPORTS = ['intermediate', 'padded', 'obfuscated'];
const args = common.parseArgs(PEER, TRANSPORTS, 'intermediate');
const base = { peer: PEER, transport: args.transport, mode: args.mode, dc: args.dc };
let badSalts = 0;
let reconnects = 0;
// Reconnects allowed in all (idle mode: a few more, for the rare handshake retry of many sessions).
const RECONNECT_CAP = args.mode === 'idle' ? 5 + Math.ceil(args.n / 50) : 5;

// A ref'd watchdog. Besides bounding the run, it keeps the event loop alive: once mtcute gives
// up on a connection nothing else holds the loop, and a pending call() would end the process
// silently with status 0 (peers.md §8).
setTimeout(() => common.fatal(PEER, Object.assign(base, { bad_salts: badSalts }),
  new Error(`watchdog: no result within ${args.timeout} s`)), args.timeout * 1000);
process.on('unhandledRejection', (e) => {
  if (args.verbose) common.log(PEER, 'unhandled rejection:', common.errText(e));
});

const {
  BaseTelegramClient, TcpTransport, MemoryStorage, IntermediatePacketCodec,
  PaddedIntermediatePacketCodec, ObfuscatedPacketCodec, SessionConnection, Long, tl,
} = await import('@mtcute/node');
const { NodeCryptoProvider, addPublicKey, LogManager } = await import('@mtcute/node/utils.js');

// bad_server_salt counter (SessionConnection.prototype is shared by every connection).
const origBadSalt = SessionConnection.prototype._onBadServerSalt;
SessionConnection.prototype._onBadServerSalt = function countingBadSalt(msg) {
  badSalts++;
  return origBadSalt.call(this, msg);
};

const origBadMsg = SessionConnection.prototype._onBadMsgNotification;
SessionConnection.prototype._onBadMsgNotification = function countingBadMsg(msgId, msg) {
  common.countBadMsg(PEER, msg.errorCode, msg.badMsgId.toString());
  return origBadMsg.call(this, msgId, msg);
};

// Diagnostic switch, off by default: mtcute 0.28.2 writes msgs_ack (and ping, msgs_state_req,
// get_future_salts) with a content-related, odd seqno (MtprotoSession.writeMessage defaults
// isContentRelated to true). Telegram accepts that; MTCUTE_EVEN_ACK_SEQNO=1 sends msgs_ack with an
// even seqno instead, to see what else a sim that answers code 34 would break.
if (process.env.MTCUTE_EVEN_ACK_SEQNO === '1') {
  const { MtprotoSession } = await import(
    new URL('./node_modules/@mtcute/core/network/mtproto-session.js', import.meta.url).href);
  const orig = MtprotoSession.prototype.writeMessage;
  // The ack arrives pre-serialised: recognise msgs_ack#62d6b459 by its first four bytes.
  const isAck = (c) => ArrayBuffer.isView(c) && c.length >= 4 && c[0] === 0x59 && c[1] === 0xb4 &&
    c[2] === 0xd6 && c[3] === 0x62;
  MtprotoSession.prototype.writeMessage = function evenAck(writer, content, related = true) {
    return orig.call(this, writer, content, isAck(content) ? false : related);
  };
}

const { ready, host, port } = common.loadReady(args.ready, args.dc);

// RSA key: PKCS#1 PEM, old=false -> RSA_PAD (peers.md §3.1).
addPublicKey(new NodeCryptoProvider(), ready.rsa_public_pem, false);
const key = common.keyInfo(ready.rsa_public_pem);

// Transports (peers.md §2): intermediate (eeeeeeee, the default), padded intermediate
// (dddddddd, 0-15 pad bytes), obfuscated intermediate (tag eeeeeeee inside the obfuscation).
// MTCUTE_NODELAY=1 sets TCP_NODELAY, which @fuman/node 0.0.19 never does (benchmark switch).
class SimTransport extends TcpTransport {
  async connect(dc) {
    const conn = await super.connect(dc);
    if (process.env.MTCUTE_NODELAY === '1') conn.setNoDelay(true);
    return conn;
  }
  packetCodec() {
    if (args.transport === 'padded') return new PaddedIntermediatePacketCodec();
    if (args.transport === 'obfuscated') {
      return new ObfuscatedPacketCodec(new IntermediatePacketCodec());
    }
    return new IntermediatePacketCodec();
  }
}

function makeClient(onFatal) {
  const dc = { id: args.dc, ipAddress: host, port };
  // @fuman/net 0.0.19 never increments ReconnectionState.consequentFails (always 1) nor sets
  // lastError, so the harness counts the failures itself.
  let fails = 0;
  let lastError = null;
  const client = new BaseTelegramClient({
    apiId: 1,
    apiHash: 'mtpipe-sim-api-hash',
    storage: new MemoryStorage(),
    // Both entries are required and must share one id (peers.md §2).
    defaultDcs: { main: dc, media: Object.assign({}, dc, { mediaOnly: true }) },
    transport: new SimTransport(),
    disableUpdates: true,     // every call goes out as invokeWithoutUpdates(...)
    updates: false,
    logLevel: args.verbose ? LogManager.DEBUG : LogManager.ERROR,
    // Fail fast: retry a broken connection twice (one retry absorbs the rare handshake retry of
    // peers.md §3.3), then give up and report instead of reconnecting forever.
    reconnectionStrategy: () => {
      reconnects++;
      if (++fails <= 2 && reconnects <= RECONNECT_CAP) return 100;
      onFatal(new Error(`giving up after ${fails} failed connections in a row ` +
        `(${reconnects} reconnects in all); last transport error: ` +
        `${lastError ? common.errText(lastError) : "none (see bad_msgs)"}`));
      return false;
    },
  });
  client.onConnectionState.add((state) => {
    if (state === 'connected') fails = 0;
  });
  client.onError.add((e) => {
    lastError = e;
    common.log(PEER, 'client error:', common.errText(e));
  });
  return client;
}

const CALL = { timeout: common.CALL_MS, maxRetryCount: 0 };

function adapter(client) {
  return {
    async nearest() {
      const r = await client.call({ _: 'help.getNearestDc' }, CALL);
      if (r._ !== 'nearestDc') throw new Error(`got ${r._}`);
      return { country: r.country, thisDc: r.thisDc, nearestDc: r.nearestDc };
    },
    async getFile(p) {
      const location = {
        _: p.photo ? 'inputPhotoFileLocation' : 'inputDocumentFileLocation',
        id: Long.fromString(BigInt.asIntN(64, p.x).toString()),
        accessHash: Long.ZERO,
        fileReference: new Uint8Array(0),
        thumbSize: p.photo ? 'y' : '',
      };
      const r = await client.call({
        _: 'upload.getFile', location, offset: Long.fromNumber(p.offset), limit: p.limit,
        precise: p.precise || undefined,
      }, CALL);
      if (r._ !== 'upload.file') throw new Error(`got ${r._}`);
      return { partial: r.type._ === 'storage.filePartial', bytes: r.bytes };
    },
    rpcError(e) {
      return e instanceof tl.RpcError ? { code: e.code, message: e.text } : null;
    },
  };
}

async function destroy(client) {
  try {
    await common.withTimeout(client.destroy(), 10000, 'destroy');
    return null;
  } catch (e) {
    return `destroy: ${common.errText(e)}`;
  }
}

let failing = false;
function onFatal(e) {
  if (failing) return;
  failing = true;
  // Give the failing call a moment to surface its own error first.
  setTimeout(() => common.fatal(PEER, Object.assign(base, { bad_salts: badSalts }), e), 200);
}

async function main() {
  const errors = [];
  const fp = common.checkFingerprint(ready, key);
  if (fp) errors.push(fp);
  const out = Object.assign(base, { version: JSON.parse(readFileSync(
    new URL('./node_modules/@mtcute/core/package.json', import.meta.url), 'utf8')).version,
    layer: 223 });
  if (args.mode === 'idle') {
    Object.assign(out, await common.modeIdle(() => {
      const client = makeClient(onFatal);
      // connect() resolves before the TCP connect; the first call() does the handshake.
      return common.idleSession(args, {
        connect: () => client.connect(), nearest: () => adapter(client).nearest(), close: () => destroy(client) });
    }, args, errors));
    Object.assign(out, { bad_salts: badSalts, reconnects });
    return common.finish(PEER, out, errors);
  }

  const client = makeClient(onFatal);
  try {
    const t0 = process.hrtime.bigint();
    await common.withTimeout(client.connect(), 30000, 'connect');
    await common.runMode(adapter(client), args, out, errors, t0);
  } catch (e) {
    Object.assign(out, { bad_salts: badSalts, reconnects });
    await destroy(client);
    return common.fatal(PEER, out, e);
  }
  const d = await destroy(client);
  if (d) errors.push(d);
  Object.assign(out, { bad_salts: badSalts, reconnects });
  common.checkSession(out, args, errors, badSalts);
  if (args.mode === 'test' && reconnects > 1) {
    errors.push(`the connection broke ${reconnects} times`);
  }
  return common.finish(PEER, out, errors);
}

main().catch((e) => common.fatal(PEER, Object.assign(base, { bad_salts: badSalts }), e));
