#pragma once
// The load of `mtpipe perf`: workers that send one request after another through a request pipeline, a fixed
// number at a time, and note how each one ended (answered or why not, by which account, when). The checks read
// their figures from these outcomes and from the sim's own counters.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <exception>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "app/application.h"
#include "app/perf/perf_harness.h"
#include "async/event.h"
#include "scale/request_pipeline.h"

namespace mtpipe::app::perf {

struct Outcome {
  bool ok = false;
  bool queue_drop = false;  // refused because a wait queue was full (PoolError exhausted, RateQueueFull)
  std::string failure;      // empty when answered; else the error's family and kind, e.g. "pool:exhausted"
  std::string account;      // the account that answered (or failed last)
  SteadyClock::time_point start, end;
};

// The family and kind of a request's error, and whether it was a queue drop.
Outcome failed_outcome(std::exception_ptr error);

struct LoadPlan {
  std::function<std::vector<std::uint8_t>(std::uint64_t index)> query;  // the boxed request number `index`
  std::function<scale::RequestOptions(std::uint64_t index)> options;   // optional
  std::uint64_t requests = 0;                       // how many; 0: until `until` or stop()
  std::optional<SteadyClock::time_point> until;     // start none after this
  int concurrency = 1;
};

// get_self_query() over and over: `requests` of them (0: until stopped), `concurrency` at a time.
LoadPlan self_calls(int concurrency, std::uint64_t requests = 0);

// Runs inside an application's job: it starts no more requests once the application stops.
class LoadRun {
 public:
  // `job` and `pipeline` must outlive the run.
  LoadRun(JobContext& job, scale::RequestPipeline& pipeline, LoadPlan plan);

  // Spawns the workers as tasks of the job. Await finished() before the run goes away.
  void start();
  // Start no more requests; those under way go on to their end.
  void stop() noexcept { stopped_ = true; }
  // Completes once every worker ended. A cancellation of the awaiting coroutine (an application's stop) does not
  // cut it short: the workers hold references into this run.
  boost::asio::awaitable<void> finished();

  const std::vector<Outcome>& outcomes() const noexcept { return outcomes_; }
  std::uint64_t started() const noexcept { return started_; }
  // Requests started and not ended yet.
  std::uint64_t under_way() const noexcept { return started_ - outcomes_.size(); }

 private:
  bool more() const;
  boost::asio::awaitable<void> worker();

  JobContext& job_;
  scale::RequestPipeline& pipeline_;
  LoadPlan plan_;
  bool stopped_ = false;
  std::uint64_t started_ = 0;
  int running_ = 0;
  std::vector<Outcome> outcomes_;
  async::Event all_ended_;
};

// A plan run to its end through the request chain of an Application built from `settings` on `stage`.
struct AppRun {
  std::vector<Outcome> outcomes;
  double elapsed_s = 0;  // from the first request to the last end
  std::string error;     // run_error's
};
AppRun run_in_application(SimStage& stage, const Settings& settings, LoadPlan plan);

// A stop that SIGINT or SIGTERM asked for while a check ran: the suite ends there.
class Interrupted : public std::runtime_error {
 public:
  Interrupted() : std::runtime_error("stopped by a signal") {}
};

// After Application::run: throws Interrupted when a signal stopped the application; otherwise what went wrong,
// empty when nothing did.
std::string run_error(const Application& app, int exit_code);

// Sleeps for `duration`, or less when the application stops and cancels the job.
boost::asio::awaitable<void> pause(std::chrono::steady_clock::duration duration);

struct LoadSummary {
  std::uint64_t requests = 0, ok = 0, queue_drops = 0;
  double success_pct = 0;               // of the requests that ended
  double p50_ms = 0, p95_ms = 0, p99_ms = 0, max_ms = 0;  // of the answered ones, from start to answer
  std::map<std::string, std::uint64_t> failures;  // by kind
};
LoadSummary summarize(const std::vector<Outcome>& outcomes);

// "rpc:flood_wait x3, call:timeout x1" (empty when nothing failed): for a check's notes.
std::string failures_text(const LoadSummary& summary);

}  // namespace mtpipe::app::perf
