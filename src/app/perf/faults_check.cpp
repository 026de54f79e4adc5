// 7. Fault-injection resilience: 5% of requests meet an injected fault (a lost connection, a timeout, a
// FLOOD_WAIT, a failed DNS lookup, a refused dial: 1% each), behind the dead and the flaky proxy, against a sim
// that enforces a flood limit on the method (above our class limit, so only a limiter that slipped would meet it)
// and answers in 1-5 ms. A faulted request may be tried again on another account by the pipeline; that is what
// keeps the success rate up.
//
// The injector is the one FAULT_INJECTION_ENABLED builds in ENVIRONMENT=test from FAULT_INJECTION_SPEC: injected
// flood waits of 1-2 s, draws from the run's --seed. The requests go through the container's own chain.

#include "app/application.h"
#include "app/perf/checks.h"
#include "app/perf/load_driver.h"
#include "app/perf/proxy_lineup.h"
#include "scale/fault_injector.h"

namespace mtpipe::app::perf {
namespace asio = boost::asio;

namespace {

constexpr std::string_view kFaultSpec = "connection=0.01,timeout=0.01,flood_wait=0.01,dns=0.01,refused=0.01";
// Per account: ours allows at most burst + rate x 10 = 410 calls in any 10 s; the sim refuses the 1001st.
constexpr scale::ClassLimit kOurLimit{40, 10};
constexpr sim::FloodRule kSimLimit{"users.getUsers", 1'000, 10};

}  // namespace

CheckResult check_faults(const PerfContext& context) {
  CheckResult r;
  sim::SimOptions sim_options = answering_in(1, 5);
  sim_options.flood_limits.push_back(kSimLimit);
  SimStage stage(context, "faults", sim_options);
  ProxyLineup proxies(stage, context.seed);
  Settings settings = stage.settings();
  proxies.configure(settings);
  settings.limits.class_limits[static_cast<std::size_t>(scale::MethodClass::other)] = kOurLimit;

  settings.faults.enabled = true;
  settings.faults.spec = std::string(kFaultSpec) + ",flood_wait_s=1-2,seed=" + std::to_string(context.seed);
  const auto spec = scale::parse_fault_spec(settings.faults.spec);

  std::vector<Outcome> outcomes;
  scale::PipelineCounters counters;
  double elapsed_s = 0;
  Application app(settings, stage.network());
  if (!app.container().faults()) throw std::runtime_error("the container built no fault injector (see the log)");
  const scale::FaultInjector& faults = *app.container().faults();
  const int rc = app.run([&](JobContext& job) -> asio::awaitable<void> {
    auto& pipeline = job.container().pipeline();
    LoadRun load(job, pipeline, self_calls(32, context.short_run ? 1'000 : 10'000));
    const auto begin = SteadyClock::now();
    load.start();
    co_await load.finished();
    elapsed_s = std::chrono::duration<double>(SteadyClock::now() - begin).count();
    outcomes = load.outcomes();
    counters = pipeline.counters();
  });
  r.error = run_error(app, rc);

  const auto summary = summarize(outcomes);
  const double drop_pct = summary.requests ? 100.0 * static_cast<double>(summary.queue_drops) / static_cast<double>(summary.requests) : NAN;
  std::uint64_t sim_flood_waits = 0;
  for (const auto& c : stage.server().flood_counters()) sim_flood_waits += c.flood_waits;
  using K = Criterion::Kind;
  r.criteria.push_back(at_least(K::slo, "success_pct", "success", summary.success_pct, kSloSuccessPct, "%"));
  r.criteria.push_back(below(K::slo, "queue_drop_pct", "queue drops", drop_pct, kSloQueueDropPct, "%"));
  r.criteria.push_back(equal_to(K::goal, "queue_drops", "queue drops", static_cast<double>(summary.queue_drops), 0));
  r.criteria.push_back(equal_to(K::goal, "requests_during_wait", "sim requests during a wait",
                                static_cast<double>(stage.requests_during_wait()), 0));
  r.criteria.push_back(at_most(K::goal, "max_in_flight", "max in flight/account", static_cast<double>(stage.max_in_flight()),
                               settings.limits.max_concurrency_per_account));
  const auto injected = faults.counters().decisions - faults.counters().of(scale::FaultKind::none);
  r.shown.push_back(std::to_string(injected) + " faults injected");
  r.figure("requests", static_cast<double>(summary.requests));
  r.figure("ok", static_cast<double>(summary.ok));
  r.figure("elapsed_s", elapsed_s);
  r.figure("faults_injected", static_cast<double>(injected));
  for (std::size_t k = 1; k < scale::kFaultKinds; ++k) {
    const auto kind = static_cast<scale::FaultKind>(k);
    if (spec.probabilities[k] > 0)
      r.figure("injected_" + std::string(scale::to_string(kind)), static_cast<double>(faults.counters().of(kind)));
  }
  r.figure("retried_on_another_account", static_cast<double>(counters.retried_on_another_account));
  r.figure("pipeline_flood_waits", static_cast<double>(counters.flood_waits));
  r.figure("sim_flood_waits", static_cast<double>(sim_flood_waits));
  proxies.add_figures(r, app.container());
  r.notes.push_back("FAULT_INJECTION_SPEC=" + settings.faults.spec);
  if (!summary.failures.empty()) r.notes.push_back("failures: " + failures_text(summary));
  return r;
}

}  // namespace mtpipe::app::perf
