#include "mtproto/clock.h"

#include <chrono>

namespace mtpipe::mtproto {
namespace {

class SystemClock final : public Clock {
 public:
  std::int64_t unix_ns() const noexcept override {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

}  // namespace

const Clock& system_clock() noexcept {
  static const SystemClock clock;
  return clock;
}

}  // namespace mtpipe::mtproto
