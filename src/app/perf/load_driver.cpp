#include "app/perf/load_driver.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/this_coro.hpp>
#include <algorithm>
#include <cmath>

#include "client/rpc_error.h"
#include "async/cancelled.h"
#include "async/sleep.h"
#include "net/dial_error.h"
#include "scale/request_failure.h"

namespace mtpipe::app::perf {
namespace asio = boost::asio;

namespace {

// Nearest-rank percentile of sorted values.
double percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return NAN;
  const auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
  return sorted[std::min(sorted.size(), std::max<std::size_t>(rank, 1)) - 1];
}

}  // namespace

Outcome failed_outcome(std::exception_ptr error) {
  auto f = scale::classify_failure(std::move(error));
  Outcome o;
  o.failure = std::move(f.kind);
  o.queue_drop = f.queue_drop;
  return o;
}

LoadPlan self_calls(int concurrency, std::uint64_t requests) {
  LoadPlan plan;
  plan.query = [query = get_self_query()](std::uint64_t) { return query; };  // parsed once, copied per request
  plan.requests = requests;
  plan.concurrency = concurrency;
  return plan;
}

LoadRun::LoadRun(JobContext& job, scale::RequestPipeline& pipeline, LoadPlan plan)
    : job_(job), pipeline_(pipeline), plan_(std::move(plan)) {}

bool LoadRun::more() const {
  if (stopped_ || job_.stopping()) return false;
  if (plan_.until && SteadyClock::now() >= *plan_.until) return false;
  return plan_.requests == 0 || started_ < plan_.requests;
}

asio::awaitable<void> LoadRun::worker() {
  while (more()) {
    const std::uint64_t index = started_++;
    auto query = plan_.query(index);
    auto options = plan_.options ? plan_.options(index) : scale::RequestOptions{};
    scale::RequestTrace trace;
    const auto start = SteadyClock::now();
    Outcome outcome;
    try {
      (void)co_await pipeline_.call(std::move(query), std::move(options), &trace);
      outcome.ok = true;
    } catch (...) {
      outcome = failed_outcome(std::current_exception());
    }
    outcome.start = start;
    outcome.end = SteadyClock::now();
    outcome.account = trace.account;
    outcomes_.push_back(std::move(outcome));
  }
}

void LoadRun::start() {
  running_ = plan_.concurrency;
  for (int i = 0; i < plan_.concurrency; ++i)
    job_.spawn(worker(), [this](std::exception_ptr) {
      if (--running_ == 0) all_ended_.notify_all();
    });
}

asio::awaitable<void> LoadRun::finished() {
  // An application cancels its job once nothing is in flight; a worker may still be between two steps then.
  co_await asio::this_coro::throw_if_cancelled(false);
  while (running_ > 0) {
    try {
      co_await all_ended_.wait();
    } catch (const async::Cancelled&) {  // wait on for the workers, which are cancelled too
    }
  }
}

AppRun run_in_application(SimStage& stage, const Settings& settings, LoadPlan plan) {
  AppRun out;
  Application app(settings, stage.network());
  const int exit_code = app.run([&](JobContext& job) -> asio::awaitable<void> {
    LoadRun load(job, job.container().pipeline(), plan);
    const auto begin = SteadyClock::now();
    load.start();
    co_await load.finished();
    out.elapsed_s = std::chrono::duration<double>(SteadyClock::now() - begin).count();
    out.outcomes = load.outcomes();
  });
  out.error = run_error(app, exit_code);
  return out;
}

std::string run_error(const Application& app, int exit_code) {
  if (app.shutdown_report().by_signal) throw Interrupted();
  return exit_code == 0 ? "" : "the application failed (see the log above)";
}

asio::awaitable<void> pause(std::chrono::steady_clock::duration duration) {
  try {
    co_await async::sleep_for(duration);
  } catch (const async::Cancelled&) {
  }
}

LoadSummary summarize(const std::vector<Outcome>& outcomes) {
  LoadSummary s;
  std::vector<double> latencies;
  for (const auto& o : outcomes) {
    ++s.requests;
    if (o.ok) {
      ++s.ok;
      latencies.push_back(milliseconds_between(o.start, o.end));
    } else {
      ++s.failures[o.failure];
      if (o.queue_drop) ++s.queue_drops;
    }
  }
  s.success_pct = s.requests ? 100.0 * static_cast<double>(s.ok) / static_cast<double>(s.requests) : NAN;
  std::sort(latencies.begin(), latencies.end());
  s.p50_ms = percentile(latencies, 50);
  s.p95_ms = percentile(latencies, 95);
  s.p99_ms = percentile(latencies, 99);
  s.max_ms = percentile(latencies, 100);
  return s;
}

std::string failures_text(const LoadSummary& summary) {
  std::string out;
  for (const auto& [kind, n] : summary.failures) out += (out.empty() ? "" : ", ") + kind + " x" + std::to_string(n);
  return out;
}

}  // namespace mtpipe::app::perf
