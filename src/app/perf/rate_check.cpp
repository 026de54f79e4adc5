// 2. Rate-limit accuracy under load: MTPROTO_GLOBAL_RPS = 100 and greedy demand from 8 accounts (32 requests
// always waiting, no other limit, a sim that answers at once). The rate is counted where it matters, at the sim:
// its per-second histogram over T whole seconds, leaving out the second the load began in (the bucket's burst
// lands there) and the partial second at the end.
#include <cmath>

#include "app/application.h"
#include "app/perf/checks.h"
#include "app/perf/load_driver.h"

namespace mtpipe::app::perf {
namespace asio = boost::asio;

namespace {

constexpr double kTargetRps = 100;

std::int64_t unix_seconds(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

}  // namespace

CheckResult check_rate(const PerfContext& context) {
  CheckResult r;
  const std::int64_t window_s = context.short_run ? 10 : 60;
  SimStage stage(context, "rate", sim::SimOptions{});
  Settings settings = stage.settings();
  settings.limits.global_rps = kTargetRps;

  std::int64_t first_second = 0;  // the second the load began in
  std::vector<Outcome> outcomes;
  Application app(settings, stage.network());
  const int rc = app.run([&](JobContext& job) -> asio::awaitable<void> {
    const auto wall = std::chrono::system_clock::now();
    first_second = unix_seconds(wall);
    // Greedy until half a second after the window's last second ends.
    const auto window_end = std::chrono::system_clock::time_point(std::chrono::seconds(first_second + 1 + window_s));
    LoadPlan plan = self_calls(32);
    plan.until = SteadyClock::now() + (window_end - wall) + std::chrono::milliseconds(500);
    LoadRun load(job, job.container().pipeline(), plan);
    load.start();
    co_await load.finished();
    outcomes = load.outcomes();
  });
  r.error = run_error(app, rc);

  const auto per_second = stage.server().world().load().per_second;
  std::uint64_t counted = 0, slowest = UINT64_MAX, fastest = 0;
  for (std::int64_t s = first_second + 1; s <= first_second + window_s; ++s) {
    const auto it = per_second.find(s);
    const std::uint64_t n = it == per_second.end() ? 0 : it->second;
    counted += n;
    slowest = std::min(slowest, n);
    fastest = std::max(fastest, n);
  }
  const double achieved = static_cast<double>(counted) / static_cast<double>(window_s);
  const double error_pct = 100.0 * (achieved - kTargetRps) / kTargetRps;
  const auto summary = summarize(outcomes);
  using K = Criterion::Kind;
  r.criteria.push_back(within(K::slo, "rate_error_pct_slo", "rate error", error_pct, 0, kSloRateErrorPct, "%"));
  r.criteria.push_back(within(K::goal, "rate_error_pct", "rate error", error_pct, 0, kGoalRateErrorPct, "%"));
  r.shown.push_back("achieved " + format_fixed(achieved, 2) + "/s of " +
                    std::to_string(static_cast<int>(kTargetRps)) + "/s over " + std::to_string(window_s) + " s");
  r.figure("target_rps", kTargetRps);
  r.figure("achieved_rps", achieved);
  r.figure("window_s", static_cast<double>(window_s));
  r.figure("sim_requests_in_window", static_cast<double>(counted));
  r.figure("slowest_second", static_cast<double>(slowest));
  r.figure("fastest_second", static_cast<double>(fastest));
  r.figure("requests", static_cast<double>(summary.requests));
  r.figure("success_pct", summary.success_pct);
  if (!summary.failures.empty()) r.notes.push_back("failures: " + failures_text(summary));
  return r;
}

}  // namespace mtpipe::app::perf
