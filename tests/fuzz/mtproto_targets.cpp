#include "mtproto_targets.h"

#include <algorithm>
#include <cstring>
#include <optional>

#include "mtproto/byte_order.h"
#include "mtproto/handshake/client_handshake.h"
#include "mtproto/handshake/server_handshake.h"
#include "mtproto/session/container.h"
#include "mtproto/session/message_unpack.h"
#include "mtproto/session/packet_crypto.h"
#include "mtproto/session/server_session.h"
#include "tl/api.h"
#include "tl/gzip.h"
#include "tl/serialize.h"
#include "tl/types.h"
#include "tl/writer.h"

namespace mtpipe::fuzz {
namespace {

using Bytes = std::vector<std::uint8_t>;
using mtproto::transport::ClientCodec;
using mtproto::transport::Framing;
using mtproto::transport::Inbound;
using mtproto::transport::MtproxySecret;
using mtproto::transport::ServerCodec;
using mtproto::session::open;

// What codecs carry in the seeds: an MTProto packet is any multiple of 4 bytes to a transport.
Bytes payload(std::size_t size, std::uint8_t fill) { return Bytes(size, fill); }

Bytes input(Target target, std::uint8_t variant, std::span<const std::uint8_t> data) {
  Bytes out{static_cast<std::uint8_t>(target), variant};
  out.insert(out.end(), data.begin(), data.end());
  return out;
}

Bytes secret_bytes(std::uint8_t kind, std::uint8_t fill, const std::string& domain = {}) {
  Bytes raw;
  if (kind != 0) raw.push_back(kind);
  raw.resize(raw.size() + 16, fill);
  raw.insert(raw.end(), domain.begin(), domain.end());
  return raw;
}

Bytes gzip_packed_of(std::span<const std::uint8_t> plain) {
  tl::Writer w;
  w.u32(tl::kGzipPackedId);
  const std::string z = tl::gzip_deflate({reinterpret_cast<const char*>(plain.data()), plain.size()});
  w.bytes({reinterpret_cast<const std::uint8_t*>(z.data()), z.size()});
  return w.take();
}

void append_chunk(Bytes& out, std::span<const std::uint8_t> chunk) {
  const auto n = static_cast<std::uint16_t>(chunk.size());
  out.push_back(static_cast<std::uint8_t>(n));
  out.push_back(static_cast<std::uint8_t>(n >> 8));
  out.insert(out.end(), chunk.begin(), chunk.end());
}

std::int64_t now_s() { return kNow / mtproto::kNsPerSecond; }

// The server side of a SessionUnderTest: answers what the session sent and returns its packets as client_session
// chunks (whole plaintexts, or header and body for kSealedBody).
struct SessionSeedWriter {
  explicit SessionSeedWriter(SessionUnderTest& s)
      : s(s), keys(s.key, now_s(), rng, 1800), server(keys, s.session.session_id(), rng, clock) {}

  void deliver(const Bytes& packet) {
    Bytes plain;
    const auto opened = open(s.key.key, crypto::MsgDirection::kClientToServer, packet, plain);
    std::vector<mtproto::session::ServerQuery> queries;
    mtproto::session::ServerSignals signals;
    server.receive(opened, queries, signals);
    for (const auto& q : queries) server.reply(q.msg_id, payload(1024, 0x33), /*gzip=*/true);
    for (const auto& [msg_id, session_id] : signals.destroy_session) {
      tl::mt::destroy_session_ok ok;
      ok.session_id = session_id;
      server.reply_raw(tl::serialize(ok));
    }
  }

  void collect(Bytes& whole, Bytes& sealed) {
    Bytes packet, plain;
    while (server.next_packet(packet)) {
      const auto opened = open(s.key.key, crypto::MsgDirection::kServerToClient, packet, plain);
      append_chunk(whole, plain);
      Bytes header(plain.begin(), plain.begin() + 28);
      header.insert(header.end(), opened.body.begin(), opened.body.end());
      append_chunk(sealed, header);
    }
  }

  SessionUnderTest& s;
  CountingRng rng;
  mtproto::ManualClock clock{kNow};
  mtproto::session::ServerKeyState keys;
  mtproto::session::ServerSession server;
};

void add_session_seeds(std::vector<std::pair<std::string, Bytes>>& seeds, const std::string& name,
                       void (*provoke)(SessionSeedWriter&)) {
  SessionUnderTest s;
  SessionSeedWriter writer(s);
  provoke(writer);
  Bytes whole, sealed;
  writer.collect(whole, sealed);
  seeds.emplace_back("session-" + name, input(Target::client_session, 0, whole));
  seeds.emplace_back("session-" + name + "-sealed", input(Target::client_session, kSealedBody, sealed));
}

}  // namespace

void CountingRng::fill(std::span<std::uint8_t> out) {
  for (auto& b : out) b = static_cast<std::uint8_t>(state_ = state_ * 1103515245 + 12345);
}

std::span<const MtproxySecret> proxy_secrets() {
  static const std::vector<MtproxySecret> secrets{
      MtproxySecret::from_bytes(secret_bytes(0, 0x51)),
      MtproxySecret::from_bytes(secret_bytes(0xdd, 0x52)),
      MtproxySecret::from_bytes(secret_bytes(0xee, 0x53, "www.example.com")),
  };
  return secrets;
}

const MtproxySecret& fake_tls_secret() { return proxy_secrets()[2]; }

mtproto::transport::TransportSpec client_spec(std::uint8_t variant) {
  constexpr Framing framings[] = {Framing::abridged, Framing::intermediate, Framing::padded_intermediate,
                                  Framing::full};
  const Framing framing = framings[variant % 4];
  return {framing, framing != Framing::full && (variant & 4) != 0};
}

FakeTlsPair::FakeTlsPair()
    : client({Framing::padded_intermediate, true}, rng, fake_tls_secret(), 2, clock),
      server(rng, proxy_secrets(), &guard) {
  std::vector<Inbound> events;
  server.feed(client.take_prefix(), events);
}

void FakeTlsPair::finish_handshake() {
  Bytes hello;
  server.take_handshake_reply(hello);
  std::vector<Inbound> events;
  client.feed(hello, events);
  server.feed(client_packet(), events);
}

Bytes FakeTlsPair::client_packet() {
  Bytes out;
  client.encode(payload(40, 0x21), false, out);
  return out;
}

Bytes FakeTlsPair::server_packet() {
  Bytes out;
  server.encode(payload(40, 0x12), out);
  return out;
}

SessionUnderTest::SessionUnderTest() : key(fixed_key()), session(key, rng, clock) {
  tl::mt::ping ping;
  ping.ping_id = 7;
  session.send(tl::serialize(ping));
  tl::mt::get_future_salts salts;
  salts.num = 2;
  session.send(tl::serialize(salts));
  tl::mt::destroy_session destroy;
  destroy.session_id = 0x5e55;
  session.send(tl::serialize(destroy));
  session.send(tl::serialize(destroy));
  session.send(payload(16, 0x44));
  Bytes packet, plain;
  session.next_packet(packet);
  const auto opened = open(key.key, crypto::MsgDirection::kClientToServer, packet, plain);
  mtproto::session::Unpacked unpacked;
  mtproto::session::unpack(opened.header.msg_id, opened.header.seq_no, opened.body, unpacked);
  for (const auto& m : unpacked.messages) sent.push_back(m.msg_id);
  first_packet = packet;
}

mtproto::HandshakeResult SessionUnderTest::fixed_key() {
  mtproto::HandshakeResult r;
  for (std::size_t i = 0; i < r.key.bytes.size(); ++i) r.key.bytes[i] = static_cast<std::uint8_t>(i * 7 + 3);
  r.key.id = 0x0123456789abcdefull;
  r.server_salt = 0x5a17;
  return r;
}

Bytes session_packet(const SessionUnderTest& s, std::uint8_t variant, std::span<const std::uint8_t> chunk) {
  Bytes plain(chunk.begin(), chunk.end());
  const std::size_t header = variant & kSealedBody ? 28 : 32;
  if (plain.size() < header) plain.resize(header);
  if (variant & kOurSessionId) mtproto::store_le(plain.data() + 8, s.session.session_id());
  if (variant & kOurTime) {
    const auto msg_id = mtproto::load_le<std::int64_t>(plain.data() + 16);
    mtproto::store_le(plain.data() + 16, now_s() << 32 | (msg_id & 0xffffffff));
  }
  Bytes packet;
  if (variant & kSealedBody) {
    const mtproto::session::MessageHeader h{
        mtproto::load_le<std::int64_t>(plain.data()), mtproto::load_le<std::int64_t>(plain.data() + 8),
        mtproto::load_le<std::int64_t>(plain.data() + 16), mtproto::load_le<std::int32_t>(plain.data() + 24)};
    const auto body = std::span(plain).subspan(28, (plain.size() - 28) & ~std::size_t{3});
    CountingRng padding;
    mtproto::session::seal(s.key.key, crypto::MsgDirection::kServerToClient, h, body, padding, packet);
  } else {
    plain.resize(std::max<std::size_t>((plain.size() + 15) & ~std::size_t{15}, 48));
    mtproto::session::seal_plaintext(s.key.key, crypto::MsgDirection::kServerToClient, plain, packet);
  }
  return packet;
}

const crypto::RsaPrivateKey& server_key() {
  static const crypto::RsaPrivateKey key = crypto::RsaPrivateKey::generate(2048);
  return key;
}

std::vector<std::pair<std::string, Bytes>> mtproto_seeds() {
  std::vector<std::pair<std::string, Bytes>> seeds;
  const Bytes packet = payload(40, 0x11);

  for (std::uint8_t v = 0; v < 8; ++v) {
    const std::string spec = to_string(client_spec(v));
    // What a client sends: the server codec's input.
    CountingRng rng;
    ClientCodec client(client_spec(v), rng);
    Bytes wire = client.take_prefix();
    client.encode(packet, false, wire);
    client.encode(packet, client_spec(v).framing != Framing::full, wire);
    seeds.emplace_back("server-codec-" + spec, input(Target::server_codec, 0, wire));
    // What a server answers that client: the client codec's input (the client draws the same init again).
    CountingRng server_rng;
    ServerCodec server(server_rng);
    std::vector<Inbound> events;
    server.feed(wire, events);
    Bytes answer;
    server.encode(packet, answer);
    server.encode_quick_ack(0x80000001, answer);
    server.encode_transport_error(-404, answer);
    seeds.emplace_back("client-codec-" + spec, input(Target::client_codec, v, answer));
  }

  // What a client of each proxy secret sends: the proxy codec's input.
  for (std::size_t i = 0; i < proxy_secrets().size(); ++i) {
    CountingRng rng;
    const mtproto::ManualClock clock(kNow);
    ClientCodec client({Framing::padded_intermediate, true}, rng, proxy_secrets()[i], 2, clock);
    Bytes wire = client.take_prefix();
    client.encode(packet, false, wire);
    seeds.emplace_back("proxy-codec-" + std::to_string(i), input(Target::proxy_server_codec, 0, wire));
    Bytes raw = i == 0 ? secret_bytes(0, 0x51) : i == 1 ? secret_bytes(0xdd, 0x52) : secret_bytes(0xee, 0x53, "a.b");
    seeds.emplace_back("proxy-secret-" + std::to_string(i), input(Target::proxy_secret, 2, raw));
  }
  {
    FakeTlsPair pair;
    Bytes records = pair.client_packet();
    const Bytes more = pair.client_packet();
    records.insert(records.end(), more.begin(), more.end());
    seeds.emplace_back("fake-tls-server", input(Target::fake_tls_server, 0, records));
  }
  {
    FakeTlsPair pair;
    Bytes hello;
    pair.server.take_handshake_reply(hello);
    seeds.emplace_back("fake-tls-client-hello", input(Target::fake_tls_client_hello, 0, hello));
  }
  {
    FakeTlsPair pair;
    pair.finish_handshake();
    Bytes records = pair.server_packet();
    const Bytes more = pair.server_packet();
    records.insert(records.end(), more.begin(), more.end());
    seeds.emplace_back("fake-tls-client", input(Target::fake_tls_client, 0, records));
  }

  {
    const Bytes word{0x11, 0x11, 0x11, 0x11};
    const Bytes gz = gzip_packed_of(payload(400, 0x22));
    const mtproto::session::OutRef refs[] = {{8, 1, word}, {12, 3, gz}};
    Bytes container;
    mtproto::session::write_container(refs, container);
    seeds.emplace_back("unpack-container", input(Target::unpack, 0, container));
    seeds.emplace_back("unpack-gzip", input(Target::unpack, 0, gz));
    seeds.emplace_back("gzip-packed", input(Target::gzip_packed, 0, gz));
  }

  {
    CountingRng rng;
    const mtproto::ManualClock clock(kNow);
    mtproto::handshake::ClientOptions options;
    options.server_keys.push_back(server_key().public_key());
    options.dc = 2;
    mtproto::handshake::ClientHandshake client(options, rng, clock);
    const Bytes req_pq = client.start();
    Bytes packets{static_cast<std::uint8_t>(req_pq.size() / 4)};
    packets.insert(packets.end(), req_pq.begin(), req_pq.end());
    seeds.emplace_back("server-handshake", input(Target::server_handshake, 0, packets));
    CountingRng server_rng;
    auto config = std::make_shared<mtproto::handshake::ServerConfig>(std::vector{server_key()}, 2, false);
    mtproto::handshake::ServerHandshake server(config, server_rng, clock);
    seeds.emplace_back("client-handshake", input(Target::client_handshake, 0, server.on_packet(req_pq).packet));
  }

  add_session_seeds(seeds, "answers", [](SessionSeedWriter& w) { w.deliver(w.s.first_packet); });
  add_session_seeds(seeds, "bad-salt", [](SessionSeedWriter& w) {
    w.keys.salts.rotate_now();
    w.deliver(w.s.first_packet);
  });
  add_session_seeds(seeds, "clock", [](SessionSeedWriter& w) {
    w.clock.advance_ns(400 * mtproto::kNsPerSecond);  // the session's ids are too old for the server now
    w.deliver(w.s.first_packet);
  });
  add_session_seeds(seeds, "pushes", [](SessionSeedWriter& w) {
    w.deliver(w.s.first_packet);
    w.server.push(payload(64, 0x55));
    w.server.push(gzip_packed_of(payload(2000, 0x66)));
    tl::mt::msgs_state_req req;
    req.msg_ids = w.s.sent;
    w.server.push(tl::serialize(req));
  });
  return seeds;
}

}  // namespace mtpipe::fuzz
