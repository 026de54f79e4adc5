#include "app/application.h"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/signal_set.hpp>
#include <list>

#include "client/wake_signal.h"
#include "obs/log.h"
#include "scale/account_proxy.h"

namespace mtpipe::app {
namespace asio = boost::asio;
using std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;

Container& JobContext::container() { return app_.container(); }
bool JobContext::stopping() const { return app_.stopping(); }

Application::Application(Settings settings, client::Network network)
    : settings_(std::move(settings)) {
  // Banned proxies are probed by dialling the first DC Telegram's bootstrap list names.
  if (!network.bootstrap.empty()) probe_target_ = net::Endpoint{network.bootstrap.front().host, network.bootstrap.front().port};
  container_ = std::make_unique<Container>(io_.get_executor(), settings_, std::move(network));
  std::string features;
  for (const auto& f : container_->features()) features += (features.empty() ? "" : ", ") + f;
  obs::log(obs::Level::info, "app", "started with " + std::to_string(container_->accounts()) + " account(s); features: " +
                                       (features.empty() ? "none" : features));
}

Application::~Application() { container_->close(); }

void Application::request_stop() {
  if (stopping()) return;
  stop_asked_ = SteadyClock::now();
  obs::log(obs::Level::info, "app", "stopping: no new requests; waiting for those in flight");
}

int Application::run(Job job) {
  asio::signal_set signals(io_, SIGINT, SIGTERM);
  signals.async_wait([this](const boost::system::error_code& ec, int) {
    if (ec) return;
    report_.by_signal = true;
    request_stop();
  });

  asio::cancellation_signal job_cancel;
  std::list<asio::cancellation_signal> background;  // one per task: a signal's slot holds one handler
  const auto spawn_background = [&](asio::awaitable<void> task) {
    asio::co_spawn(io_, std::move(task), asio::bind_cancellation_slot(background.emplace_back().slot(), asio::detached));
  };
  bool job_done = false;
  std::exception_ptr job_error;
  JobContext context(*this);
  // With Redis the job starts once the first lease round has run, so it finds this replica's accounts ready
  // instead of failing its first requests with "no usable account".
  auto start = [&]() -> asio::awaitable<void> {
    if (auto* leases = container_->replica_leases()) {
      co_await leases->round();
      spawn_background(leases->run());
    }
    asio::co_spawn(io_, job(context), asio::bind_cancellation_slot(job_cancel.slot(), [&](std::exception_ptr e) {
                     job_done = true;
                     job_error = e;
                   }));
  };
  asio::co_spawn(io_, start(), asio::detached);
  if (auto* proxies = container_->proxies(); proxies && probe_target_) {
    spawn_background(scale::check_banned_proxies(*proxies, *probe_target_, milliseconds(1000), milliseconds(5000)));
  }
  if (auto* bans = container_->proxy_ban_sync()) spawn_background(bans->run(milliseconds(1000)));

  // The supervisor: waits for the job's end or a stop, then shuts down in order within the timeout.
  auto supervise = [&]() -> asio::awaitable<void> {
    while (!job_done && !stopping()) co_await client::sleep_for(milliseconds(10));
    if (!stopping()) stop_asked_ = SteadyClock::now();
    const auto deadline = *stop_asked_ + settings_.shutdown.graceful_timeout;
    // In flight requests finish on their own while the job starts no new ones.
    while (!job_done && container_->pool().in_flight() > 0 && SteadyClock::now() < deadline)
      co_await client::sleep_for(milliseconds(5));
    report_.requests_cut = container_->pool().in_flight();
    if (!job_done) job_cancel.emit(asio::cancellation_type::terminal);
    while (!job_done && SteadyClock::now() < deadline) co_await client::sleep_for(milliseconds(5));
    for (auto& b : background) b.emit(asio::cancellation_type::terminal);
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
    report_.in_time = SteadyClock::now() <= deadline && job_done;
    io_.stop();
  };
  asio::co_spawn(io_, supervise(), asio::detached);
  io_.run();

  if (report_.by_signal || report_.requests_cut > 0)
    obs::log(obs::Level::info, "app", "stopped in " + std::to_string(report_.took.count()) + " ms" +
                                          (report_.in_time ? "" : " (past GRACEFUL_SHUTDOWN_TIMEOUT_S)"));
  if (job_error) {
    try {
      std::rethrow_exception(job_error);
    } catch (const mtproto::CallError& e) {
      if (e.kind() == mtproto::CallError::Kind::cancelled && stopping()) return 0;
      obs::log(obs::Level::error, "app", e.what());
    } catch (const std::exception& e) {
      obs::log(obs::Level::error, "app", e.what());
    }
    return 1;
  }
  return 0;
}

}  // namespace mtpipe::app
