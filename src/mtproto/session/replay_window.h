#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace mtpipe::mtproto::session {

// The receiver's memory of recent msg_ids (security_guidelines): a message whose id is lower than every id
// stored, or equal to one of them, is a replay; when more than kSize are stored, the lowest is forgotten. Fixed
// size, so an idle session costs a few hundred bytes.
class ReplayWindow {
 public:
  static constexpr std::size_t kSize = 64;
  enum class Verdict : std::uint8_t { fresh, duplicate, too_low };
  // Checks `msg_id` and, when fresh, remembers it.
  Verdict accept(std::int64_t msg_id) noexcept;
  bool contains(std::int64_t msg_id) const noexcept;
  std::int64_t lowest() const noexcept;

 private:
  std::size_t lowest_index() const noexcept;

  std::array<std::int64_t, kSize> ids_{};  // the first filled_ are the highest ids seen, in no order
  std::size_t filled_ = 0;
};

}  // namespace mtpipe::mtproto::session
