#include "app/load_command.h"

#include <boost/asio/this_coro.hpp>
#include <fstream>
#include <iostream>
#include <map>

#include "app/application.h"
#include "app/network_choice.h"
#include "app/query_json.h"
#include "client/rpc_error.h"
#include "async/cancelled.h"
#include "async/event.h"
#include "net/dial_error.h"
#include "obs/log.h"
#include "scale/request_failure.h"
#include "tl/json.h"

namespace mtpipe::app {
namespace asio = boost::asio;
using SteadyClock = std::chrono::steady_clock;

namespace {

struct Tally {
  std::uint64_t started = 0, ok = 0, failed = 0;
  std::map<std::string, std::uint64_t> failures;
  SteadyClock::time_point begin = SteadyClock::now(), end{};
};

std::string summary(const LoadOptions& o, const Tally& t, Container& c, const ShutdownReport& shutdown) {
  tl::json::Writer w(true);
  const double elapsed = std::chrono::duration<double>(t.end - t.begin).count();
  w.begin_object();
  w.key("method"), w.string(o.method);
  w.key("started"), w.integer(static_cast<std::int64_t>(t.started));
  w.key("requests"), w.integer(static_cast<std::int64_t>(t.ok + t.failed));
  w.key("ok"), w.integer(static_cast<std::int64_t>(t.ok));
  w.key("failed"), w.integer(static_cast<std::int64_t>(t.failed));
  w.key("failures"), w.begin_object();
  for (const auto& [kind, n] : t.failures) w.key(kind), w.integer(static_cast<std::int64_t>(n));
  w.end_object();
  w.key("elapsed_s"), w.number(elapsed);
  w.key("achieved_rps"), w.number(elapsed > 0 ? static_cast<double>(t.ok + t.failed) / elapsed : 0);
  const auto& pc = c.pipeline().counters();
  w.key("pipeline"), w.begin_object();
  w.key("retried_on_another_account"), w.integer(static_cast<std::int64_t>(pc.retried_on_another_account));
  w.key("flood_waits"), w.integer(static_cast<std::int64_t>(pc.flood_waits));
  w.key("retirements"), w.integer(static_cast<std::int64_t>(pc.retirements));
  w.key("routed_by_cache"), w.integer(static_cast<std::int64_t>(pc.routed_by_cache));
  w.end_object();
  w.key("accounts"), w.begin_array();
  for (std::size_t i = 0; i < c.pool().size(); ++i) {
    const auto s = c.pool().status(i);
    w.begin_object();
    w.key("name"), w.string(s.name);
    w.key("state"), w.string(scale::to_string(s.state));
    w.key("health"), w.number(s.score);
    w.end_object();
  }
  w.end_array();
  if (const auto* proxies = c.proxies()) {
    w.key("proxies"), w.begin_array();
    for (std::size_t i = 0; i < proxies->size(); ++i) {
      const auto s = proxies->status(i);
      w.begin_object();
      w.key("proxy"), w.string(s.name);
      w.key("usable"), w.boolean(s.usable);
      w.key("successes"), w.integer(static_cast<std::int64_t>(s.successes));
      w.key("failures"), w.integer(static_cast<std::int64_t>(s.failures));
      w.key("bans"), w.integer(s.bans);
      w.end_object();
    }
    w.end_array();
  }
  if (const auto* bans = c.proxy_ban_sync()) {
    const auto& bc = bans->counters();
    w.key("shared_proxy_bans"), w.begin_object();
    w.key("published"), w.integer(static_cast<std::int64_t>(bc.published));
    w.key("adopted"), w.integer(static_cast<std::int64_t>(bc.adopted));
    w.key("cleared"), w.integer(static_cast<std::int64_t>(bc.cleared));
    w.key("failed_rounds"), w.integer(static_cast<std::int64_t>(bc.failed_rounds));
    w.end_object();
  }
  w.key("readiness"), w.begin_array();
  for (const auto& h : c.health()) {
    w.begin_object();
    w.key("component"), w.string(h.component);
    w.key("ready"), w.boolean(h.ready);
    w.key("detail"), w.string(h.detail);
    w.end_object();
  }
  w.end_array();
  if (const auto* faults = c.faults()) {
    w.key("faults_injected"), w.begin_object();
    for (std::size_t k = 1; k < scale::kFaultKinds; ++k)
      w.key(scale::to_string(static_cast<scale::FaultKind>(k))), w.integer(static_cast<std::int64_t>(faults->counters().by_kind[k]));
    w.end_object();
  }
  w.key("shutdown"), w.begin_object();
  w.key("by_signal"), w.boolean(shutdown.by_signal);
  w.key("took_ms"), w.integer(shutdown.took.count());
  w.key("in_time"), w.boolean(shutdown.in_time);
  w.key("requests_cut"), w.integer(shutdown.requests_cut);
  w.end_object();
  w.end_object();
  return w.take();
}

}  // namespace

int run_load(const LoadOptions& o) {
  std::vector<std::uint8_t> query;
  Settings settings;
  try {
    query = query_from_json(o.method, o.params);
    settings = load_settings();
    if (o.concurrency < 1) throw std::invalid_argument("--concurrency must be at least 1");
  } catch (const std::exception& e) {
    std::cerr << "mtpipe load: " << e.what() << "\n";
    return 2;
  }
  std::optional<Application> application;
  try {
    application.emplace(settings, network_for(o.server));
  } catch (const std::exception& e) {
    std::cerr << "mtpipe load: " << e.what() << "\n";
    return 1;
  }
  Tally tally;
  const auto until = o.duration_s > 0 ? std::optional(tally.begin + std::chrono::duration_cast<SteadyClock::duration>(
                                                                        std::chrono::duration<double>(o.duration_s)))
                                      : std::nullopt;
  const auto more = [&](const JobContext& job) {
    if (job.stopping()) return false;
    if (until && SteadyClock::now() >= *until) return false;
    return o.requests == 0 || tally.started < o.requests;
  };
  const auto worker = [&](JobContext& job) -> asio::awaitable<void> {
    while (more(job)) {
      ++tally.started;
      scale::RequestOptions ro;
      ro.timeout = std::chrono::seconds(o.timeout_s);
      try {
        auto copy = query;
        (void)co_await job.container().pipeline().call(std::move(copy), ro);
        ++tally.ok;
      } catch (...) {
        // A request cut by a forced stop ends too: it is counted, then the worker ends.
        ++tally.failed;
        ++tally.failures[scale::classify_failure(std::current_exception()).kind];
        if (async::is_cancellation(std::current_exception())) throw;
      }
    }
  };
  const int rc = application->run([&](JobContext& job) -> asio::awaitable<void> {
    // The workers' ends are counted in this frame, so it outlives them: a forced stop cancels them and this job
    // together, and the job waits on until the last one has ended.
    co_await asio::this_coro::throw_if_cancelled(false);
    int running = o.concurrency;
    async::Event worker_ended;
    for (int i = 0; i < o.concurrency; ++i)
      job.spawn(worker(job), [&](std::exception_ptr) {
        --running;
        worker_ended.notify_all();
      });
    auto next_progress = SteadyClock::now() + std::chrono::seconds(1);
    while (running > 0) {
      try {
        co_await worker_ended.wait_until(next_progress);
      } catch (const async::Cancelled&) {  // the workers are being cancelled too: wait on for their ends
      }
      if (SteadyClock::now() >= next_progress) {
        next_progress = SteadyClock::now() + std::chrono::seconds(1);
        std::cerr << "load: " << (tally.ok + tally.failed) << (o.requests ? "/" + std::to_string(o.requests) : "")
                  << " done, " << tally.ok << " ok, " << tally.failed << " failed\n";
      }
    }
    tally.end = SteadyClock::now();
  });
  if (tally.end == SteadyClock::time_point{}) tally.end = SteadyClock::now();
  const auto text = summary(o, tally, application->container(), application->shutdown_report());
  std::cout << text << "\n";
  if (!o.report.empty()) std::ofstream(o.report) << text << "\n";
  if (rc != 0) return rc;
  return tally.failed == 0 || application->shutdown_report().by_signal ? 0 : 1;
}

}  // namespace mtpipe::app
