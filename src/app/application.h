#pragma once
// The application object: one process's lifecycle around the container.
//   start: build the container from the settings; with Redis, run the first lease round, then start the job and
//          the background tasks (lease rounds, proxy health checks, shared proxy bans);
//   run: the job, until it ends or SIGTERM/SIGINT asks to stop;
//   stop: take no new work (the job sees stopping()), let requests in flight finish, then cancel the job and
//         every task it spawned, hand the leases back with every session saved, save routes and sessions and
//         close every connection - all inside GRACEFUL_SHUTDOWN_TIMEOUT_S.
// Every background task runs under a supervisor: a failure is logged and the task started again after a pause,
// and a task that keeps failing stops the application rather than leaving it running without, say, its leases.
// After run() returns, nothing of the job is left on the event loop: what a forced stop cut short is destroyed
// while the container it may point into still exists.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <exception>
#include <functional>
#include <list>
#include <memory>
#include <optional>
#include <string>

#include "app/container.h"
#include "async/event.h"

namespace mtpipe::app {

class Application;

// What a job sees of the application.
class JobContext {
 public:
  explicit JobContext(Application& app) : app_(app) {}
  Container& container();
  // True once a stop was asked for: start no new request.
  bool stopping() const;
  // Starts `task` as part of the job: it is cancelled with the job at a forced stop, and the stop waits for it.
  // `done` gets its end (nullptr, or what it threw). Started tasks are not started once a stop was asked for:
  // `done` then gets an async::Cancelled at once.
  void spawn(boost::asio::awaitable<void> task, std::function<void(std::exception_ptr)> done = {});

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
  // (the error is logged). Rethrows nothing. Call once.
  int run(Job job);
  // Asks for a graceful stop, as SIGTERM does (callable from the io thread).
  void request_stop();
  bool stopping() const noexcept { return stop_asked_.has_value(); }
  Container& container() { return *container_; }
  const ShutdownReport& shutdown_report() const noexcept { return report_; }

 private:
  friend class JobContext;
  // The io_context with its shutdown in reach: after a run, pending work is destroyed while the container lives.
  class EventLoop : public boost::asio::io_context {
   public:
    using boost::asio::execution_context::shutdown;
  };
  using Task = std::function<boost::asio::awaitable<void>()>;

  // Starts a supervised background task, unless a stop was asked for.
  void spawn_background(std::string name, Task task);
  boost::asio::awaitable<void> supervise(std::string name, Task task);
  void spawn_job_task(boost::asio::awaitable<void> task, std::function<void(std::exception_ptr)> done);
  boost::asio::awaitable<void> start(Job& job, JobContext& context);
  boost::asio::awaitable<void> shut_down();

  Settings settings_;
  EventLoop io_;
  std::optional<net::Endpoint> probe_target_;
  std::unique_ptr<Container> container_;
  std::optional<std::chrono::steady_clock::time_point> stop_asked_;  // set: stopping
  ShutdownReport report_;
  // One signal per task: a signal's slot holds one handler.
  struct JobTask {
    boost::asio::cancellation_signal cancel;
    bool ended = false;
  };
  std::list<boost::asio::cancellation_signal> background_;
  std::list<JobTask> job_tasks_;
  int job_tasks_running_ = 0, background_running_ = 0;
  bool job_done_ = false;
  // Notified when the job or one of its tasks ends, a background task ends, or a stop is asked for: the shutdown
  // waits on it instead of polling.
  async::Event changed_;
  std::exception_ptr job_error_;
};

}  // namespace mtpipe::app
