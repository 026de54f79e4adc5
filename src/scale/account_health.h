#pragma once
// One pooled account's standing: a health score from recent outcomes, quarantine after failures
// in a row with timed recovery probes, permanent retirement when the account is dead. Its flood waits are not
// here: the account's client keeps them (client::FloodMemory) and the pool reads that record. Pure: the caller
// gives the time.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "scale/token_bucket.h"

namespace mtpipe::scale {

struct HealthPolicy {
  int quarantine_after = 3;                    // failures in a row that quarantine the account
  std::chrono::seconds quarantine_initial{30};  // the first quarantine; each one after a failed probe doubles
  std::chrono::seconds quarantine_max{600};
  double score_weight = 0.2;                   // of the newest outcome in the health score's moving average
};

enum class AccountState : std::uint8_t {
  healthy,
  quarantined,  // failed repeatedly: no leases until its probe time, then one probe lease
  retired,      // dead for good (deactivated, banned, logged out elsewhere): never leased again
};
std::string_view to_string(AccountState state) noexcept;

class AccountHealth {
 public:
  explicit AccountHealth(HealthPolicy policy = {}) : policy_(policy) {}

  AccountState state() const noexcept { return state_; }
  // 1 = every recent request succeeded, 0 = every one failed.
  double score() const noexcept { return score_; }
  // The moving average of answer latency, in seconds (0 until the first answer).
  double latency_s() const noexcept { return latency_s_; }
  const std::string& retired_because() const noexcept { return retired_because_; }
  std::optional<Clock::time_point> probe_at() const noexcept { return probe_at_; }

  // May take a lease now: healthy, or quarantined with its probe due.
  bool usable(Clock::time_point now) const;
  bool probe_due(Clock::time_point now) const noexcept {
    return state_ == AccountState::quarantined && probe_at_ && *probe_at_ <= now;
  }

  void succeeded(std::chrono::duration<double> latency);
  // A failure that says something about the account or its connection (network, timeouts, 5xx). Returns true
  // when it quarantined the account.
  bool failed(Clock::time_point now);
  // Dead for good; `reason` is the server's error text (never anything secret).
  void retire(std::string reason);

 private:
  HealthPolicy policy_;
  AccountState state_ = AccountState::healthy;
  double score_ = 1.0;
  double latency_s_ = 0;
  int failures_in_row_ = 0;
  int quarantines_ = 0;  // in a row, without a passed probe between them
  std::optional<Clock::time_point> probe_at_;
  std::string retired_because_;
};

}  // namespace mtpipe::scale
