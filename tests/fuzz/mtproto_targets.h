// What the mtproto fuzzer and the seed writer must agree on: which entry point an input's first byte picks, the
// fixed secrets, key, clock and "random" bytes, and the setup each entry point starts from, so that a seed written
// by one process means the same in the other.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "crypto/random.h"
#include "crypto/rsa.h"
#include "mtproto/auth_key.h"
#include "mtproto/clock.h"
#include "mtproto/session/client_session.h"
#include "mtproto/transport/client_codec.h"
#include "mtproto/transport/fake_tls.h"
#include "mtproto/transport/server_codec.h"

namespace mtpipe::fuzz {

// An input is [target][variant][data...].
enum class Target : std::uint8_t {
  server_codec,        // transport detection and framing, no MTProxy secrets
  client_codec,        // framing (variant: framing and obfuscation)
  unpack,              // containers and gzip_packed
  server_handshake,    // a sequence of packets, each after a byte with its length in 4-byte units
  client_handshake,    // the server's answer to req_pq_multi
  gzip_packed,         // one gzip_packed object
  proxy_server_codec,  // an MTProxy's codec (simple, dd and ee secrets): detection, obfuscated inits, TLS start
  fake_tls_server,     // the proxy's codec after a valid ClientHello: TLS records carrying the obfuscated stream
  fake_tls_client_hello,  // the client's codec waiting for the proxy's server hello
  fake_tls_client,     // the client's codec after a valid server hello: TLS records of the proxy's stream
  proxy_secret,        // MtproxySecret::from_bytes and a client codec with what it gives
  client_session,      // ClientSession::receive on packets sealed with its key (variant: which fields are fixed)
  count
};

// A fixed stream of "random" bytes: fuzzing must be reproducible.
class CountingRng final : public crypto::Rng {
 public:
  void fill(std::span<std::uint8_t> out) override;

 private:
  std::uint32_t state_ = 1;
};

inline constexpr std::int64_t kNow = 1'700'000'000LL * mtproto::kNsPerSecond;

// The secrets the proxy-side codec is configured with: simple, padded (dd) and fake TLS (ee), in that order.
std::span<const mtproto::transport::MtproxySecret> proxy_secrets();
const mtproto::transport::MtproxySecret& fake_tls_secret();

// The transport a client codec of `variant` speaks.
mtproto::transport::TransportSpec client_spec(std::uint8_t variant);

// A client codec through the fake-TLS proxy and the proxy's codec, sharing one clock and one CountingRng, set up
// the same way in every process.
struct FakeTlsPair {
  FakeTlsPair();                // the client's ClientHello went to the proxy; the proxy's hello is pending
  void finish_handshake();      // the proxy's hello went to the client, the client's first packet to the proxy
  std::vector<std::uint8_t> client_packet();  // the client's next packet, as bytes on the wire
  std::vector<std::uint8_t> server_packet();  // the proxy's next packet (after finish_handshake)

  CountingRng rng;
  mtproto::ManualClock clock{kNow};
  mtproto::transport::FakeTlsReplayGuard guard{clock};
  mtproto::transport::ClientCodec client;
  mtproto::transport::ServerCodec server;
};

// A client session with a fixed key, session and queries on the wire: a ping, get_future_salts, two
// destroy_session and a plain query, so that answers can name them.
struct SessionUnderTest {
  SessionUnderTest();
  static mtproto::HandshakeResult fixed_key();

  mtproto::HandshakeResult key;
  CountingRng rng;
  mtproto::ManualClock clock{kNow};
  mtproto::session::ClientSession session;
  std::vector<std::uint8_t> first_packet;  // the container those queries went out in
  std::vector<std::int64_t> sent;          // their msg_ids
};

// client_session inputs are chunks of [2-byte length][that many bytes]. Variant bits: kOurSessionId puts the
// session's id into the chunk's header, kOurTime the clock's second into its msg_id, kSealedBody makes the chunk a
// header (salt, session_id, msg_id, seq_no: 28 bytes) and a body that is sealed with correct length and padding;
// without it the chunk is the whole plaintext.
inline constexpr std::uint8_t kOurSessionId = 1, kOurTime = 2, kSealedBody = 4;
std::vector<std::uint8_t> session_packet(const SessionUnderTest& s, std::uint8_t variant,
                                         std::span<const std::uint8_t> chunk);

const crypto::RsaPrivateKey& server_key();  // generated once per process

// Seeds for every target: (file name, input with its target and variant bytes).
std::vector<std::pair<std::string, std::vector<std::uint8_t>>> mtproto_seeds();

}  // namespace mtpipe::fuzz
