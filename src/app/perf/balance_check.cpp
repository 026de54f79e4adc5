// 1. Account-pool load balancing: 8 accounts share N requests at concurrency 32 against a sim answering in
// 5-20 ms. Judged from the sim's side: how many calls each account made (the busiest over the idlest) and the most
// any account ever had in flight, which must stay within MTPROTO_MAX_CONCURRENCY_PER_ACCOUNT.
#include <algorithm>

#include "app/perf/checks.h"
#include "app/perf/load_driver.h"

namespace mtpipe::app::perf {

CheckResult check_balance(const PerfContext& context) {
  CheckResult r;
  SimStage stage(context, "balance", answering_in(5, 20));
  const Settings settings = stage.settings();

  const auto run = run_in_application(stage, settings, self_calls(32, context.short_run ? 1'000 : 5'000));
  r.error = run.error;
  const auto summary = summarize(run.outcomes);

  const auto calls = stage.calls_by_account("users.getUsers");
  const auto [fewest, most] = std::minmax_element(calls.begin(), calls.end());
  const double spread = *fewest > 0 ? static_cast<double>(*most) / static_cast<double>(*fewest) : INFINITY;
  const auto limit = settings.limits.max_concurrency_per_account;
  using K = Criterion::Kind;
  r.criteria.push_back(at_least(K::slo, "success_pct", "success", summary.success_pct, kSloSuccessPct, "%"));
  r.criteria.push_back(at_most(K::goal, "spread", "spread max/min", spread, 1.5));
  r.criteria.push_back(at_most(K::goal, "max_in_flight", "max in flight/account", static_cast<double>(stage.max_in_flight()), limit));
  r.figure("requests", static_cast<double>(summary.requests));
  r.figure("ok", static_cast<double>(summary.ok));
  r.figure("fewest_calls", static_cast<double>(*fewest));
  r.figure("most_calls", static_cast<double>(*most));
  r.figure("p95_ms", summary.p95_ms);
  r.figure("elapsed_s", run.elapsed_s);
  r.figure("requests_per_s", static_cast<double>(summary.requests) / run.elapsed_s);
  if (!summary.failures.empty()) r.notes.push_back("failures: " + failures_text(summary));
  return r;
}

}  // namespace mtpipe::app::perf
