#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <unordered_map>

#include "crypto/random.h"
#include "mtproto/auth_key.h"
#include "mtproto/session/server_session.h"

namespace mtpipe::sim {

// One auth key known to a DC, with its sessions. Connections on different worker threads may use the same
// key, so everything inside is guarded by `mutex`.
struct KeyEntry {
  KeyEntry(const mtproto::HandshakeResult& handshake, std::int64_t now_s, crypto::Rng& rng, std::int32_t salt_period_s)
      : state(handshake, now_s, rng, salt_period_s) {}
  std::mutex mutex;
  mtproto::session::ServerKeyState state;
  std::unordered_map<std::int64_t, std::unique_ptr<mtproto::session::ServerSession>> sessions;
};

// The auth keys of one DC, by auth_key_id. Thread-safe.
class KeyStore {
 public:
  std::shared_ptr<KeyEntry> find(std::uint64_t key_id) const;
  bool contains(std::uint64_t key_id) const;
  std::shared_ptr<KeyEntry> add(const mtproto::HandshakeResult& handshake, std::int64_t now_s, crypto::Rng& rng,
                                std::int32_t salt_period_s);
  std::size_t size() const;
  // The bytes of a permanent key, or nothing for an unknown or temporary one. A key's bytes never change
  // after its handshake, so this takes no key lock.
  std::optional<mtproto::AuthKey> permanent_key(std::uint64_t key_id) const;

 private:
  mutable std::shared_mutex mutex_;
  std::unordered_map<std::uint64_t, std::shared_ptr<KeyEntry>> keys_;
};

}  // namespace mtpipe::sim
