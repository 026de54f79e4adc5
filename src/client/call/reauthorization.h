#pragma once

#include "client/call/call_step.h"

namespace mtpipe::client {

// Another DC answered AUTH_KEY_UNREGISTERED although the account's login was imported there: that DC forgot it.
// The import is marked undone and the call sent again, which imports the login anew (within the call's shared
// retry budget). On the home DC the same answer means the login is gone, and it goes up.
class Reauthorization final : public CallStep {
 public:
  Reauthorization(CallStep& next, AccountAccess& account, int retry_max)
      : next_(next), account_(account), retry_max_(retry_max) {}

  boost::asio::awaitable<Outcome> send(Call& call) override;

 private:
  CallStep& next_;
  AccountAccess& account_;
  int retry_max_;
};

}  // namespace mtpipe::client
