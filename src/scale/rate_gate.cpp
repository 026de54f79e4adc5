#include "scale/rate_gate.h"

#include <algorithm>
#include <boost/asio/this_coro.hpp>
#include <utility>

#include "async/cancelled.h"
#include "async/wakeup.h"

namespace mtpipe::scale {
namespace asio = boost::asio;

namespace {

std::string describe_wait(Limit limited_by, Clock::duration wait) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(wait).count();
  return " (" + std::string(to_string(limited_by)) + " limit, token in " + std::to_string(ms) + " ms)";
}

}  // namespace

// One waiting caller. Others change it only through the two flags, waking it so it looks at them.
struct RateGate::Waiter {
  async::Wakeup wakeup;
  Clock::time_point deadline;
  bool promoted = false;  // it became the front of its queue
  bool refused = false;   // the front's admission showed its deadline cannot be met
};

// A waiter's place in its queue for as long as the acquire runs: leaving, however it leaves (grant, refusal,
// cancellation), hands the front to the next caller and drops the queue once nobody is in it.
class RateGate::Membership {
 public:
  Membership(RateGate& gate, std::map<std::string, Queue, std::less<>>::iterator queue, Waiter& waiter)
      : gate_(gate), queue_(queue), waiter_(waiter) {
    queue_->second.waiters.push_back(&waiter_);
    ++gate_.counters_.waited;
    ++gate_.counters_.waiters;
  }
  Membership(const Membership&) = delete;
  Membership& operator=(const Membership&) = delete;
  ~Membership() {
    auto& waiters = queue_->second.waiters;
    const bool was_front = waiters.front() == &waiter_;
    waiters.erase(std::find(waiters.begin(), waiters.end(), &waiter_));
    --gate_.counters_.waiters;
    if (waiters.empty()) {
      gate_.queues_.erase(queue_);
    } else if (was_front) {
      Waiter* next = waiters.front();
      next->promoted = true;
      next->wakeup.wake();
    }
  }

 private:
  RateGate& gate_;
  std::map<std::string, Queue, std::less<>>::iterator queue_;
  Waiter& waiter_;
};

RateGate::RateGate(RateLimits limits, RateGateOptions options)
    : options_(std::move(options)), limiter_(limits, options_.now()) {}

void RateGate::on_flood_wait(const std::string& account, const std::string& method) {
  limiter_.on_flood_wait(account, method, options_.now());
}

void RateGate::refuse_deadline(Limit limited_by, Clock::duration wait, const std::string& method) {
  ++counters_.refused_deadline;
  throw RateDeadlineExceeded(limited_by, wait,
                             "rate limit: no token for " + method + " before the deadline" +
                                 describe_wait(limited_by, wait));
}

void RateGate::refuse_queue_full(Limit limited_by, Clock::duration wait, const std::string& method) {
  ++counters_.refused_queue_full;
  throw RateQueueFull(limited_by, wait,
                      "rate limit: " + std::to_string(options_.max_waiters) + " callers wait already, " + method +
                          " refused" + describe_wait(limited_by, wait));
}

// Everybody behind the front gets a token no earlier than the front does, so whoever's deadline comes before
// that is told now rather than when the deadline arrives.
void RateGate::refuse_unreachable(const Queue& queue) {
  for (Waiter* w : queue.waiters) {
    if (w == queue.waiters.front() || w->deadline >= queue.no_token_before) continue;
    w->refused = true;
    w->wakeup.wake();
  }
}

asio::awaitable<void> RateGate::acquire(std::string account, std::string method, Clock::time_point deadline) {
  const auto executor = co_await asio::this_coro::executor;
  Clock::time_point now = options_.now();
  if (now > deadline) refuse_deadline(Limit::none, {}, method);

  std::string key = account;
  key.push_back('\0');
  key += method;
  auto queue_it = queues_.find(key);
  Admission admission;  // the front's latest answer; a newcomer to an empty queue already has its first one
  const bool new_queue = queue_it == queues_.end();
  if (new_queue) {
    admission = limiter_.admit(account, method, now);
    if (admission.granted) {
      ++counters_.granted;
      co_return;
    }
    if (now + admission.wait > deadline) refuse_deadline(admission.limited_by, admission.wait, method);
  } else if (deadline < queue_it->second.no_token_before) {
    const Queue& q = queue_it->second;
    refuse_deadline(q.limited_by, q.no_token_before - now, method);
  }
  if (counters_.waiters >= options_.max_waiters) {
    if (new_queue) refuse_queue_full(admission.limited_by, admission.wait, method);
    const Queue& q = queue_it->second;
    refuse_queue_full(q.limited_by, std::max(q.no_token_before - now, Clock::duration::zero()), method);
  }
  if (new_queue) queue_it = queues_.emplace(std::move(key), Queue{}).first;

  Queue& queue = queue_it->second;
  Waiter waiter{async::Wakeup(executor), deadline};
  const Membership membership(*this, queue_it, waiter);
  bool have_admission = new_queue;
  for (;;) {
    if (waiter.refused) {
      refuse_deadline(queue.limited_by, std::max(queue.no_token_before - options_.now(), Clock::duration::zero()),
                      method);
    }
    const bool front = queue.waiters.front() == &waiter;
    Clock::time_point wake_at;
    if (front) {
      if (!have_admission) {
        now = options_.now();
        if (now > deadline) refuse_deadline(queue.limited_by, {}, method);
        admission = limiter_.admit(account, method, now);
      }
      have_admission = false;
      if (admission.granted) {
        ++counters_.granted;
        co_return;
      }
      queue.no_token_before = now + admission.wait;
      queue.limited_by = admission.limited_by;
      refuse_unreachable(queue);
      if (queue.no_token_before > deadline) refuse_deadline(admission.limited_by, admission.wait, method);
      wake_at = Clock::now() + admission.wait;
    } else {
      // Behind the front: woken when it leaves, when its admission rules this deadline out, or at the deadline.
      wake_at = Clock::now() + (deadline - options_.now());
    }
    constexpr const char* doing = "waiting for a rate-limit token";
    const auto end = co_await waiter.wakeup.wait(wake_at, doing);
    // A cancellation wins over a wake-up that raced with it: the caller asked to stop.
    const auto state = co_await asio::this_coro::cancellation_state;
    if (state.cancelled() != asio::cancellation_type::none) throw async::Cancelled(std::string("cancelled while ") + doing);
    if (end == async::Wakeup::End::woken) {  // promoted or refused
      waiter.promoted = false;
      continue;
    }
    if (!front) refuse_deadline(queue.limited_by, {}, method);  // the deadline came while still queued
    // The front slept the reported wait: ask again (another account may have taken a shared token meanwhile).
  }
}

}  // namespace mtpipe::scale
