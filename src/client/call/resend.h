#pragma once

#include "client/call/call_step.h"

namespace mtpipe::client {

struct ClientStats;

// The connection went away (or was refused) before the answer: the call is sent again on a new one, within the
// call's shared retry budget, unless it must never run twice.
class Resend final : public CallStep {
 public:
  Resend(CallStep& next, int retry_max, ClientStats& stats) : next_(next), retry_max_(retry_max), stats_(stats) {}

  boost::asio::awaitable<Outcome> send(Call& call) override;

 private:
  CallStep& next_;
  int retry_max_;
  ClientStats& stats_;
};

}  // namespace mtpipe::client
