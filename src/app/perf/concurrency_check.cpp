// 5. Concurrent request processing: 64 requests at once against a sim answering in 5-20 ms, so most of them wait
// for one of the 16 account slots (8 accounts x 2). The latency of a request runs from its start to its answer,
// the wait for a slot included: what a caller of the pipeline sees.
#include "app/perf/checks.h"
#include "app/perf/load_driver.h"

namespace mtpipe::app::perf {

CheckResult check_concurrency(const PerfContext& context) {
  CheckResult r;
  SimStage stage(context, "concurrency", answering_in(5, 20));

  const auto run = run_in_application(stage, stage.settings(), self_calls(64, context.short_run ? 1'000 : 10'000));
  r.error = run.error;
  const auto summary = summarize(run.outcomes);
  std::uint64_t over_slo = 0;
  for (const auto& o : run.outcomes)
    if (o.ok && milliseconds_between(o.start, o.end) >= kSloP95Ms) ++over_slo;

  using K = Criterion::Kind;
  r.criteria.push_back(at_least(K::slo, "success_pct", "success", summary.success_pct, kSloSuccessPct, "%"));
  r.criteria.push_back(below(K::slo, "p95_ms", "P95", summary.p95_ms, kSloP95Ms, " ms"));
  r.criteria.push_back(equal_to(K::goal, "queue_drops", "queue drops", static_cast<double>(summary.queue_drops), 0));
  r.figure("requests", static_cast<double>(summary.requests));
  r.figure("ok", static_cast<double>(summary.ok));
  r.figure("p50_ms", summary.p50_ms);
  r.figure("p99_ms", summary.p99_ms);
  r.figure("elapsed_s", run.elapsed_s);
  r.figure("requests_per_s", static_cast<double>(summary.requests) / run.elapsed_s);
  r.shown.push_back("P50 " + format_fixed(summary.p50_ms, 1) + " ms");
  r.shown.push_back("P99 " + format_fixed(summary.p99_ms, 1) + " ms");
  r.shown.push_back("max " + format_fixed(summary.max_ms, 0) + " ms");
  r.figure("max_ms", summary.max_ms);
  r.figure("answered_after_600_ms", static_cast<double>(over_slo));
  // The pool serves waiting requests first come, first served: a request waits for those ahead of it, so the worst
  // wait stays near the median (Little's law: 64 in flight over the slots' throughput) instead of growing with
  // the length of the run.
  r.notes.push_back("the pool hands a freed account slot to the longest-waiting request (arrival order), so the "
                    "longest wait (" + format_fixed(summary.max_ms, 0) + " ms) is " +
                    (summary.p50_ms > 0 ? format_fixed(summary.max_ms / summary.p50_ms, 1) : std::string("n/a")) +
                    " times the median: the queue ahead of a request, not newcomers overtaking it");
  if (over_slo > 0)
    r.notes.push_back(std::to_string(over_slo) + " requests took 600 ms or more: a machine too slow for 64 requests at once "
                      "on 16 slots lengthens every request's queue alike");
  r.notes.push_back("latency runs from a request's start to its answer, the wait for an account slot included");
  if (!summary.failures.empty()) r.notes.push_back("failures: " + failures_text(summary));
  return r;
}

}  // namespace mtpipe::app::perf
