// libFuzzer target for every place the mtproto layer reads bytes a peer controls: both transport codecs
// (detection, obfuscation, MTProxy secrets, fake TLS both ways), container/gzip unpacking, the client session's
// receiver checks, and both handshakes. The first input byte picks the entry point (mtproto_targets.h), the second
// a variant. Each entry point may throw only what it documents; anything else escapes and is reported as a crash,
// so a refusal by the wrong exception type is a finding too.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <stdexcept>
#include <vector>

#include "mtproto/error.h"
#include "mtproto/handshake/client_handshake.h"
#include "mtproto/handshake/server_handshake.h"
#include "mtproto/session/message_unpack.h"
#include "mtproto/transport/mtproxy_secret.h"
#include "mtproto_targets.h"

using namespace mtpipe;
using namespace mtpipe::fuzz;
using mtproto::transport::ClientCodec;
using mtproto::transport::ServerCodec;

namespace {

// Feeds `data` in pieces whose sizes come from the data itself, so fragmentation is fuzzed too.
template <class Codec>
void feed_in_pieces(Codec& codec, std::span<const std::uint8_t> data) {
  std::vector<mtproto::transport::Inbound> events;
  std::size_t i = 0;
  while (i < data.size()) {
    const std::size_t n = std::min<std::size_t>(data.size() - i, 1 + data[i] % 97);
    codec.feed(data.subspan(i, n), events);
    i += n;
    events.clear();
  }
}

// What a server codec writes once it knows the transport, in whatever state the input left it.
void answer(ServerCodec& codec) {
  std::vector<std::uint8_t> out;
  codec.take_handshake_reply(out);
  if (!codec.detected()) return;
  const std::vector<std::uint8_t> packet(24, 0x11);
  codec.encode(packet, out);
  codec.encode_quick_ack(0x80000001, out);
  codec.encode_transport_error(-404, out);
}

void run_session(std::uint8_t variant, std::span<const std::uint8_t> data) {
  SessionUnderTest s;
  std::vector<mtproto::session::SessionEvent> events;
  std::vector<std::uint8_t> out;
  while (data.size() >= 2) {
    const std::size_t n = std::min<std::size_t>(data.size() - 2, data[0] | data[1] << 8);
    const auto packet = session_packet(s, variant, data.subspan(2, n));
    data = data.subspan(2 + n);
    try {
      s.session.receive(packet, events);
    } catch (const mtproto::ProtocolError&) {
      s.session.on_reconnect();  // the connection is closed on a refusal; the session goes on in the next one
    }
    s.session.flush_acks();
    while (s.session.next_packet(out)) {
    }
    events.clear();
  }
}

void run(Target target, std::uint8_t variant, std::span<const std::uint8_t> data) {
  CountingRng rng;
  const mtproto::ManualClock clock(kNow);
  switch (target) {
    case Target::server_codec: {
      ServerCodec codec(rng);
      feed_in_pieces(codec, data);
      answer(codec);
      return;
    }
    case Target::client_codec: {
      ClientCodec codec(client_spec(variant), rng);
      (void)codec.take_prefix();
      feed_in_pieces(codec, data);
      return;
    }
    case Target::unpack: {
      mtproto::session::Unpacked unpacked;
      mtproto::session::unpack(0x7fffffffffff0000, 1, data, unpacked);
      return;
    }
    case Target::server_handshake: {
      auto config = std::make_shared<mtproto::handshake::ServerConfig>(std::vector{server_key()}, 2, false);
      mtproto::handshake::ServerHandshake hs(config, rng, clock);
      std::size_t i = 0;
      while (i < data.size()) {
        const std::size_t n = std::min<std::size_t>(data.size() - i - 1, 4u * data[i]);
        (void)hs.on_packet(data.subspan(i + 1, n));
        i += 1 + n;
      }
      return;
    }
    case Target::client_handshake: {
      mtproto::handshake::ClientOptions options;
      options.server_keys.push_back(server_key().public_key());
      options.dc = 2;
      mtproto::handshake::ClientHandshake hs(options, rng, clock);
      (void)hs.start();
      (void)hs.on_packet(data);
      return;
    }
    case Target::gzip_packed: {
      std::vector<std::uint8_t> inflated;
      std::size_t budget = mtproto::session::kMaxInflatedPerPacket;
      mtproto::session::inflate_gzip_packed(data, inflated, budget);
      return;
    }
    case Target::proxy_server_codec: {
      mtproto::transport::FakeTlsReplayGuard guard(clock);
      ServerCodec codec(rng, proxy_secrets(), &guard);
      feed_in_pieces(codec, data);
      answer(codec);
      return;
    }
    case Target::fake_tls_server: {
      FakeTlsPair pair;
      feed_in_pieces(pair.server, data);
      answer(pair.server);
      return;
    }
    case Target::fake_tls_client_hello: {
      FakeTlsPair pair;
      feed_in_pieces(pair.client, data);
      return;
    }
    case Target::fake_tls_client: {
      FakeTlsPair pair;
      pair.finish_handshake();
      feed_in_pieces(pair.client, data);
      return;
    }
    case Target::proxy_secret: {
      const auto secret = mtproto::transport::MtproxySecret::from_bytes(data);
      const auto dc = static_cast<std::int16_t>(variant - 128);
      ClientCodec codec({mtproto::transport::Framing::padded_intermediate, true}, rng, secret, dc, clock);
      (void)codec.take_prefix();
      return;
    }
    case Target::client_session:
      run_session(variant, data);
      return;
    case Target::count:
      return;
  }
}

}  // namespace

// The RSA key is made before the first input: generating it takes seconds on a loaded machine, which would count
// against that input's timeout.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)server_key();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const auto target = static_cast<Target>(data[0] % static_cast<std::uint8_t>(Target::count));
  // What each entry point documents: the server handshake answers everything and never throws; secrets are
  // refused with std::invalid_argument; everything else refuses with ProtocolError.
  try {
    run(target, data[1], {data + 2, size - 2});
  } catch (const mtproto::ProtocolError&) {
    if (target == Target::server_handshake || target == Target::proxy_secret) throw;
  } catch (const std::invalid_argument&) {
    if (target != Target::proxy_secret) throw;
  }
  return 0;
}
