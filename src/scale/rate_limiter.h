#pragma once
// Proactive limits in front of the account client (issue 5 point 2): a global bucket (MTPROTO_GLOBAL_RPS), one
// per account (MTPROTO_RPS_PER_ACCOUNT) and one per account and method class, the last two adapting to the
// FLOOD_WAITs the account meets. Pure and single-threaded: the caller gives the time; waiting is its business.

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "scale/adaptive_rate.h"
#include "scale/method_class.h"
#include "scale/token_bucket.h"

namespace mtpipe::scale {

struct RateLimits {
  double global_rps = 2.5;   // MTPROTO_GLOBAL_RPS; 0: no global limit
  double global_burst = 5;
  double account_rps = 0.7;  // MTPROTO_RPS_PER_ACCOUNT; 0: no per-account limit
  double account_burst = 3;
  bool per_class = true;     // the method-class buckets
  std::array<ClassLimit, kMethodClasses> classes = default_class_limits();  // MTPIPE_CLASS_LIMITS overrides
  AdaptivePolicy adaptive;
};

enum class Limit : std::uint8_t { none, global, account, method_class };
std::string_view to_string(Limit limit) noexcept;

// The answer to one request: go now (a token was taken from every bucket), or wait this long because of this
// limit (nothing was taken).
struct Admission {
  bool granted = false;
  Clock::duration wait{};
  Limit limited_by = Limit::none;
};

struct RateCounters {
  std::uint64_t granted = 0;
  std::array<std::uint64_t, 4> limited{};  // by Limit
  std::uint64_t flood_cuts = 0;
};

class RateLimiter {
 public:
  RateLimiter(RateLimits limits, Clock::time_point now);

  Admission admit(const std::string& account, std::string_view method, Clock::time_point now);
  // The account met a FLOOD_WAIT for `method`: its rate for the method's class drops (AdaptivePolicy).
  void on_flood_wait(const std::string& account, std::string_view method, Clock::time_point now);
  // A new global rate from now on (replicas sharing MTPROTO_GLOBAL_RPS came or went); the tokens gathered stay.
  void set_global_rate(double rps, Clock::time_point now) noexcept;
  const RateCounters& counters() const noexcept { return counters_; }
  // The account's current rate for a class, after adaptation (for stats and tests).
  double class_rate(const std::string& account, MethodClass c, Clock::time_point now);

 private:
  struct Account {
    Account(const RateLimits& limits, Clock::time_point now);
    TokenBucket overall;
    std::array<TokenBucket, kMethodClasses> classes;
    std::array<AdaptiveFactor, kMethodClasses> class_factors;
  };
  Account& account(const std::string& name, Clock::time_point now);
  void adapt(Account& a, MethodClass c, Clock::time_point now);

  RateLimits limits_;
  TokenBucket global_;
  std::map<std::string, Account, std::less<>> accounts_;
  RateCounters counters_;
};

}  // namespace mtpipe::scale
