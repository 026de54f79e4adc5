#pragma once

#include <chrono>

#include "crypto/random.h"

namespace mtpipe::client {

// Reconnect pacing: exponential growth with jitter, so a fleet of accounts that lost a DC together does not
// come back in lockstep, and a cap, so a long outage is retried at a steady pace (MTPROTO_RETRY_BACKOFF is the
// factor).
struct BackoffPolicy {
  std::chrono::milliseconds initial{200};
  double factor = 2.0;
  std::chrono::milliseconds max{30'000};
};

// The pause after the `failures`-th failure in a row (1 = the first): initial * factor^(failures-1), capped at
// max, then scaled by a jitter factor 0.5 + unit_random / 2 (unit_random in [0, 1)). 0 failures: no pause.
std::chrono::milliseconds backoff_delay(const BackoffPolicy& policy, int failures, double unit_random) noexcept;
// The same with the jitter drawn from `rng`.
std::chrono::milliseconds backoff_delay(const BackoffPolicy& policy, int failures, crypto::Rng& rng);

}  // namespace mtpipe::client
