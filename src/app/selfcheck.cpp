#include "app/selfcheck.h"

#include "app/sim_check.h"

#include <chrono>
#include <cstdio>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "crypto/aes.h"
#include "crypto/auth_key.h"
#include "crypto/dh.h"
#include "crypto/message_key.h"
#include "crypto/pq.h"
#include "crypto/random.h"
#include "crypto/rsa.h"
#include "crypto/srp.h"
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

std::vector<std::uint8_t> big_endian(std::uint64_t v) {
  std::vector<std::uint8_t> out;
  for (int shift = 56; shift >= 0; shift -= 8)
    if (!out.empty() || (v >> shift) & 0xff) out.push_back(static_cast<std::uint8_t>(v >> shift));
  return out;
}
std::string as_string(std::span<const std::uint8_t> b) { return std::string(b.begin(), b.end()); }

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

// The cryptography of creating an auth key, played by a client and a server in one process.
std::string check_handshake() {
  const crypto::RsaPrivateKey server_key = crypto::RsaPrivateKey::generate(2048);
  const crypto::RsaPublicKey public_key = server_key.public_key();

  // Server: pq = p * q for the client to factor.
  std::uint64_t p, q;
  do p = crypto::random_u64() >> 33 | 0x40000000; while (!crypto::is_prime_u64(p));
  do q = crypto::random_u64() >> 33 | 0x40000000; while (!crypto::is_prime_u64(q) || q == p);
  const auto [fp, fq] = crypto::factorize_pq(p * q);
  require(fp * fq == p * q && fp < fq, "pq factoring");

  // Client: p_q_inner_data_dc under RSA_PAD; the server decrypts and decodes it.
  tl::mt::p_q_inner_data_dc inner;
  inner.pq = as_string(big_endian(p * q));
  inner.p = as_string(big_endian(fp));
  inner.q = as_string(big_endian(fq));
  inner.nonce = random_array<16>();
  inner.server_nonce = random_array<16>();
  inner.new_nonce = random_array<32>();
  inner.dc = 2;
  tl::Writer w;
  inner.tl_write(w);
  const auto encrypted = crypto::rsa_pad_encrypt(public_key, w.data(), crypto::system_rng());
  const auto decrypted = crypto::rsa_pad_decrypt(server_key, encrypted);
  tl::Reader r(decrypted);
  auto received = tl::mt::P_Q_inner_data::tl_read_boxed(r);
  auto* dc_inner = dynamic_cast<tl::mt::p_q_inner_data_dc*>(received.get());
  require(dc_inner && dc_inner->new_nonce == inner.new_nonce && dc_inner->dc == 2, "RSA_PAD + TL round trip");

  // Diffie-Hellman on the standard prime, g = 3, every range check on both sides.
  const auto& prime = crypto::kTelegramDhPrime;
  const crypto::DhKey server_dh = crypto::make_dh_key(crypto::kTelegramDhG, prime, crypto::system_rng());
  const crypto::DhKey client_dh = crypto::make_dh_key(crypto::kTelegramDhG, prime, crypto::system_rng());
  const auto client_key = crypto::compute_auth_key(server_dh.g_a, client_dh.a, prime);
  const auto server_auth_key = crypto::compute_auth_key(client_dh.g_a, server_dh.a, prime);
  require(client_key == server_auth_key, "both sides derive the same auth key");
  const auto hash1 = crypto::new_nonce_hash(inner.new_nonce, 1, client_key);
  require(hash1 == crypto::new_nonce_hash(inner.new_nonce, 1, server_auth_key), "new_nonce_hash1");

  char fingerprint[64];
  std::snprintf(fingerprint, sizeof fingerprint, "%016llx",
                static_cast<unsigned long long>(public_key.fingerprint()));
  char key_id[32];
  std::snprintf(key_id, sizeof key_id, "%016llx", static_cast<unsigned long long>(crypto::auth_key_id(client_key)));
  return std::string("RSA key ") + fingerprint + ", pq factored, RSA_PAD, DH g=3, auth_key_id " + key_id;
}

// One MTProto 2.0 message each way: msg_key, KDF, AES-256-IGE, and the receiver's checks.
std::string check_message_encryption() {
  const auto auth_key = random_array<256>();
  for (crypto::MsgDirection x : {crypto::MsgDirection::kClientToServer, crypto::MsgDirection::kServerToClient}) {
    std::vector<std::uint8_t> plain(32 + 64 + 16);  // header + body + padding, multiple of 16
    crypto::random_bytes(plain);
    const auto key = crypto::msg_key(auth_key, x, plain);
    const auto kv = crypto::kdf_v2(auth_key, key, x);
    std::vector<std::uint8_t> cipher(plain.size()), back(plain.size());
    crypto::AesIge(kv.key).encrypt(kv.iv, plain, cipher);
    const auto rkv = crypto::kdf_v2(auth_key, key, x);
    crypto::AesIge(rkv.key).decrypt(rkv.iv, cipher, back);
    require(back == plain && crypto::msg_key(auth_key, x, back) == key, "message decrypts and msg_key verifies");
    cipher[20] ^= 1;
    crypto::AesIge(rkv.key).decrypt(rkv.iv, cipher, back);
    require(crypto::msg_key(auth_key, x, back) != key, "a flipped bit fails the msg_key check");
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
