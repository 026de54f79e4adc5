#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "crypto/random.h"

namespace mtpipe::mtproto::session {

// The server salts of one auth key (protocol.md §3.6). Time is cut into periods; the salt of period k is
// derived from a per-key secret, so no list has to be stored and future_salts can be answered for any
// period. A salt stays acceptable during the next period too (the grace). The salt agreed in the handshake is
// accepted until the end of the period after the handshake.
class ServerSalts {
 public:
  ServerSalts(std::int64_t handshake_salt, std::int64_t now_s, crypto::Rng& rng, std::int32_t period_s = 1800);

  std::int64_t current(std::int64_t now_s) const noexcept;
  bool accepts(std::int64_t salt, std::int64_t now_s) const noexcept;

  struct Future {
    std::int32_t valid_since, valid_until;
    std::int64_t salt;
  };
  // `count` salts from the current period on.
  std::vector<Future> future(std::int64_t now_s, int count) const;

  // Test hook: every salt changes at once and the old ones stop being accepted, so the client's next message
  // gets bad_server_salt.
  void rotate_now() noexcept;

 private:
  std::int64_t salt_of(std::int64_t period) const noexcept;

  std::array<std::uint8_t, 16> secret_{};
  std::int64_t handshake_salt_;
  std::int64_t handshake_valid_until_s_;
  std::int32_t period_s_;
  std::uint32_t generation_ = 0;
};

}  // namespace mtpipe::mtproto::session
