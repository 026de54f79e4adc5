#pragma once
// A coroutine started on a test's io_context, with a handle to cancel it and how it ended. The tests drive the
// io_context with poll() only: every step is a turn of the loop, never a wait on the clock.

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <exception>
#include <functional>
#include <string>

#include "async/cancelled.h"

namespace mtpipe::async::test {

struct Spawned {
  boost::asio::cancellation_signal signal;
  bool ended = false;
  std::exception_ptr error;

  // A coroutine lambda is kept here: its captures live in the lambda object, which must outlive the coroutine.
  template <class Task>
  void start(boost::asio::io_context& io, Task task) {
    task_ = std::move(task);
    boost::asio::co_spawn(io, task_(),
                          boost::asio::bind_cancellation_slot(signal.slot(), [this](std::exception_ptr e) {
                            ended = true;
                            error = e;
                          }));
  }
  std::function<boost::asio::awaitable<void>()> task_;
  void cancel() { signal.emit(boost::asio::cancellation_type::terminal); }
  bool ended_ok() const { return ended && !error; }
  bool ended_cancelled() const { return ended && is_cancellation(error); }
  // What it threw (empty when nothing).
  std::string what() const {
    try {
      if (error) std::rethrow_exception(error);
    } catch (const std::exception& e) {
      return e.what();
    }
    return {};
  }
};

}  // namespace mtpipe::async::test
