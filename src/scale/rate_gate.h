#pragma once
// The waiting half of the rate limiter (token-bucket limits with backpressure): callers co_await acquire()
// before a request and go on once every bucket gave a token. The gate never waits without
// bound: a caller whose deadline would pass before its token comes, or who would join more than max_waiters
// others already waiting, is refused at once with a typed error, so an overloaded pool pushes back on its
// producers instead of piling up sleeping coroutines.

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>

#include "scale/rate_admission.h"
#include "scale/rate_limiter.h"

namespace mtpipe::scale {

// A caller the gate turned away without a token.
class RateRefused : public std::runtime_error {
 public:
  enum class Reason : std::uint8_t { deadline, queue_full };
  RateRefused(Reason reason, Limit limited_by, Clock::duration wait, const std::string& what)
      : std::runtime_error(what), reason_(reason), limited_by_(limited_by), wait_(wait) {}
  Reason reason() const noexcept { return reason_; }
  // The limit that made the caller wait, and how long the limiter last said it would take (zero when unknown).
  Limit limited_by() const noexcept { return limited_by_; }
  Clock::duration wait() const noexcept { return wait_; }

 private:
  Reason reason_;
  Limit limited_by_;
  Clock::duration wait_;
};

// The token would come after the caller's deadline (or the deadline has passed).
class RateDeadlineExceeded : public RateRefused {
 public:
  RateDeadlineExceeded(Limit limited_by, Clock::duration wait, const std::string& what)
      : RateRefused(Reason::deadline, limited_by, wait, what) {}
};

// max_waiters callers were already waiting.
class RateQueueFull : public RateRefused {
 public:
  RateQueueFull(Limit limited_by, Clock::duration wait, const std::string& what)
      : RateRefused(Reason::queue_full, limited_by, wait, what) {}
};

struct RateGateOptions {
  std::size_t max_waiters = 1000;  // callers allowed to wait at once, over all accounts and methods
  // The limiter's clock. Sleeps are real timers of the reported length, so this must run at the pace of
  // steady_clock; it is a parameter so tests and the sim can shift it.
  std::function<Clock::time_point()> now = [] { return Clock::now(); };
};

struct RateGateCounters {
  std::uint64_t granted = 0;
  std::uint64_t waited = 0;  // callers that had to sleep before their grant or refusal
  std::uint64_t refused_deadline = 0;
  std::uint64_t refused_queue_full = 0;
  std::uint64_t waiters = 0;  // waiting right now
};

// One RateLimiter behind an awaitable front. Lives on one executor (not thread-safe; every acquire must run on
// it) and must outlive the acquires it serves. Callers for the same account and method are served in arrival
// order: a newcomer queues behind waiting ones even when a token happens to be there, and only the first of a
// queue asks the limiter, sleeping exactly the wait it reports and then asking again.
class RateGate : public RateAdmission {
 public:
  explicit RateGate(RateLimits limits, RateGateOptions options = {});
  RateGate(const RateGate&) = delete;
  RateGate& operator=(const RateGate&) = delete;

  // Completes once a token was taken. Throws RateDeadlineExceeded when the token would come after `deadline`
  // (decided as soon as the limiter's wait shows it, never by sleeping up to it when avoidable), RateQueueFull
  // when the caller would have to wait and max_waiters are waiting already, and async::Cancelled when the
  // awaiting coroutine is cancelled (as the account Client does, so callers catch one type).
  boost::asio::awaitable<void> acquire(std::string account, std::string method, Clock::time_point deadline) override;

  // The account met a FLOOD_WAIT for `method`: the limiter lowers its rate for the method's class.
  void on_flood_wait(const std::string& account, const std::string& method) override;

  // A new global rate, applied in place: callers waiting now keep their place and get their tokens at it.
  void set_global_rate(double rps) { limiter_.set_global_rate(rps, options_.now()); }

  const RateGateCounters& counters() const noexcept { return counters_; }
  const RateLimiter& limiter() const noexcept { return limiter_; }

 private:
  struct Waiter;
  // The callers waiting for one account and method, first one in front.
  struct Queue {
    std::deque<Waiter*> waiters;
    // From the front's last admission: the limiter's wait bounds everybody behind it too.
    Clock::time_point no_token_before{};
    Limit limited_by = Limit::none;
  };
  class Membership;

  void refuse_unreachable(const Queue& queue);
  [[noreturn]] void refuse_deadline(Limit limited_by, Clock::duration wait, const std::string& method);
  [[noreturn]] void refuse_queue_full(Limit limited_by, Clock::duration wait, const std::string& method);

  RateGateOptions options_;
  RateLimiter limiter_;
  std::map<std::string, Queue, std::less<>> queues_;  // by account + '\0' + method
  RateGateCounters counters_;
};

}  // namespace mtpipe::scale
