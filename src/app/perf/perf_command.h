#pragma once
// `mtpipe perf` (issue 5 point 8): the SLO suite. In one process it starts an in-process sim, logs 8 accounts in,
// drives them through the real request chain (app::Application and its Container, with the scale layer) and runs
// seven checks, each judged against the old system's SLO and our own goal: one line per check, an overall status,
// and a JSON report with every figure, threshold and verdict (docs/BENCHMARKS.md).

#include <cstdint>
#include <string>

namespace mtpipe::app::perf {

struct PerfOptions {
  bool short_run = false;  // --short: smaller runs and windows, the whole suite in under a minute
  std::string report;      // --report FILE: the JSON report
  std::uint64_t seed = 1;  // --seed: every draw of ours (injected faults, flaky proxy drops, the MTProxy secret)
};

// 0 when all seven checks pass, 1 when any fails, 2 when the suite could not run (the report says which).
int run_perf(const PerfOptions& options);

}  // namespace mtpipe::app::perf
