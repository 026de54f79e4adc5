#pragma once

#include "client/backoff.h"
#include "client/call/call_step.h"
#include "crypto/random.h"

namespace mtpipe::client {

struct ClientStats;

// A 500-class answer may mean the request ran: it is sent again only when running twice is allowed, within the
// call's shared retry budget, after the back-off pause, and only when that pause ends before the deadline.
class InternalRetry final : public CallStep {
 public:
  InternalRetry(CallStep& next, BackoffPolicy backoff, int retry_max, crypto::Rng& rng, ClientStats& stats, Sleep sleep);

  boost::asio::awaitable<Outcome> send(Call& call) override;

 private:
  CallStep& next_;
  BackoffPolicy backoff_;
  int retry_max_;
  crypto::Rng& rng_;
  ClientStats& stats_;
  Sleep sleep_;
};

}  // namespace mtpipe::client
