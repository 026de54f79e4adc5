#pragma once
// The kinds of fault the injector can cause and the spec (FAULT_INJECTION_SPEC) that gives each one a probability
// per request, and optionally sets the range of an injected delay, the range of an injected FLOOD_WAIT and the seed:
// "delay=0.02,connection=0.01,timeout=0.01,rate_limit=0.01,flood_wait=0.01,dns=0.005,refused=0.005,
//  delay_ms=100-5000,flood_wait_s=1-30,seed=7".

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string_view>

namespace mtpipe::scale {

enum class FaultKind : std::uint8_t { none, delay, connection, timeout, rate_limit, flood_wait, dns, refused };
inline constexpr std::size_t kFaultKinds = 8;

std::string_view to_string(FaultKind kind) noexcept;
// The kind a spec names; `none` is not a kind one asks for.
std::optional<FaultKind> fault_kind_named(std::string_view name) noexcept;

// The chance of each kind per request, indexed by kind. The entry for `none` is not used: none is what is left.
using FaultProbabilities = std::array<double, kFaultKinds>;

// A spec or a set of probabilities that cannot be used; the message names the bad part.
class FaultSpecError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// Everything a spec sets; what it leaves out keeps these defaults.
struct FaultSpec {
  FaultProbabilities probabilities{};
  std::chrono::milliseconds delay_min{100}, delay_max{5000};   // delay_ms: of an injected delay (and a rate-limit's wait)
  std::int32_t flood_seconds_min = 1, flood_seconds_max = 30;  // flood_wait_s: of an injected FLOOD_WAIT_N
  std::uint64_t seed = 0;                                      // seed: of the injector's draws, so a run repeats
};

// Parses "name=value" pairs separated by commas (spaces around either are ignored; an empty spec is no faults):
// a kind with its probability, delay_ms=MIN-MAX, flood_wait_s=MIN-MAX, seed=N. Throws FaultSpecError for an
// unknown name, a name given twice, a probability that is not a number or is outside 0..1, probabilities that
// add up to more than 1, and a range whose ends are not whole numbers from low to high.
FaultSpec parse_fault_spec(std::string_view spec);
// The range and sum checks alone, for a spec set in code.
void check_fault_spec(const FaultSpec& spec);

}  // namespace mtpipe::scale
