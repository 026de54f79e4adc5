// `mtpipe load`: drives requests through the process's request chain (the pool, limits, proxies, router and
// faults the settings switch on), with progress on stderr and a JSON summary: the tool the replica tests and
// `mtpipe perf` run, and a way for an operator to see what a set of accounts sustains.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace mtpipe::app {

struct LoadOptions {
  std::string server = "telegram";  // --server, MTPIPE_SERVER
  std::string method = "users.getUsers";
  std::string params = R"({"id": [{"_": "inputUserSelf"}]})";
  std::uint64_t requests = 100;   // 0: until --duration-s passes or a stop
  double duration_s = 0;          // 0: until --requests are done
  int concurrency = 8;            // requests in flight at once
  int timeout_s = 30;             // per request, all attempts
  std::string report;             // write the JSON summary here too
};

// Returns 0 when every request was answered (or the run was stopped gracefully), 1 when some failed, 2 for bad
// input. The summary goes to stdout.
int run_load(const LoadOptions& options);

}  // namespace mtpipe::app
