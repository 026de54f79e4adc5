#include "scale/rate_limiter.h"

#include <utility>

namespace mtpipe::scale {
namespace {

template <std::size_t... I>
std::array<TokenBucket, kMethodClasses> make_class_buckets(const RateLimits& limits, Clock::time_point now,
                                                      std::index_sequence<I...>) {
  const auto bucket = [&](MethodClass c) {
    const ClassLimit l = limits.classes[static_cast<std::size_t>(c)];
    return TokenBucket(limits.per_class ? l.rate_per_s : 0, l.burst, now);
  };
  return {bucket(static_cast<MethodClass>(I))...};
}

template <std::size_t... I>
std::array<AdaptiveFactor, kMethodClasses> make_class_factors(const AdaptivePolicy& policy, std::index_sequence<I...>) {
  return {((void)I, AdaptiveFactor(policy))...};
}

}  // namespace

std::string_view to_string(Limit limit) noexcept {
  switch (limit) {
    case Limit::none: return "none";
    case Limit::global: return "global";
    case Limit::account: return "account";
    case Limit::method_class: return "method_class";
  }
  return "none";
}

RateLimiter::Account::Account(const RateLimits& limits, Clock::time_point now)
    : overall(limits.account_rps, limits.account_burst, now),
      classes(make_class_buckets(limits, now, std::make_index_sequence<kMethodClasses>{})),
      class_factors(make_class_factors(limits.adaptive, std::make_index_sequence<kMethodClasses>{})) {}

RateLimiter::RateLimiter(RateLimits limits, Clock::time_point now)
    : limits_(limits), global_(limits.global_rps, limits.global_burst, now) {}

void RateLimiter::set_global_rate(double rps, Clock::time_point now) noexcept {
  limits_.global_rps = rps;
  global_.set_rate(rps, now);
}

RateLimiter::Account& RateLimiter::account(const std::string& name, Clock::time_point now) {
  auto it = accounts_.find(name);
  if (it == accounts_.end()) it = accounts_.try_emplace(name, limits_, now).first;
  return it->second;
}

// A class bucket runs at its base rate times what the account has learnt about that class.
void RateLimiter::adapt(Account& a, MethodClass c, Clock::time_point now) {
  const auto i = static_cast<std::size_t>(c);
  if (limits_.per_class) a.classes[i].set_rate(limits_.classes[i].rate_per_s * a.class_factors[i].value(now), now);
}

Admission RateLimiter::admit(const std::string& name, std::string_view method, Clock::time_point now) {
  Account& a = account(name, now);
  const MethodClass c = classify(method);
  adapt(a, c, now);
  TokenBucket& klass = a.classes[static_cast<std::size_t>(c)];
  // All buckets must have a token; the longest wait decides, and nothing is taken unless all can give.
  Admission result;
  const std::pair<Limit, Clock::duration> waits[] = {
      {Limit::global, global_.wait(now)}, {Limit::account, a.overall.wait(now)}, {Limit::method_class, klass.wait(now)}};
  for (const auto& [limit, wait] : waits) {
    if (wait > result.wait) {
      result.wait = wait;
      result.limited_by = limit;
    }
  }
  if (result.limited_by != Limit::none) {
    ++counters_.limited[static_cast<std::size_t>(result.limited_by)];
    return result;
  }
  global_.take(now);
  a.overall.take(now);
  klass.take(now);
  result.granted = true;
  ++counters_.granted;
  return result;
}

void RateLimiter::on_flood_wait(const std::string& name, std::string_view method, Clock::time_point now) {
  Account& a = account(name, now);
  const auto i = static_cast<std::size_t>(classify(method));
  a.class_factors[i].on_flood_wait(now);
  ++counters_.flood_cuts;
}

double RateLimiter::class_rate(const std::string& name, MethodClass c, Clock::time_point now) {
  Account& a = account(name, now);
  adapt(a, c, now);
  return a.classes[static_cast<std::size_t>(c)].rate();
}

}  // namespace mtpipe::scale
