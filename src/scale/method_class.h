#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace mtpipe::scale {

// Methods grouped by how hard Telegram limits them (reference/field.md §5): resolving usernames is the most
// flood-prone call there is; history, full-channel info and statistics come next.
enum class MethodClass : std::uint8_t { resolve, history, full_info, stats, views, files, other };
inline constexpr int kMethodClasses = 7;

MethodClass classify(std::string_view method) noexcept;
std::string_view to_string(MethodClass c) noexcept;

// What one account may send of a class: a steady rate and a burst. Conservative defaults, well under what
// accounts are observed to be flood-waited at, so a pool rarely meets a FLOOD_WAIT at all.
struct ClassLimit {
  double rate_per_s = 0;
  double burst = 1;
};
ClassLimit default_class_limit(MethodClass c) noexcept;
std::array<ClassLimit, kMethodClasses> default_class_limits() noexcept;
// The defaults with overrides from a spec like "other=50/10,history=2/5" (CLASS=RATE/BURST, rates per second).
// Throws std::invalid_argument naming the bad part.
std::array<ClassLimit, kMethodClasses> parse_class_limits(std::string_view spec);

}  // namespace mtpipe::scale
