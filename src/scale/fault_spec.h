#pragma once
// The kinds of fault the injector can cause and the spec that gives each one a probability per request:
// "delay=0.02,connection=0.01,timeout=0.01,rate_limit=0.01,flood_wait=0.01,dns=0.005,refused=0.005".

#include <array>
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

// Parses "kind=probability" pairs separated by commas (spaces around either are ignored; an empty spec is no
// faults). Throws FaultSpecError for an unknown kind, a kind given twice, a probability that is not a number or
// is outside 0..1, and probabilities that add up to more than 1.
FaultProbabilities parse_fault_spec(std::string_view spec);
// The range and sum checks alone, for probabilities set in code.
void check_fault_probabilities(const FaultProbabilities& probabilities);

}  // namespace mtpipe::scale
