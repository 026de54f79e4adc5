// 3. Proxy failover: four MTProxy relays in front of the sim's MTProxy port (one dead from the start, one flaky,
// two healthy), MTPROTO_PROXY_ENABLED with the settings' defaults, 32 requests at a time. Mid-run the healthy relay
// one account uses is killed; the failover time runs from the kill to that account's first answer after it, which
// can only have come through another proxy. Nothing in the client is tuned for this beyond what settings allow.

#include "app/application.h"
#include "app/perf/checks.h"
#include "app/perf/load_driver.h"
#include "app/perf/proxy_lineup.h"

namespace mtpipe::app::perf {
namespace asio = boost::asio;

CheckResult check_failover(const PerfContext& context) {
  CheckResult r;
  SimStage stage(context, "failover", answering_in(5, 20));
  ProxyLineup proxies(stage, context.seed);
  Settings settings = stage.settings();
  proxies.configure(settings);
  const auto warm_up = context.short_run ? std::chrono::seconds(2) : std::chrono::seconds(5);
  const auto after_kill = context.short_run ? std::chrono::seconds(2) : std::chrono::seconds(5);

  std::optional<std::size_t> victim, killed;
  SteadyClock::time_point killed_at{};
  std::optional<std::size_t> proxy_after;
  std::vector<Outcome> outcomes;
  Application app(settings, stage.network());
  const int rc = app.run([&](JobContext& job) -> asio::awaitable<void> {
    auto& container = job.container();
    LoadRun load(job, container.pipeline(), self_calls(32));
    load.start();
    co_await pause(warm_up);
    // The first account on a healthy relay is the victim; its relay dies with every connection through it.
    for (std::size_t a = 0; a < stage.accounts().size() && !victim; ++a) {
      const auto proxy = container.proxies()->pick(stage.accounts()[a], scale::Clock::now());
      if (proxy && proxies.healthy(*proxy)) {
        victim = a;
        killed = proxy;
      }
    }
    if (victim && !job.stopping()) {
      killed_at = SteadyClock::now();
      proxies.kill(*killed);
      co_await pause(after_kill);
      proxy_after = container.proxies()->pick(stage.accounts()[*victim], scale::Clock::now());
    }
    load.stop();
    co_await load.finished();
    outcomes = load.outcomes();
  });
  r.error = run_error(app, rc);
  if (!victim) throw std::runtime_error("no account was on a healthy relay after the warm-up");

  double failover_ms = NAN;
  for (const auto& o : outcomes) {
    if (!o.ok || o.account != stage.accounts()[*victim] || o.end < killed_at) continue;
    const double ms = milliseconds_between(killed_at, o.end);
    if (std::isnan(failover_ms) || ms < failover_ms) failover_ms = ms;
  }
  const auto summary = summarize(outcomes);
  using K = Criterion::Kind;
  r.criteria.push_back(at_least(K::slo, "success_pct", "success", summary.success_pct, kSloSuccessPct, "%"));
  r.criteria.push_back(below(K::goal, "failover_ms", "failover", failover_ms, kGoalFailoverMs, " ms"));
  r.figure("requests", static_cast<double>(summary.requests));
  r.figure("ok", static_cast<double>(summary.ok));
  r.figure("victim_moved", proxy_after && proxy_after != killed ? 1 : 0);
  proxies.add_figures(r, app.container());
  r.notes.push_back(stage.accounts()[*victim] + " lost its relay (proxy " + std::to_string(*killed + 1) + " of " +
                    std::to_string(proxies.size()) + ") " + (proxy_after && proxy_after != killed
                                                                 ? "and moved to proxy " + std::to_string(*proxy_after + 1)
                                                                 : "and did not move") +
                    "; its first redial, refused by the dead relay, moved it, and the next went out at once through "
                    "another proxy");
  if (!summary.failures.empty()) r.notes.push_back("failures: " + failures_text(summary));
  return r;
}

}  // namespace mtpipe::app::perf
