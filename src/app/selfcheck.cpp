#include "app/selfcheck.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "app/sim_check.h"
#include "crypto/auth_key.h"
#include "crypto/dh.h"
#include "crypto/random.h"
#include "crypto/rsa.h"
#include "crypto/srp.h"
#include "mtproto/clock.h"
#include "mtproto/error.h"
#include "mtproto/handshake/client_handshake.h"
#include "mtproto/handshake/server_handshake.h"
#include "mtproto/session/packet_crypto.h"
#include "tl/api.h"
#include "tl/json_bridge.h"
#include "tl/sample.h"
#include "tl/schema_table.h"

namespace mtpipe::app {
namespace {

void require(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(what);
}

template <std::size_t N>
std::array<std::uint8_t, N> random_array() {
  std::array<std::uint8_t, N> a;
  crypto::random_bytes(a);
  return a;
}


// Every schema entry: decode, re-encode byte for byte, JSON there and back.
std::string check_schema() {
  std::size_t n = 0;
  for (const tl::schema::Entry& e : tl::schema::entries()) {
    for (tl::Fill fill : {tl::Fill::Populated, tl::Fill::Minimal}) {
      const auto bytes = tl::sample(e, fill, e.id);
      tl::Reader r(bytes);
      auto obj = e.is_function ? tl::object_ptr<tl::Object>(tl::read_any_function(r)) : tl::read_any_object(r);
      tl::Writer w;
      obj->tl_write(w);
      require(r.at_end() && w.data() == bytes, "typed re-encoding differs");
      require(tl::from_json(tl::to_json(bytes)) == bytes, "JSON round trip differs");
    }
    ++n;
  }
  return std::to_string(n) + " entries of layer " + std::to_string(tl::schema::layer()) +
         ", populated and minimal, typed and JSON round trips byte-identical";
}

// An auth key made by our client handshake against our server handshake, in one process.
std::string check_handshake() {
  auto config = std::make_shared<mtproto::handshake::ServerConfig>(
      std::vector{crypto::RsaPrivateKey::generate(2048)}, 2, false);
  mtproto::handshake::ClientOptions options;
  options.server_keys.push_back(config->keys().front().key.public_key());
  options.dc = 2;
  mtproto::handshake::ClientHandshake client(options, crypto::system_rng(), mtproto::system_clock());
  mtproto::handshake::ServerHandshake server(config, crypto::system_rng(), mtproto::system_clock());
  std::vector<std::uint8_t> packet = client.start();
  for (;;) {
    auto reply = server.on_packet(packet);
    require(reply.kind != mtproto::handshake::ServerReply::Kind::transport_error, "the server refused a step");
    const auto step = client.on_packet(reply.packet);
    if (step.done()) {
      require(reply.result && reply.result->key.bytes == step.result->key.bytes, "both sides hold the same auth key");
      char line[96];
      std::snprintf(line, sizeof line, "RSA key %016llx, RSA_PAD, p_q_inner_data_dc, DH g=3, auth_key_id %016llx",
                    static_cast<unsigned long long>(options.server_keys.front().fingerprint()),
                    static_cast<unsigned long long>(step.result->key.id));
      return line;
    }
    packet = step.send;
  }
}

// One MTProto 2.0 message each way through the session's sealing and opening, and a flipped bit refused.
std::string check_message_encryption() {
  mtproto::AuthKey key;
  crypto::random_bytes(key.bytes);
  key.id = crypto::auth_key_id(key.bytes);
  const std::vector<std::uint8_t> body(64, 0x5a);
  for (crypto::MsgDirection x : {crypto::MsgDirection::kClientToServer, crypto::MsgDirection::kServerToClient}) {
    std::vector<std::uint8_t> packet, plain;
    mtproto::session::seal(key, x, {1, 2, 4, 1}, body, crypto::system_rng(), packet);
    const auto opened = mtproto::session::open(key, x, packet, plain);
    require(std::equal(body.begin(), body.end(), opened.body.begin(), opened.body.end()), "message decrypts");
    packet[30] ^= 1;
    bool refused = false;
    try {
      mtproto::session::open(key, x, packet, plain);
    } catch (const mtproto::ProtocolError&) {
      refused = true;
    }
    require(refused, "a flipped bit fails the msg_key check");
  }
  return "both directions; a flipped bit is caught by the msg_key check";
}

// 2FA: the server's verifier and B, the client's SRP answer, the server's check.
std::string check_srp() {
  const auto& p = crypto::kTelegramDhPrime;
  const auto salt1 = random_array<40>();
  const auto salt2 = random_array<16>();
  const std::string password = "correct horse battery staple";
  const auto pw = std::span(reinterpret_cast<const std::uint8_t*>(password.data()), password.size());
  const auto v = crypto::srp_verifier(pw, salt1, salt2, crypto::kTelegramDhG, p);
  const auto b = random_array<256>();
  const auto B = crypto::srp_server_B(v, crypto::kTelegramDhG, p, b);
  const auto answer = crypto::srp_client_answer(pw, salt1, salt2, crypto::kTelegramDhG, p, B, crypto::system_rng());
  require(crypto::srp_server_check_M1(v, crypto::kTelegramDhG, p, b, B, answer.A, salt1, salt2, answer.M1),
          "server accepts the right password");
  const std::string wrong = "wrong";
  const auto bad = crypto::srp_client_answer(std::span(reinterpret_cast<const std::uint8_t*>(wrong.data()), wrong.size()),
                                             salt1, salt2, crypto::kTelegramDhG, p, B, crypto::system_rng());
  require(!crypto::srp_server_check_M1(v, crypto::kTelegramDhG, p, b, B, bad.A, salt1, salt2, bad.M1),
          "server rejects a wrong password");
  return "PBKDF2-SHA512 x100000, right password accepted, wrong one refused";
}

}  // namespace

int selfcheck() {
  struct Check {
    const char* name;
    std::function<std::string()> run;
  };
  const Check checks[] = {
      {"TL schema", check_schema},
      {"Auth key creation (client + server)", check_handshake},
      {"MTProto 2.0 message encryption", check_message_encryption},
      {"SRP 2FA (client + server)", check_srp},
      {"Our client against the embedded sim", check_sim},
  };
  std::printf("mtpipe selfcheck: the TL, crypto and MTProto layers and the sim, end to end\n\n");
  int failed = 0;
  const auto start = std::chrono::steady_clock::now();
  for (const Check& c : checks) {
    std::printf("  %-38s ", c.name);
    std::fflush(stdout);
    const auto t0 = std::chrono::steady_clock::now();
    try {
      const std::string detail = c.run();
      const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
      std::printf("ok    %7.1f ms  %s\n", ms, detail.c_str());
    } catch (const std::exception& e) {
      ++failed;
      std::printf("FAIL  %s\n", e.what());
    }
  }
  const double total = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const int n = static_cast<int>(std::size(checks));
  std::printf("\n%d passed, %d failed (%.2f s)\n", n - failed, failed, total);
  return failed ? 1 : 0;
}

}  // namespace mtpipe::app
