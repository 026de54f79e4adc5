#include "scale/fault_spec.h"

#include <charconv>
#include <sstream>
#include <string>
#include <utility>

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

namespace {

std::uint64_t parse_whole(std::string_view spec, std::string_view name, std::string_view text) {
  std::uint64_t n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size())
    bad(spec, "\"" + std::string(text) + "\" for " + std::string(name) + " is not a whole number");
  return n;
}

// "MIN-MAX" (or one number for both), whole numbers up to `limit`.
std::pair<std::int64_t, std::int64_t> parse_range(std::string_view spec, std::string_view name, std::string_view text,
                                                  std::uint64_t limit) {
  const auto dash = text.find('-');
  const auto lo = parse_whole(spec, name, trim(text.substr(0, dash)));
  const auto hi = dash == std::string_view::npos ? lo : parse_whole(spec, name, trim(text.substr(dash + 1)));
  if (lo > hi || hi > limit)
    bad(spec, std::string(name) + "=" + std::string(text) + " is not a range from low to high up to " + std::to_string(limit));
  return {static_cast<std::int64_t>(lo), static_cast<std::int64_t>(hi)};
}

}  // namespace

FaultSpec parse_fault_spec(std::string_view spec) {
  FaultSpec out;
  std::array<bool, kFaultKinds> seen{};
  bool seen_delay = false, seen_flood = false, seen_seed = false;
  const auto once = [&](bool& flag, std::string_view name) {
    if (flag) bad(spec, std::string(name) + " is given twice");
    flag = true;
  };
  if (trim(spec).empty()) return out;
  std::size_t at = 0;
  for (;;) {
    const auto comma = spec.find(',', at);
    const auto part = trim(spec.substr(at, comma == std::string_view::npos ? std::string_view::npos : comma - at));
    const auto eq = part.find('=');
    if (eq == std::string_view::npos) bad(spec, "\"" + std::string(part) + "\" is not name=value");
    const auto name = trim(part.substr(0, eq));
    const auto value = trim(part.substr(eq + 1));
    if (name == "delay_ms") {
      once(seen_delay, name);
      const auto [lo, hi] = parse_range(spec, name, value, 3'600'000);
      out.delay_min = std::chrono::milliseconds(lo);
      out.delay_max = std::chrono::milliseconds(hi);
    } else if (name == "flood_wait_s") {
      once(seen_flood, name);
      const auto [lo, hi] = parse_range(spec, name, value, 86'400);
      out.flood_seconds_min = static_cast<std::int32_t>(lo);
      out.flood_seconds_max = static_cast<std::int32_t>(hi);
    } else if (name == "seed") {
      once(seen_seed, name);
      out.seed = parse_whole(spec, name, value);
    } else {
      const auto kind = fault_kind_named(name);
      if (!kind)
        bad(spec, "unknown name \"" + std::string(name) + "\" (known: " + known_kinds() + ", delay_ms, flood_wait_s, seed)");
      const auto index = static_cast<std::size_t>(*kind);
      once(seen[index], name);
      out.probabilities[index] = parse_probability(spec, name, value);
    }
    if (comma == std::string_view::npos) break;
    at = comma + 1;
  }
  try {
    check_fault_spec(out);
  } catch (const FaultSpecError& e) {
    bad(spec, e.what());
  }
  return out;
}

void check_fault_spec(const FaultSpec& spec) {
  double sum = 0;
  for (const auto k : kAskable) {
    const double p = spec.probabilities[static_cast<std::size_t>(k)];
    if (!(p >= 0.0 && p <= 1.0))
      throw FaultSpecError("the probability " + number(p) + " for " + std::string(to_string(k)) +
                           " is outside 0..1");
    sum += p;
  }
  // A little slack for sums like 0.1 + 0.2 + 0.7 that floating point puts a hair above 1.
  if (sum > 1.0 + 1e-9) throw FaultSpecError("the probabilities add up to " + number(sum) + ", more than 1");
  if (spec.delay_min < std::chrono::milliseconds::zero() || spec.delay_min > spec.delay_max)
    throw FaultSpecError("the fault delay range " + std::to_string(spec.delay_min.count()) + ".." +
                         std::to_string(spec.delay_max.count()) + " ms is not a range of non-negative durations");
  if (spec.flood_seconds_min < 0 || spec.flood_seconds_min > spec.flood_seconds_max)
    throw FaultSpecError("the fault flood-wait range " + std::to_string(spec.flood_seconds_min) + ".." +
                         std::to_string(spec.flood_seconds_max) + " s is not a range of non-negative seconds");
}

}  // namespace mtpipe::scale
