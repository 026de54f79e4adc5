#include "app/application.h"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/signal_set.hpp>

#include "async/cancelled.h"
#include "async/sleep.h"
#include "base/describe.h"
#include "obs/log.h"
#include "scale/account_proxy.h"

namespace mtpipe::app {
namespace asio = boost::asio;
using std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;

namespace {

// A background task that fails this many times in a row stops the application; failures further apart than
// kFailuresApart are not in a row.
constexpr int kMaxTaskFailures = 5;
constexpr std::chrono::minutes kFailuresApart{1};
// How long cancelled job tasks get to end after a forced stop before the shutdown goes on without them.
constexpr milliseconds kCancelGrace{1000};

milliseconds restart_pause(int failures) { return milliseconds(250 << std::min(failures, 5)); }

}  // namespace

Container& JobContext::container() { return app_.container(); }
bool JobContext::stopping() const { return app_.stopping(); }
void JobContext::spawn(asio::awaitable<void> task, std::function<void(std::exception_ptr)> done) {
  app_.spawn_job_task(std::move(task), std::move(done));
}

Application::Application(Settings settings, client::Network network)
    : settings_(std::move(settings)) {
  if (settings_.obs.debug) obs::set_log_level(obs::Level::debug);
  // Banned proxies are probed by dialling the first DC Telegram's bootstrap list names.
  if (!network.bootstrap.empty()) probe_target_ = net::Endpoint{network.bootstrap.front().host, network.bootstrap.front().port};
  container_ = std::make_unique<Container>(io_.get_executor(), settings_, std::move(network));
  std::string features;
  for (const auto& f : container_->features()) features += (features.empty() ? "" : ", ") + f;
  obs::log(obs::Level::info, "app", "started with " + std::to_string(container_->accounts()) + " account(s); features: " +
                                       (features.empty() ? "none" : features));
}

Application::~Application() {
  container_->close();
  io_.shutdown();      // destroys what is still queued or suspended, while the container it points into exists
  container_.reset();  // its sockets and timers go before the io_context they belong to
}

void Application::request_stop() {
  if (stopping()) return;
  stop_asked_ = SteadyClock::now();
  obs::log(obs::Level::info, "app", "stopping: no new requests; waiting for those in flight");
  changed_.notify_all();
}

void Application::spawn_background(std::string name, Task task) {
  if (stopping()) return;
  ++background_running_;
  asio::co_spawn(io_, supervise(name, std::move(task)),
                 asio::bind_cancellation_slot(background_.emplace_back().slot(), [this, name](std::exception_ptr e) {
                   --background_running_;
                   changed_.notify_all();
                   if (e && !async::is_cancellation(e))
                     obs::log(obs::Level::error, "app", name + " ended: " + mtpipe::describe(e));
                 }));
}

asio::awaitable<void> Application::supervise(std::string name, Task task) {
  int failures = 0;  // in a row: a run that lasted a while before failing starts the count again
  for (;;) {
    const auto started = SteadyClock::now();
    std::exception_ptr error;
    try {
      co_await task();
      co_return;
    } catch (...) {
      error = std::current_exception();
    }
    if (async::is_cancellation(error) || stopping()) co_return;
    failures = SteadyClock::now() - started >= kFailuresApart ? 1 : failures + 1;
    if (failures >= kMaxTaskFailures) {
      obs::log(obs::Level::error, "app", name + " failed " + std::to_string(failures) +
                                             " times in a row, stopping the application: " + mtpipe::describe(error));
      request_stop();
      co_return;
    }
    const auto pause = restart_pause(failures);
    obs::log(obs::Level::error, "app", name + " failed, starting it again in " + std::to_string(pause.count()) +
                                           " ms: " + mtpipe::describe(error));
    co_await async::sleep_for(pause);
  }
}

void Application::spawn_job_task(asio::awaitable<void> task, std::function<void(std::exception_ptr)> done) {
  if (stopping()) {
    if (done)
      done(std::make_exception_ptr(async::Cancelled("the application is stopping")));
    return;
  }
  // The signals of tasks that ended are dropped here, not in their own completion (which runs inside the signal).
  job_tasks_.remove_if([](const JobTask& t) { return t.ended; });
  JobTask& slot = job_tasks_.emplace_back();
  ++job_tasks_running_;
  asio::co_spawn(io_, std::move(task),
                 asio::bind_cancellation_slot(slot.cancel.slot(), [this, &slot, done = std::move(done)](std::exception_ptr e) {
                   slot.ended = true;
                   --job_tasks_running_;
                   changed_.notify_all();
                   if (done) done(e);
                 }));
}

// With Redis the job starts once the first lease round has run, so it finds this replica's accounts ready instead
// of failing its first requests with "no usable account". A stop asked for meanwhile starts nothing.
asio::awaitable<void> Application::start(Job& job, JobContext& context) {
  if (auto* leases = container_->replica_leases()) {
    co_await leases->round();
    spawn_background("the lease rounds", [leases] { return leases->run(); });
  }
  if (auto* proxies = container_->proxies(); proxies && probe_target_) {
    spawn_background("the proxy health checks", [proxies, target = *probe_target_] {
      return scale::check_banned_proxies(*proxies, target, milliseconds(1000), milliseconds(5000));
    });
  }
  if (auto* bans = container_->proxy_ban_sync())
    spawn_background("the shared proxy bans", [bans] { return bans->run(milliseconds(1000)); });
  if (stopping()) co_return;
  co_await job(context);
}

int Application::run(Job job) {
  asio::signal_set signals(io_, SIGINT, SIGTERM);
  signals.async_wait([this](const boost::system::error_code& ec, int) {
    if (ec) return;
    report_.by_signal = true;
    request_stop();
  });
  JobContext context(*this);
  asio::cancellation_signal job_cancel;
  asio::co_spawn(io_, start(job, context), asio::bind_cancellation_slot(job_cancel.slot(), [this](std::exception_ptr e) {
                   job_done_ = true;
                   job_error_ = e;
                   changed_.notify_all();
                 }));

  // The supervisor: waits for the job's end or a stop, then shuts down in order within the timeout.
  auto supervise_job = [&]() -> asio::awaitable<void> {
    co_await changed_.wait_until(SteadyClock::time_point::max(), [this] { return job_done_ || stopping(); });
    if (!stopping()) stop_asked_ = SteadyClock::now();
    const auto deadline = *stop_asked_ + settings_.shutdown.graceful_timeout;
    const auto job_running = [this] { return !job_done_ || job_tasks_running_ > 0; };
    // In flight requests finish on their own while the job starts no new ones; each one's end is signalled.
    co_await container_->pipeline().request_ended().wait_until(
        deadline, [&] { return !job_running() || container_->pipeline().in_flight() == 0; });
    report_.requests_cut = container_->pipeline().in_flight();
    if (job_running()) {
      job_cancel.emit(asio::cancellation_type::terminal);
      for (auto& t : job_tasks_)
        if (!t.ended) t.cancel.emit(asio::cancellation_type::terminal);
    }
    // Cancelled work ends within a few turns of the event loop; it gets them even when the cut came at the
    // deadline, and the bound only guards against a task that ignores its cancellation.
    const auto cancelled_by = std::max(deadline, SteadyClock::now() + kCancelGrace);
    co_await changed_.wait_until(cancelled_by, [&] { return !job_running(); });
    // The background tasks end before the leases are handed back: a lease round that went on would take accounts
    // the release below no longer sees.
    for (auto& b : background_) b.emit(asio::cancellation_type::terminal);
    const auto background_by = SteadyClock::now() + kCancelGrace;
    co_await changed_.wait_until(background_by, [this] { return background_running_ == 0; });
    signals.cancel();
    if (auto* leases = container_->replica_leases()) {
      // Hand the accounts back at once, so other replicas need not wait for the TTL.
      const auto left = std::max(milliseconds(1), std::chrono::duration_cast<milliseconds>(deadline - SteadyClock::now()));
      co_await leases->release_all(left);
    }
    try {
      container_->flush();
    } catch (const std::exception& e) {
      obs::log(obs::Level::error, "app", std::string("saving at shutdown failed: ") + e.what());
    }
    container_->close();
    report_.took = std::chrono::duration_cast<milliseconds>(SteadyClock::now() - *stop_asked_);
    report_.in_time = SteadyClock::now() <= deadline && !job_running();
  };
  asio::co_spawn(io_, supervise_job(), [this](std::exception_ptr e) {
    if (e) obs::log(obs::Level::error, "app", "shutting down: " + mtpipe::describe(e));
    io_.stop();
  });
  io_.run();

  if (report_.by_signal || report_.requests_cut > 0)
    obs::log(obs::Level::info, "app", "stopped in " + std::to_string(report_.took.count()) + " ms" +
                                          (report_.in_time ? "" : " (past GRACEFUL_SHUTDOWN_TIMEOUT_S)"));
  if (!job_error_) return 0;
  if (async::is_cancellation(job_error_) && stopping()) return 0;
  obs::log(obs::Level::error, "app", mtpipe::describe(job_error_));
  return 1;
}

}  // namespace mtpipe::app
