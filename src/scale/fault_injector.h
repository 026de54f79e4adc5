#pragma once
// Fault injection on our side of the wire, for chaos tests: a link of the request chain that,
// before a request is sent, may delay it or fail it with exactly the error a real failure would give (a lost
// connection, a timeout, a FLOOD_WAIT, a rate-limit refusal, a DNS or refused dial), so the layers above are
// tested against the real types. It refuses to run outside ENVIRONMENT=development or test, whatever
// FAULT_INJECTION_ENABLED says. Decisions come from a seeded generator, so a chaos run can be repeated.

#include <array>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>

#include "client/rpc_error.h"
#include "scale/fault_spec.h"

namespace mtpipe::scale {

// What the injector is told: the spec (parse_fault_spec), and whether it may run.
struct FaultSettings : FaultSpec {
  bool enabled = false;      // FAULT_INJECTION_ENABLED
  std::string environment;   // ENVIRONMENT: faults only in "development" or "test"
};

// True for the environments fault injection may run in.
bool fault_injection_allowed_in(std::string_view environment) noexcept;

struct FaultDecision {
  FaultKind kind = FaultKind::none;
  std::chrono::milliseconds delay{};  // for delay, and the wait a rate_limit refusal reports
  std::int32_t flood_seconds = 0;     // for flood_wait
  std::string method;                 // named in the injected error
};

struct FaultCounters {
  std::uint64_t decisions = 0;
  std::array<std::uint64_t, kFaultKinds> by_kind{};  // none included
  std::uint64_t of(FaultKind kind) const noexcept { return by_kind[static_cast<std::size_t>(kind)]; }
};

// An injected RPC error: the server's code and text as a real one has them (so it classifies the same), and a
// message that says it was injected.
class InjectedRpcError : public client::RpcError {
 public:
  InjectedRpcError(const client::RpcError& error, const std::string& what) : client::RpcError(error), what_(what) {}
  const char* what() const noexcept override { return what_.what(); }

 private:
  std::runtime_error what_;  // copied without throwing, as an exception's members should be
};

class FaultInjector {
 public:
  // Active only when settings.enabled and the environment allows it; otherwise a disabled injector whose
  // refusal() says why ("fault injection refused: ENVIRONMENT=production ..."), for the caller to log. Throws
  // FaultSpecError for probabilities or ranges that cannot be used, active or not.
  explicit FaultInjector(FaultSettings settings);

  bool active() const noexcept { return active_; }
  // Why the injector is disabled; empty when active.
  const std::string& refusal() const noexcept { return refusal_; }

  // What to do to the next request for `method`: kind none when disabled or when no fault is drawn.
  FaultDecision decide(std::string_view method);
  const FaultCounters& counters() const noexcept { return counters_; }

  // Carries the decision out: returns at once for none, sleeps the delay on a real timer (a cancelled wait
  // throws async::Cancelled), or throws what the real failure throws:
  //   connection -> mtproto::CallError(connection_lost)   timeout -> client::RpcError timed_out (InjectedRpcError)
  //   flood_wait -> RpcError 420 FLOOD_WAIT_N (InjectedRpcError)   rate_limit -> RateDeadlineExceeded (global)
  //   dns, refused -> net::DialError of that kind
  static boost::asio::awaitable<void> apply(FaultDecision decision);

 private:
  double uniform01();
  std::int64_t uniform(std::int64_t lo, std::int64_t hi);

  FaultSettings settings_;
  bool active_ = false;
  std::string refusal_;
  std::mt19937_64 rng_;  // not for secrets: only reproducible chaos
  FaultCounters counters_;
};

}  // namespace mtpipe::scale
