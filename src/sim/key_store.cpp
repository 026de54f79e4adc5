#include "sim/key_store.h"

namespace mtpipe::sim {

std::shared_ptr<KeyEntry> KeyStore::find(std::uint64_t key_id) const {
  const std::shared_lock lock(mutex_);
  const auto it = keys_.find(key_id);
  return it == keys_.end() ? nullptr : it->second;
}

bool KeyStore::contains(std::uint64_t key_id) const {
  const std::shared_lock lock(mutex_);
  return keys_.contains(key_id);
}

std::shared_ptr<KeyEntry> KeyStore::add(const mtproto::HandshakeResult& handshake, std::int64_t now_s,
                                        crypto::Rng& rng, std::int32_t salt_period_s) {
  auto entry = std::make_shared<KeyEntry>(handshake, now_s, rng, salt_period_s);
  const std::unique_lock lock(mutex_);
  keys_[handshake.key.id] = entry;
  return entry;
}

std::optional<mtproto::AuthKey> KeyStore::permanent_key(std::uint64_t key_id) const {
  const auto entry = find(key_id);
  if (!entry || entry->state.temporary) return std::nullopt;
  return entry->state.key;
}

std::size_t KeyStore::size() const {
  const std::shared_lock lock(mutex_);
  return keys_.size();
}

}  // namespace mtpipe::sim
