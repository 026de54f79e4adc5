#pragma once

#include "client/call/call_step.h"
#include "client/flood_memory.h"

namespace mtpipe::client {

struct ClientStats;

// Keeps the account from provoking a flood wait twice: a method whose wait still runs is not sent (a rest up to
// MTPROTO_SLEEP_THRESHOLD that ends before the deadline is slept, a longer one handed back as FLOOD_WAIT marked
// held_locally), and a wait the server imposes is remembered, then slept through or surfaced with its deadline
// the same way. SLOWMODE_WAIT is per chat, not per method: it goes up untouched.
class FloodHold final : public CallStep {
 public:
  FloodHold(CallStep& next, FloodMemory& memory, double sleep_threshold_s, ClientStats& stats, Sleep sleep);

  boost::asio::awaitable<Outcome> send(Call& call) override;

 private:
  CallStep& next_;
  FloodMemory& memory_;
  double sleep_threshold_s_;
  ClientStats& stats_;
  Sleep sleep_;
};

}  // namespace mtpipe::client
