#pragma once
// The seven checks of `mtpipe perf` (issue 5 point 8), one file each. Every check builds its own sim stage, runs,
// and judges its figures against the old system's SLO and our goal; it throws only when it cannot run at all.

#include "app/perf/perf_harness.h"
#include "app/perf/perf_report.h"

namespace mtpipe::app::perf {

CheckResult check_balance(const PerfContext& context);      // 1. balance_check.cpp
CheckResult check_rate(const PerfContext& context);         // 2. rate_check.cpp
CheckResult check_failover(const PerfContext& context);     // 3. failover_check.cpp
CheckResult check_migration(const PerfContext& context);    // 4. migration_check.cpp
CheckResult check_concurrency(const PerfContext& context);  // 5. concurrency_check.cpp
CheckResult check_shutdown(const PerfContext& context);     // 6. shutdown_check.cpp
CheckResult check_faults(const PerfContext& context);       // 7. faults_check.cpp

// The old system's SLOs and our goals, named once.
inline constexpr double kSloSuccessPct = 99.0;
inline constexpr double kSloP95Ms = 600;
inline constexpr double kSloShutdownMs = 25'000;
inline constexpr double kSloQueueDropPct = 0.5;
inline constexpr double kGoalFailoverMs = 100;
inline constexpr double kGoalShutdownMs = 1'000;
inline constexpr double kGoalRateErrorPct = 1.0;
inline constexpr double kSloRateErrorPct = 2.0;

}  // namespace mtpipe::app::perf
