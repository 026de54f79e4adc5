#pragma once
// The one error a cancelled wait ends with, wherever the coroutine waited (a call's answer, an account, a rate
// token, a sleep): a task tells its own cancellation, which it lets go on up, from a failure, which it handles.

#include <exception>
#include <string>

#include "base/error.h"

namespace mtpipe::async {

class Cancelled : public Error {
 public:
  explicit Cancelled(const std::string& what) : Error("async", "cancelled", what) {}
};

// Whether `error` is a Cancelled.
inline bool is_cancellation(const std::exception_ptr& error) noexcept {
  try {
    if (error) std::rethrow_exception(error);
  } catch (const Cancelled&) {
    return true;
  } catch (...) {
  }
  return false;
}

}  // namespace mtpipe::async
