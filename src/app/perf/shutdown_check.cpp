// 6. Graceful shutdown timing: 32 requests at a time against a sim that answers in 50 ms, then a stop request to
// the Application, as SIGTERM makes. Timed from the stop request until the sim sees every connection of ours
// closed; a request cut is one the shutdown ended without its answer (the Application's own count at its timeout,
// plus every request of the load that failed after the stop).
#include <thread>

#include "app/application.h"
#include "app/perf/checks.h"
#include "app/perf/load_driver.h"
#include "async/sleep.h"

namespace mtpipe::app::perf {
namespace asio = boost::asio;

CheckResult check_shutdown(const PerfContext& context) {
  CheckResult r;
  SimStage stage(context, "shutdown", answering_in(50, 50));
  const Settings settings = stage.settings();
  const auto load_for = context.short_run ? std::chrono::milliseconds(1'000) : std::chrono::milliseconds(3'000);

  std::optional<SteadyClock::time_point> stop_asked;
  std::uint64_t under_way_at_stop = 0;
  std::vector<Outcome> outcomes;
  Application app(settings, stage.network());
  const int rc = app.run([&](JobContext& job) -> asio::awaitable<void> {
    const LoadPlan plan = self_calls(32);
    LoadRun load(job, job.container().pipeline(), plan);
    load.start();
    const auto ask_stop = [&]() -> asio::awaitable<void> {
      co_await async::sleep_for(load_for);
      under_way_at_stop = load.under_way();
      stop_asked = SteadyClock::now();
      app.request_stop();
    };
    job.spawn(ask_stop());
    co_await load.finished();
    outcomes = load.outcomes();
  });
  r.error = run_error(app, rc);
  if (!stop_asked) throw std::runtime_error("the load ended before the stop was asked for");

  // The sim hears each close a moment after our side made it.
  while (stage.open_connections() > 0 && SteadyClock::now() - *stop_asked < std::chrono::seconds(30))
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  const double closed_ms = stage.open_connections() == 0 ? milliseconds_between(*stop_asked, SteadyClock::now()) : NAN;

  std::uint64_t failed_after_stop = 0;
  for (const auto& o : outcomes)
    if (!o.ok && o.end >= *stop_asked) ++failed_after_stop;
  const auto& report = app.shutdown_report();
  const double cut = static_cast<double>(report.requests_cut) + static_cast<double>(failed_after_stop);
  const auto summary = summarize(outcomes);
  using K = Criterion::Kind;
  r.criteria.push_back(below(K::slo, "shutdown_ms_slo", "shutdown", closed_ms, kSloShutdownMs, " ms"));
  r.criteria.push_back(below(K::goal, "shutdown_ms", "shutdown", closed_ms, kGoalShutdownMs, " ms"));
  r.criteria.push_back(equal_to(K::goal, "requests_cut", "requests cut", cut, 0));
  r.shown.push_back(std::to_string(under_way_at_stop) + " under way at the stop");
  r.figure("application_took_ms", static_cast<double>(report.took.count()));
  r.figure("application_in_time", report.in_time ? 1 : 0);
  r.figure("under_way_at_stop", static_cast<double>(under_way_at_stop));
  r.figure("requests", static_cast<double>(summary.requests));
  r.figure("success_pct", summary.success_pct);
  r.notes.push_back("the Application reported " + std::to_string(report.took.count()) +
                    " ms from the stop request to its connections closed; the sim saw the last close after " +
                    format_fixed(closed_ms, 1) + " ms");
  if (!summary.failures.empty()) r.notes.push_back("failures: " + failures_text(summary));
  return r;
}

}  // namespace mtpipe::app::perf
