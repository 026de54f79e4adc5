#include "mtproto/session/server_salts.h"

#include <cstring>

#include "crypto/sha.h"

namespace mtpipe::mtproto::session {

ServerSalts::ServerSalts(std::int64_t handshake_salt, std::int64_t now_s, crypto::Rng& rng, std::int32_t period_s)
    : handshake_salt_(handshake_salt), period_s_(period_s) {
  rng.fill(secret_);
  handshake_valid_until_s_ = (now_s / period_s_ + 2) * period_s_;
}

std::int64_t ServerSalts::salt_of(std::int64_t period) const noexcept {
  std::uint8_t input[16 + 4 + 8];
  std::memcpy(input, secret_.data(), 16);
  std::memcpy(input + 16, &generation_, 4);
  std::memcpy(input + 20, &period, 8);
  const auto digest = crypto::sha256(std::span<const std::uint8_t>(input, sizeof input));
  std::int64_t salt;
  std::memcpy(&salt, digest.data(), 8);
  return salt;
}

std::int64_t ServerSalts::current(std::int64_t now_s) const noexcept {
  if (generation_ == 0 && now_s < handshake_valid_until_s_ - period_s_) return handshake_salt_;
  return salt_of(now_s / period_s_);
}

bool ServerSalts::accepts(std::int64_t salt, std::int64_t now_s) const noexcept {
  if (generation_ == 0 && salt == handshake_salt_ && now_s < handshake_valid_until_s_) return true;
  const std::int64_t k = now_s / period_s_;
  return salt == salt_of(k) || salt == salt_of(k - 1);
}

std::vector<ServerSalts::Future> ServerSalts::future(std::int64_t now_s, int count) const {
  std::vector<Future> out;
  const std::int64_t k = now_s / period_s_;
  for (int i = 0; i < count; ++i) {
    const std::int64_t p = k + i;
    out.push_back({static_cast<std::int32_t>(p * period_s_), static_cast<std::int32_t>((p + 1) * period_s_),
                   salt_of(p)});
  }
  return out;
}

void ServerSalts::rotate_now() noexcept { ++generation_; }

}  // namespace mtpipe::mtproto::session
