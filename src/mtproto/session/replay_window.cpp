#include "mtproto/session/replay_window.h"

namespace mtpipe::mtproto::session {

bool ReplayWindow::contains(std::int64_t msg_id) const noexcept {
  for (std::size_t i = 0; i < filled_; ++i)
    if (ids_[i] == msg_id) return true;
  return false;
}

std::size_t ReplayWindow::lowest_index() const noexcept {
  std::size_t low = 0;
  for (std::size_t i = 1; i < filled_; ++i)
    if (ids_[i] < ids_[low]) low = i;
  return low;
}

std::int64_t ReplayWindow::lowest() const noexcept { return filled_ == 0 ? 0 : ids_[lowest_index()]; }

ReplayWindow::Verdict ReplayWindow::accept(std::int64_t msg_id) noexcept {
  if (contains(msg_id)) return Verdict::duplicate;
  // Lower than everything remembered: we cannot tell it from a replay of a forgotten id, so it is refused.
  if (filled_ > 0 && msg_id < lowest()) return Verdict::too_low;
  // When full, the lowest id is forgotten, not the one stored first: ids may arrive out of order (inside a
  // container), and forgetting a higher one would let its replay in as fresh while it is above the lowest.
  if (filled_ < kSize) {
    ids_[filled_++] = msg_id;
  } else {
    ids_[lowest_index()] = msg_id;
  }
  return Verdict::fresh;
}

}  // namespace mtpipe::mtproto::session
