#pragma once

#include <boost/asio/awaitable.hpp>
#include <string>

#include "scale/token_bucket.h"

namespace mtpipe::scale {

// What the request pipeline asks before each send: may this account send this method now? RateGate answers for
// one process; with Redis, the global and per-account buckets are shared by every replica (redis/).
class RateAdmission {
 public:
  virtual ~RateAdmission() = default;
  // Completes once the request may go. Throws RateRefused (RateDeadlineExceeded, RateQueueFull) and
  // async::Cancelled.
  virtual boost::asio::awaitable<void> acquire(std::string account, std::string method, Clock::time_point deadline) = 0;
  // The account met a FLOOD_WAIT for `method`: slow that account's class down.
  virtual void on_flood_wait(const std::string& account, const std::string& method) = 0;
};

}  // namespace mtpipe::scale
