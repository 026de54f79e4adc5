#include "mtproto/session/replay_window.h"

namespace mtpipe::mtproto::session {

bool ReplayWindow::contains(std::int64_t msg_id) const noexcept {
  for (std::size_t i = 0; i < filled_; ++i)
    if (ids_[i] == msg_id) return true;
  return false;
}

std::int64_t ReplayWindow::lowest() const noexcept {
  if (filled_ == 0) return 0;
  std::int64_t low = ids_[0];
  for (std::size_t i = 1; i < filled_; ++i)
    if (ids_[i] < low) low = ids_[i];
  return low;
}

ReplayWindow::Verdict ReplayWindow::accept(std::int64_t msg_id) noexcept {
  if (contains(msg_id)) return Verdict::duplicate;
  // Lower than everything remembered: we cannot tell it from a replay of a forgotten id, so it is refused.
  if (filled_ > 0 && msg_id < lowest()) return Verdict::too_low;
  ids_[next_] = msg_id;
  next_ = (next_ + 1) % kSize;
  if (filled_ < kSize) ++filled_;
  return Verdict::fresh;
}

}  // namespace mtpipe::mtproto::session
