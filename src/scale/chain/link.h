#pragma once

#include <cstdint>

#include "client/invoker.h"

namespace mtpipe::scale {

// What the request chain counts, summed over its front and its links.
struct PipelineCounters {
  std::uint64_t requests = 0, ok = 0, failed = 0;
  std::uint64_t retried_on_another_account = 0;
  std::uint64_t flood_waits = 0, retirements = 0;
  std::uint64_t routed_by_cache = 0;
};

// A link of the request chain: it does its one job around the next invoker (the next link, or the client call at
// the bottom), which must outlive it.
class Link : public client::Invoker {
 public:
  explicit Link(client::Invoker& next) noexcept : next_(next) {}
  // Adds what this link counted.
  virtual void count(PipelineCounters& into) const { (void)into; }

 protected:
  client::Invoker& next_;
};

}  // namespace mtpipe::scale
