#pragma once
// The application object (issue 5 point 7): one process's lifecycle around the container.
//   start: build the container from the settings, start its background work (proxy health checks);
//   run: the job, until it ends or SIGTERM/SIGINT asks to stop;
//   stop: take no new work (the job sees stopping()), let requests in flight finish, then cancel what is left,
//         save routes and sessions and close every connection - all inside GRACEFUL_SHUTDOWN_TIMEOUT_S.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>

#include "app/container.h"

namespace mtpipe::app {

class Application;

// What a job sees of the application.
class JobContext {
 public:
  explicit JobContext(Application& app) : app_(app) {}
  Container& container();
  // True once a stop was asked for: start no new request.
  bool stopping() const;

 private:
  Application& app_;
};

struct ShutdownReport {
  bool by_signal = false;
  std::chrono::milliseconds took{};  // from the stop request to every connection closed
  bool in_time = true;               // within GRACEFUL_SHUTDOWN_TIMEOUT_S
  int requests_cut = 0;              // still in flight when the timeout forced the end
};

class Application {
 public:
  using Job = std::function<boost::asio::awaitable<void>(JobContext&)>;

  Application(Settings settings, client::Network network);
  ~Application();

  // Runs `job` to its end or to a stop. Returns 0 when the job ended or stopped gracefully, 1 when it failed
  // (the error is logged). Rethrows nothing.
  int run(Job job);
  // Asks for a graceful stop, as SIGTERM does (callable from the io thread).
  void request_stop();
  bool stopping() const noexcept { return stop_asked_.has_value(); }
  Container& container() { return *container_; }
  const ShutdownReport& shutdown_report() const noexcept { return report_; }

 private:
  Settings settings_;
  boost::asio::io_context io_;
  std::optional<net::Endpoint> probe_target_;
  std::unique_ptr<Container> container_;
  std::optional<std::chrono::steady_clock::time_point> stop_asked_;  // set: stopping
  ShutdownReport report_;
};

}  // namespace mtpipe::app
