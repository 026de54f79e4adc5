#include "app/perf/perf_command.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "app/perf/checks.h"
#include "app/perf/load_driver.h"
#include "obs/log.h"

namespace mtpipe::app::perf {
namespace {

// A fresh directory for the run's sessions and route files, removed at the end however the run ends.
class RunDir {
 public:
  RunDir() : path_((std::filesystem::temp_directory_path() / "mtpipe-perf-XXXXXX").string()) {
    std::string name = path_.string();
    if (::mkdtemp(name.data()) == nullptr) throw std::runtime_error("cannot create a directory like " + name);
    path_ = name;
  }
  ~RunDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  RunDir(const RunDir&) = delete;
  RunDir& operator=(const RunDir&) = delete;
  const std::filesystem::path& path() const noexcept { return path_; }

 private:
  std::filesystem::path path_;
};

using Check = CheckResult (*)(const PerfContext&);

struct NamedCheck {
  int number;
  const char* name;
  const char* key;
  Check run;
};

constexpr NamedCheck kChecks[] = {
    {1, "account-pool load balancing", "balance", check_balance},
    {2, "rate-limit accuracy", "rate", check_rate},
    {3, "proxy failover", "failover", check_failover},
    {4, "DC migration handling", "migration", check_migration},
    {5, "concurrent request processing", "concurrency", check_concurrency},
    {6, "graceful shutdown timing", "shutdown", check_shutdown},
    {7, "fault-injection resilience", "faults", check_faults},
};

// A check that throws did not run to its end: a FAIL that says why.
CheckResult run_one(const NamedCheck& check, const PerfContext& context) {
  CheckResult r;
  try {
    r = check.run(context);
  } catch (const Interrupted&) {
    throw;
  } catch (const std::exception& e) {
    r = CheckResult{};
    r.error = e.what();
  }
  r.number = check.number;
  r.name = check.name;
  r.key = check.key;
  return r;
}

}  // namespace

int run_perf(const PerfOptions& options) {
  const auto began = SteadyClock::now();
  // The application logs its start and stop for every check; only errors belong between the result lines.
  const auto level = obs::log_level();
  if (level < obs::Level::error) obs::set_log_level(obs::Level::error);
  std::cout << "mtpipe perf: " << (options.short_run ? "short" : "full") << " run, seed " << options.seed
            << ", against an in-process sim" << std::endl;
  std::vector<CheckResult> results;
  int rc = 0;
  try {
    const RunDir dir;
    const PerfContext context{options.short_run, options.seed, dir.path(), crypto::RsaPrivateKey::generate()};
    for (const auto& check : kChecks) {
      results.push_back(run_one(check, context));
      std::cout << summary_line(results.back()) << std::endl;
    }
  } catch (const Interrupted& e) {
    std::cerr << "mtpipe perf: " << e.what() << "; the report holds the checks that ended\n";
    rc = 2;
  } catch (const std::exception& e) {
    std::cerr << "mtpipe perf: " << e.what() << "\n";
    rc = 2;
  }
  obs::set_log_level(level);
  const auto passed = std::count_if(results.begin(), results.end(), [](const CheckResult& r) { return r.passed(); });
  const bool all = rc == 0 && passed == static_cast<std::ptrdiff_t>(std::size(kChecks));
  std::cout << "Overall Status: " << (all ? "PASS" : "FAIL") << "\n"
            << "Tests Passed: " << passed << "/" << std::size(kChecks) << std::endl;
  RunInfo info{options.short_run, options.seed, std::chrono::duration<double>(SteadyClock::now() - began).count()};
  if (!options.report.empty()) {
    std::ofstream out(options.report);
    out << report_json(info, results) << "\n";
    if (!out) {
      std::cerr << "mtpipe perf: cannot write " << options.report << "\n";
      return 2;
    }
  }
  if (rc != 0) return rc;
  return all ? 0 : 1;
}

}  // namespace mtpipe::app::perf
