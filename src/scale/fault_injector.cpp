#include "scale/fault_injector.h"

#include <cctype>

#include "async/sleep.h"
#include "mtproto/connection/call_error.h"
#include "net/dial_error.h"
#include "scale/rate_gate.h"

namespace mtpipe::scale {
namespace {

namespace asio = boost::asio;

bool equals_ignoring_case(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

std::string refusal_of(const FaultSettings& s) {
  if (!s.enabled) return "fault injection off: FAULT_INJECTION_ENABLED is not true";
  if (s.environment.empty()) return "fault injection refused: ENVIRONMENT is not set (allowed: development, test)";
  if (!fault_injection_allowed_in(s.environment))
    return "fault injection refused: ENVIRONMENT=" + s.environment + " (allowed: development, test)";
  return {};
}

std::string injected(const std::string& what, const std::string& method) {
  return "injected fault: " + what + " (" + (method.empty() ? std::string("request") : method) + ")";
}

}  // namespace

bool fault_injection_allowed_in(std::string_view environment) noexcept {
  return equals_ignoring_case(environment, "development") || equals_ignoring_case(environment, "test");
}

FaultInjector::FaultInjector(FaultSettings settings)
    : settings_(std::move(settings)), refusal_(refusal_of(settings_)), rng_(settings_.seed) {
  check_fault_spec(settings_);
  active_ = refusal_.empty();
}

// 53 random bits as a double in [0, 1): the same sequence on every standard library, unlike the distributions.
double FaultInjector::uniform01() { return static_cast<double>(rng_() >> 11) * 0x1.0p-53; }

std::int64_t FaultInjector::uniform(std::int64_t lo, std::int64_t hi) {
  // The modulo bias over a range this small against 2^64 is far below anything a chaos run could notice.
  return lo + static_cast<std::int64_t>(rng_() % static_cast<std::uint64_t>(hi - lo + 1));
}

FaultDecision FaultInjector::decide(std::string_view method) {
  FaultDecision d;
  d.method = std::string(method);
  if (active_) {
    const double u = uniform01();
    double below = 0;
    for (std::size_t i = 1; i < kFaultKinds; ++i) {
      below += settings_.probabilities[i];
      if (u < below) {
        d.kind = static_cast<FaultKind>(i);
        break;
      }
    }
    if (d.kind == FaultKind::delay || d.kind == FaultKind::rate_limit)
      d.delay = std::chrono::milliseconds(uniform(settings_.delay_min.count(), settings_.delay_max.count()));
    if (d.kind == FaultKind::flood_wait)
      d.flood_seconds = static_cast<std::int32_t>(uniform(settings_.flood_seconds_min, settings_.flood_seconds_max));
  }
  ++counters_.decisions;
  ++counters_.by_kind[static_cast<std::size_t>(d.kind)];
  return d;
}

asio::awaitable<void> FaultInjector::apply(FaultDecision decision) {
  using mtproto::CallError;
  using net::DialError;
  const std::string& method = decision.method;
  switch (decision.kind) {
    case FaultKind::none:
      co_return;
    case FaultKind::delay: {
      co_await async::sleep_for(decision.delay);
      co_return;
    }
    case FaultKind::connection:
      throw CallError(CallError::Kind::connection_lost, injected("the connection was lost before the answer", method));
    case FaultKind::timeout: {
      const auto what = injected("no answer in time", method);
      throw InjectedRpcError(client::RpcError::timed_out(what), what);
    }
    case FaultKind::flood_wait: {
      const auto text = "FLOOD_WAIT_" + std::to_string(decision.flood_seconds);
      throw InjectedRpcError(client::RpcError::from_server(420, text), injected("rpc_error 420 " + text, method));
    }
    case FaultKind::rate_limit:
      throw RateDeadlineExceeded(Limit::global, decision.delay,
                                 injected("the global rate limit would not grant a token before the deadline", method));
    case FaultKind::dns:
      throw DialError(DialError::Kind::dns, injected("the DC's name did not resolve", method));
    case FaultKind::refused:
      throw DialError(DialError::Kind::refused, injected("the connection was refused", method));
  }
}

}  // namespace mtpipe::scale
