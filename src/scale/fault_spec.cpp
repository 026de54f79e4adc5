#include "scale/fault_spec.h"

#include <charconv>
#include <sstream>
#include <string>

namespace mtpipe::scale {
namespace {

constexpr FaultKind kAskable[] = {FaultKind::delay,      FaultKind::connection, FaultKind::timeout, FaultKind::rate_limit,
                                  FaultKind::flood_wait, FaultKind::dns,        FaultKind::refused};

std::string_view trim(std::string_view s) noexcept {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

std::string known_kinds() {
  std::string out;
  for (const auto k : kAskable) {
    if (!out.empty()) out += ", ";
    out += to_string(k);
  }
  return out;
}

[[noreturn]] void bad(std::string_view spec, const std::string& why) {
  throw FaultSpecError("fault spec \"" + std::string(spec) + "\": " + why);
}

double parse_probability(std::string_view spec, std::string_view kind, std::string_view text) {
  double p = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), p);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size())
    bad(spec, "the probability \"" + std::string(text) + "\" for " + std::string(kind) + " is not a number");
  if (!(p >= 0.0 && p <= 1.0))
    bad(spec, "the probability " + std::string(text) + " for " + std::string(kind) + " is outside 0..1");
  return p;
}

// 1.2 rather than std::to_string's 1.200000.
std::string number(double x) {
  std::ostringstream out;
  out << x;
  return out.str();
}

}  // namespace

std::string_view to_string(FaultKind kind) noexcept {
  switch (kind) {
    case FaultKind::none: return "none";
    case FaultKind::delay: return "delay";
    case FaultKind::connection: return "connection";
    case FaultKind::timeout: return "timeout";
    case FaultKind::rate_limit: return "rate_limit";
    case FaultKind::flood_wait: return "flood_wait";
    case FaultKind::dns: return "dns";
    case FaultKind::refused: return "refused";
  }
  return "none";
}

std::optional<FaultKind> fault_kind_named(std::string_view name) noexcept {
  for (const auto k : kAskable)
    if (to_string(k) == name) return k;
  return std::nullopt;
}

FaultProbabilities parse_fault_spec(std::string_view spec) {
  FaultProbabilities out{};
  std::array<bool, kFaultKinds> seen{};
  if (trim(spec).empty()) return out;
  std::size_t at = 0;
  for (;;) {
    const auto comma = spec.find(',', at);
    const auto part = trim(spec.substr(at, comma == std::string_view::npos ? std::string_view::npos : comma - at));
    const auto eq = part.find('=');
    if (eq == std::string_view::npos)
      bad(spec, "\"" + std::string(part) + "\" is not kind=probability");
    const auto name = trim(part.substr(0, eq));
    const auto kind = fault_kind_named(name);
    if (!kind) bad(spec, "unknown kind \"" + std::string(name) + "\" (known: " + known_kinds() + ")");
    const auto index = static_cast<std::size_t>(*kind);
    if (seen[index]) bad(spec, std::string(name) + " is given twice");
    seen[index] = true;
    out[index] = parse_probability(spec, name, trim(part.substr(eq + 1)));
    if (comma == std::string_view::npos) break;
    at = comma + 1;
  }
  try {
    check_fault_probabilities(out);
  } catch (const FaultSpecError& e) {
    bad(spec, e.what());
  }
  return out;
}

void check_fault_probabilities(const FaultProbabilities& probabilities) {
  double sum = 0;
  for (const auto k : kAskable) {
    const double p = probabilities[static_cast<std::size_t>(k)];
    if (!(p >= 0.0 && p <= 1.0))
      throw FaultSpecError("the probability " + number(p) + " for " + std::string(to_string(k)) +
                           " is outside 0..1");
    sum += p;
  }
  // A little slack for sums like 0.1 + 0.2 + 0.7 that floating point puts a hair above 1.
  if (sum > 1.0 + 1e-9) throw FaultSpecError("the probabilities add up to " + number(sum) + ", more than 1");
}

}  // namespace mtpipe::scale
