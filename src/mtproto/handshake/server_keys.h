#pragma once
// What every handshake of one emulated DC shares, read-only: its RSA private keys (fingerprints computed once,
// not per handshake) and which DC it is.

#include <cstdint>
#include <span>
#include <vector>

#include "crypto/rsa.h"

namespace mtpipe::mtproto::handshake {

struct ServerKey {
  crypto::RsaPrivateKey key;
  std::uint64_t fingerprint = 0;
};

class ServerConfig {
 public:
  // dc_id is the plain id (1..5); test_mode says whether this DC is a test server, whose clients send
  // dc + 10000. Throws std::invalid_argument without keys.
  ServerConfig(std::vector<crypto::RsaPrivateKey> keys, std::int32_t dc_id, bool test_mode);

  std::span<const ServerKey> keys() const noexcept { return keys_; }
  // The key with this fingerprint, or null.
  const crypto::RsaPrivateKey* find(std::uint64_t fingerprint) const noexcept;
  std::int32_t dc_id() const noexcept { return dc_id_; }
  bool test_mode() const noexcept { return test_mode_; }

 private:
  std::vector<ServerKey> keys_;
  std::int32_t dc_id_;
  bool test_mode_;
};

}  // namespace mtpipe::mtproto::handshake
