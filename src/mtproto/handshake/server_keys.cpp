#include "mtproto/handshake/server_keys.h"

#include <stdexcept>

namespace mtpipe::mtproto::handshake {

ServerConfig::ServerConfig(std::vector<crypto::RsaPrivateKey> keys, std::int32_t dc_id, bool test_mode)
    : dc_id_(dc_id), test_mode_(test_mode) {
  if (keys.empty()) throw std::invalid_argument("ServerConfig needs at least one RSA key");
  keys_.reserve(keys.size());
  for (auto& k : keys) {
    const std::uint64_t fp = k.public_key().fingerprint();
    keys_.push_back(ServerKey{std::move(k), fp});
  }
}

const crypto::RsaPrivateKey* ServerConfig::find(std::uint64_t fingerprint) const noexcept {
  for (const auto& k : keys_) {
    if (k.fingerprint == fingerprint) return &k.key;
  }
  return nullptr;
}

}  // namespace mtpipe::mtproto::handshake
