#pragma once
// What load the clients put on the sim (docs/SIM.md "Load counters"): per logged-in account the API queries in
// flight (arrived, answer not sent yet) and their high-water mark, per account and per method the queries
// served, and a per-second histogram of every API query, so a test can check a client's concurrency cap and
// request rate from the server's side. Not thread-safe: the World calls it under its mutex.

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>

namespace mtpipe::sim {

struct UserLoad {
  std::uint64_t in_flight = 0;      // queries arrived whose answer has not been sent yet
  std::uint64_t max_in_flight = 0;  // the most ever in flight at once
  std::map<std::string, std::uint64_t, std::less<>> requests;  // by method (TL name)
};

// A copy of every counter, for tests and the stats file.
struct LoadSnapshot {
  std::map<std::int64_t, UserLoad> users;                     // by user id; logged-in keys only
  std::map<std::string, std::uint64_t, std::less<>> methods;  // every API query, logged in or not
  std::map<std::int64_t, std::uint64_t> per_second;           // unix second -> API queries that arrived in it
};

class LoadMeter {
 public:
  // An API query arrived at `now_s` for `method`; `user_id` 0: its key is not logged in (counted in methods and
  // per_second only). `answered_now`: the answer goes out at once, so it is in flight only while it is computed
  // (the high-water mark sees it, the in-flight count does not keep it); otherwise answered() ends it later.
  void arrived(std::int64_t user_id, std::string_view method, std::int64_t now_s, bool answered_now);
  // The answer of a query that arrived with answered_now false has been sent or dropped.
  void answered(std::int64_t user_id);

  const LoadSnapshot& counters() const noexcept { return load_; }

 private:
  LoadSnapshot load_;
};

}  // namespace mtpipe::sim
