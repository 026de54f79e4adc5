#include "mtproto/connection/deadline_guard.h"

namespace mtpipe::mtproto {

DeadlineGuard::DeadlineGuard(const boost::asio::any_io_executor& executor,
                             std::chrono::steady_clock::time_point deadline, std::function<void()> on_expiry)
    : state_(std::make_shared<State>(State{true, false, std::move(on_expiry)})), timer_(executor, deadline) {
  timer_.async_wait([state = state_](boost::system::error_code ec) {
    if (ec || !state->armed) return;
    state->expired = true;
    state->armed = false;
    auto expire = std::move(state->on_expiry);
    expire();
  });
}

void DeadlineGuard::disarm() noexcept {
  state_->armed = false;
  state_->on_expiry = nullptr;
  timer_.cancel();
}

}  // namespace mtpipe::mtproto
