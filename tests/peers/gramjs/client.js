#!/usr/bin/env node
'use strict';
// GramJS (npm telegram@2.26.22, layer 198) against `mtpipe sim`.
// See tests/peers/README.md for the command line and tests/peers/plan.md for the test plan.
const common = require('../common.cjs');

const PEER = 'gramjs';
const TRANSPORTS = ['full', 'intermediate', 'abridged', 'obfuscated'];
const args = common.parseArgs(PEER, TRANSPORTS, 'full');
const base = { peer: PEER, transport: args.transport, mode: args.mode, dc: args.dc };

// A ref'd watchdog: keeps the event loop alive and bounds the whole run.
setTimeout(() => common.fatal(PEER, Object.assign(base, { bad_salts: badSalts }),
  new Error(`watchdog: no result within ${args.timeout} s`)), args.timeout * 1000);
process.on('unhandledRejection', (e) => {
  if (args.verbose) common.log(PEER, 'unhandled rejection:', common.errText(e));
});

const bigInt = require('big-integer');
const { TelegramClient, Api } = require('telegram');
const { MemorySession } = require('telegram/sessions');
const { Logger, LogLevel } = require('telegram/extensions/Logger');
const { MTProtoSender } = require('telegram/network');
const { Connection, PacketCodec } = require('telegram/network/connection/Connection');
const {
  ConnectionTCPFull, ConnectionTCPAbridged, ConnectionTCPObfuscated,
} = require('telegram/network/connection');
const { AbridgedPacketCodec } = require('telegram/network/connection/TCPAbridged');
const RSA = require('telegram/crypto/RSA');

// bad_server_salt counter: handlers are bound from the prototype in the MTProtoSender
// constructor, so patching the prototype first catches every sender.
let badSalts = 0;
const origBadSalt = MTProtoSender.prototype._handleBadServerSalt;
MTProtoSender.prototype._handleBadServerSalt = function countingBadSalt(message) {
  badSalts++;
  return origBadSalt.call(this, message);
};

const origBadMsg = MTProtoSender.prototype._handleBadNotification;
MTProtoSender.prototype._handleBadNotification = function countingBadMsg(message) {
  common.countBadMsg(PEER, message.obj.errorCode, String(message.obj.badMsgId));
  return origBadMsg.call(this, message);
};

// Reads exactly n bytes from a plain socket (readExactly) or from ObfuscatedIO (whose read() is
// already exact).
function readN(reader, n) {
  return reader.readExactly ? reader.readExactly(n) : reader.read(n);
}

// Intermediate framing, which GramJS does not ship (peers.md §2): 4-byte little-endian length.
const INTERMEDIATE_TAG = Buffer.from('eeeeeeee', 'hex');
class IntermediatePacketCodec extends PacketCodec {
  constructor(connection) {
    super(connection);
    this.tag = INTERMEDIATE_TAG;
    this.obfuscateTag = INTERMEDIATE_TAG;
  }
  encodePacket(data) {
    const head = Buffer.alloc(4);
    head.writeUInt32LE(data.length, 0);
    return Buffer.concat([head, data]);
  }
  async readPacket(reader) {
    const length = (await readN(reader, 4)).readInt32LE(0);
    // A 4-byte body is a transport error (e.g. -404); MTProtoSender turns it into InvalidBufferError.
    return readN(reader, length);
  }
}
IntermediatePacketCodec.tag = INTERMEDIATE_TAG;
IntermediatePacketCodec.obfuscateTag = INTERMEDIATE_TAG;
class ConnectionTCPIntermediate extends Connection {
  constructor(opts) {
    super(opts);
    this.PacketCodecClass = IntermediatePacketCodec;
  }
}

// GramJS 2.26.22's plain abridged codec reads the body with socket.read(n), which returns only
// what is buffered: packets larger than one TCP read (e.g. 128 KiB getFile parts) come back
// truncated. The harness reads exactly (as ObfuscatedIO does); GRAMJS_STOCK_ABRIDGED=1 keeps
// the stock codec to show the library bug.
class ExactAbridgedPacketCodec extends AbridgedPacketCodec {
  async readPacket(reader) {
    let length = (await readN(reader, 1))[0];
    if (length >= 127) {
      length = Buffer.concat([await readN(reader, 3), Buffer.alloc(1)]).readInt32LE(0);
    }
    return readN(reader, length << 2);
  }
}
ExactAbridgedPacketCodec.tag = AbridgedPacketCodec.tag;
ExactAbridgedPacketCodec.obfuscateTag = AbridgedPacketCodec.obfuscateTag;
class ConnectionTCPAbridgedExact extends ConnectionTCPAbridged {
  constructor(opts) {
    super(opts);
    this.PacketCodecClass = ExactAbridgedPacketCodec;
  }
}

const { ready, host, port, ports } = common.loadReady(args.ready, args.dc);

// GramJS ignores the session's port (connect() passes 80/443): take it from the ready file.
function withSimPort(Base) {
  return class extends Base {
    constructor(opts) {
      super(Object.assign({}, opts, { port: ports.get(opts.dcId) || opts.port }));
    }
  };
}
const CONNECTIONS = {
  full: withSimPort(ConnectionTCPFull),
  intermediate: withSimPort(ConnectionTCPIntermediate),
  abridged: withSimPort(process.env.GRAMJS_STOCK_ABRIDGED ? ConnectionTCPAbridged
    : ConnectionTCPAbridgedExact),
  obfuscated: withSimPort(ConnectionTCPObfuscated), // obfuscated abridged (efefefef)
};

// RSA key: GramJS keys are {n, e} under the signed decimal fingerprint (peers.md §3.1).
const key = common.keyInfo(ready.rsa_public_pem);
RSA._serverKeys.set(key.fpSigned.toString(), { n: bigInt(key.nHex, 16), e: key.e });

function makeClient() {
  // MemorySession, not StringSession: StringSession.save() writes the port with writeInt16BE and
  // throws RangeError for ports above 32767 (every ephemeral port of the sim).
  const session = new MemorySession();
  session.setDC(args.dc, host, port);
  return new TelegramClient(session, 1, 'mtpipe-sim-api-hash', {
    connection: CONNECTIONS[args.transport],
    connectionRetries: 2,      // one retry absorbs the rare handshake retry (peers.md §3.3)
    retryDelay: 100,
    autoReconnect: false,
    requestRetries: 1,
    floodSleepThreshold: 0,
    baseLogger: new Logger(args.verbose ? LogLevel.DEBUG : LogLevel.ERROR),
  });
}

function adapter(client) {
  return {
    async nearest() {
      const r = await client.invoke(new Api.help.GetNearestDc());
      if (!(r instanceof Api.NearestDc)) throw new Error(`got ${r && r.className}`);
      return { country: r.country, thisDc: r.thisDc, nearestDc: r.nearestDc };
    },
    async getFile(p) {
      const Loc = p.photo ? Api.InputPhotoFileLocation : Api.InputDocumentFileLocation;
      const location = new Loc({
        id: bigInt(BigInt.asIntN(64, p.x).toString()), accessHash: bigInt(0),
        fileReference: Buffer.alloc(0), thumbSize: p.photo ? 'y' : '',
      });
      const r = await client.invoke(new Api.upload.GetFile({
        location, offset: bigInt(p.offset), limit: p.limit, precise: p.precise || undefined,
      }));
      if (!(r instanceof Api.upload.File)) throw new Error(`got ${r && r.className}`);
      return { partial: r.type instanceof Api.storage.FilePartial, bytes: r.bytes };
    },
    rpcError(e) {
      return e && typeof e.code === 'number' && typeof e.errorMessage === 'string'
        ? { code: e.code, message: e.errorMessage } : null;
    },
  };
}

async function connect(client) {
  // connect(): handshake, then invokeWithLayer(198, initConnection(help.getConfig)), awaited.
  // A failed connection makes it return false (not throw).
  const ok = await common.withTimeout(client.connect(), 30000, 'connect');
  if (!ok) throw new Error('connect() returned false (connection or handshake failed)');
}

async function destroy(client) {
  try {
    await common.withTimeout(client.destroy(), 10000, 'destroy');
    return null;
  } catch (e) {
    return `destroy: ${common.errText(e)}`;
  }
}

async function main() {
  const errors = [];
  const fp = common.checkFingerprint(ready, key);
  if (fp) errors.push(fp);
  const out = Object.assign(base, { version: require('telegram/package.json').version,
    layer: require('telegram/tl/AllTLObjects').LAYER });
  if (args.mode === 'idle') {
    Object.assign(out, await common.modeIdle(() => {
      const client = makeClient();
      return common.idleSession(args, {
        connect: () => connect(client), nearest: () => adapter(client).nearest(), close: () => destroy(client) });
    }, args, errors));
    out.bad_salts = badSalts;
    return common.finish(PEER, out, errors);
  }

  const client = makeClient();
  try {
    const t0 = process.hrtime.bigint();
    await connect(client);
    await common.runMode(adapter(client), args, out, errors, t0);
  } catch (e) {
    out.bad_salts = badSalts;
    await destroy(client);
    return common.fatal(PEER, out, e);
  }
  const d = await destroy(client);
  if (d) errors.push(d);
  out.bad_salts = badSalts;
  common.checkSession(out, args, errors, badSalts);
  return common.finish(PEER, out, errors);
}

main().catch((e) => common.fatal(PEER, Object.assign(base, { bad_salts: badSalts }), e));
