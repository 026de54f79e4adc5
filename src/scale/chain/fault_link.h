#pragma once

#include "scale/chain/link.h"
#include "scale/fault_injector.h"

namespace mtpipe::scale {

// Fault injection for chaos runs: may delay the request or fail it with the error a real failure throws before
// it reaches the client. It sits right above the client call, so every link above (the lease, the rate limits,
// the DC router) meets an injected failure exactly as it would meet a real one.
class FaultLink final : public Link {
 public:
  FaultLink(client::Invoker& next, FaultInjector& faults) : Link(next), faults_(faults) {}

  boost::asio::awaitable<client::Answer> invoke(client::Request& request) override;

 private:
  FaultInjector& faults_;
};

}  // namespace mtpipe::scale
