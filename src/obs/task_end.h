#pragma once
// The completion handler for a spawned task that handles its own failures (a connection's read loop closes the
// connection on any error it expects): whatever still escapes it is logged, never dropped as asio::detached
// would drop it. Tasks whose failure must be acted on (restarted, or the process stopped) are supervised by the
// application instead.

#include <exception>
#include <string>

#include "obs/log.h"

namespace mtpipe::obs {

inline auto log_task_end(std::string component, std::string task) {
  return [component = std::move(component), task = std::move(task)](const std::exception_ptr& error) {
    if (!error) return;
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      log(Level::error, component, task + " ended with an error it did not handle: " + e.what());
    } catch (...) {
      log(Level::error, component, task + " ended with an exception that is not a std::exception");
    }
  };
}

}  // namespace mtpipe::obs
