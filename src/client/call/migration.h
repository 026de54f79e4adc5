#pragma once

#include "client/call/call_step.h"

namespace mtpipe::client {

struct ClientStats;

// Follows *_MIGRATE answers, at most `max_migrations` per call: PHONE/USER/NETWORK_MIGRATE move the account to
// the named DC (its login carried over first), FILE/STATS_MIGRATE send just this call there; a call pinned to a DC
// is only ever re-pinned.
class Migration final : public CallStep {
 public:
  Migration(CallStep& next, AccountAccess& account, int max_migrations, ClientStats& stats)
      : next_(next), account_(account), max_migrations_(max_migrations), stats_(stats) {}

  boost::asio::awaitable<Outcome> send(Call& call) override;

 private:
  CallStep& next_;
  AccountAccess& account_;
  int max_migrations_;
  ClientStats& stats_;
};

}  // namespace mtpipe::client
