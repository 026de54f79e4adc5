#pragma once
// Shared fixtures of the handshake tests: a deterministic Rng, the test RSA key, and loops that run a client
// against a server in memory.

#include <cstdint>
#include <functional>
#include <memory>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "crypto/random.h"
#include "crypto/rsa.h"
#include "mtproto/clock.h"
#include "mtproto/error.h"
#include "mtproto/handshake/client_handshake.h"
#include "mtproto/handshake/server_handshake.h"
#include "tl/object.h"

namespace mtpipe::mtproto::handshake::test {

// Reproducible "randomness": the same seed gives the same handshake, so a failing seed can be replayed.
// DH exponents (the only 256-byte draws) come from a stream of their own, so the auth key depends on the seeds
// alone and not on how many RSA_PAD attempts the freshly generated RSA key happened to need.
class SeededRng final : public crypto::Rng {
 public:
  explicit SeededRng(std::uint64_t seed) : gen_(seed), dh_gen_(~seed) {}
  void fill(std::span<std::uint8_t> out) override {
    auto& g = out.size() == 256 ? dh_gen_ : gen_;
    for (auto& b : out) b = static_cast<std::uint8_t>(g());
  }

 private:
  std::mt19937_64 gen_;
  std::mt19937_64 dh_gen_;
};

// A freshly generated 2048-bit key, made once per test process (generation is slow).
const crypto::RsaPrivateKey& server_rsa_key();

// A DC 2 config (production unless `test_mode`) holding server_rsa_key().
std::shared_ptr<const ServerConfig> make_config(bool test_mode = false, std::int32_t dc_id = 2);

ClientOptions client_options(std::int32_t dc = 2, std::optional<std::int32_t> expires_in = std::nullopt);

inline constexpr std::int64_t kNow = 1'700'000'000LL * kNsPerSecond;

// Runs `client` (freshly started) against `server` until dh_gen_ok. Throws std::runtime_error when the server
// answers a transport error; lets the client's ProtocolError through.
struct Outcome {
  HandshakeResult client;
  HandshakeResult server;
  int client_packets = 0;  // packets the client sent (3 without retries)
};
Outcome run_handshake(ClientHandshake& client, ServerHandshake& server);

// A complete in-memory handshake between fresh objects, both sides drawing from one seeded Rng.
Outcome handshake_with_seed(std::uint64_t seed, std::optional<std::int32_t> expires_in = std::nullopt);

// A client and a server sharing one seeded Rng and clock, for tests that drive the steps by hand.
struct Pair {
  explicit Pair(std::uint64_t seed, ClientOptions options = client_options(),
                std::shared_ptr<const ServerConfig> config = make_config(), ServerHandshake::KeyIdTaken taken = {},
                Faults faults = {});
  SeededRng rng;
  ManualClock clock{kNow};
  ServerHandshake server;
  ClientHandshake client;
};

// Runs a handshake against a server with `faults` and returns the ProtocolError the client threw (fails the
// test if it did not throw).
ProtocolError client_error_against(Faults faults);

// The object in an unencrypted packet (exactly one, else ProtocolError), and an unencrypted packet around an object.
tl::object_ptr<tl::Object> object_in(std::span<const std::uint8_t> packet);      // server → client
tl::object_ptr<tl::Function> function_in(std::span<const std::uint8_t> packet);  // client → server
std::vector<std::uint8_t> packet_of(const tl::Object& obj, std::int64_t msg_id = (kNow / kNsPerSecond) << 32 | 1);

}  // namespace mtpipe::mtproto::handshake::test
