#include "scale/method_class.h"

#include <stdexcept>
#include <string>

namespace mtpipe::scale {

MethodClass classify(std::string_view m) noexcept {
  if (m == "contacts.resolveUsername" || m == "contacts.search" || m == "channels.checkUsername")
    return MethodClass::resolve;
  if (m == "messages.getHistory" || m == "messages.search" || m == "channels.getMessages" ||
      m == "messages.getMessages" || m == "updates.getChannelDifference")
    return MethodClass::history;
  if (m == "channels.getFullChannel" || m == "users.getFullUser" || m == "messages.getFullChat")
    return MethodClass::full_info;
  if (m.starts_with("stats.")) return MethodClass::stats;
  if (m == "messages.getMessagesViews" || m == "messages.getMessagesReactions") return MethodClass::views;
  if (m.starts_with("upload.")) return MethodClass::files;
  return MethodClass::other;
}

std::string_view to_string(MethodClass c) noexcept {
  switch (c) {
    case MethodClass::resolve: return "resolve";
    case MethodClass::history: return "history";
    case MethodClass::full_info: return "full_info";
    case MethodClass::stats: return "stats";
    case MethodClass::views: return "views";
    case MethodClass::files: return "files";
    case MethodClass::other: return "other";
  }
  return "other";
}

ClassLimit default_class_limit(MethodClass c) noexcept {
  switch (c) {
    case MethodClass::resolve: return {1.0 / 20, 3};    // one every 20 s, 3 at once
    case MethodClass::history: return {0.5, 5};
    case MethodClass::full_info: return {1.0 / 10, 3};
    case MethodClass::stats: return {1.0 / 5, 2};
    case MethodClass::views: return {1.0, 5};
    case MethodClass::files: return {10.0, 20};
    case MethodClass::other: return {1.0, 5};
  }
  return {1.0, 5};
}

std::array<ClassLimit, kMethodClasses> default_class_limits() noexcept {
  std::array<ClassLimit, kMethodClasses> out{};
  for (int i = 0; i < kMethodClasses; ++i) out[i] = default_class_limit(static_cast<MethodClass>(i));
  return out;
}

std::array<ClassLimit, kMethodClasses> parse_class_limits(std::string_view spec) {
  auto out = default_class_limits();
  while (!spec.empty()) {
    const auto comma = spec.find(',');
    const std::string_view part = spec.substr(0, comma);
    spec = comma == std::string_view::npos ? std::string_view{} : spec.substr(comma + 1);
    const auto eq = part.find('='), slash = part.find('/');
    const auto bad = [&](const std::string& why) {
      return std::invalid_argument("class limit '" + std::string(part) + "': " + why +
                                   " (expected CLASS=RATE/BURST, e.g. history=0.5/5)");
    };
    if (eq == std::string_view::npos || slash == std::string_view::npos || slash < eq) throw bad("malformed");
    const std::string_view name = part.substr(0, eq);
    int index = -1;
    for (int i = 0; i < kMethodClasses; ++i)
      if (to_string(static_cast<MethodClass>(i)) == name) index = i;
    if (index < 0) throw bad("unknown class '" + std::string(name) + "'");
    double rate = 0, burst = 0;
    try {
      std::size_t used = 0;
      const std::string r(part.substr(eq + 1, slash - eq - 1)), b(part.substr(slash + 1));
      rate = std::stod(r, &used);
      if (used != r.size()) throw std::invalid_argument("");
      burst = std::stod(b, &used);
      if (used != b.size()) throw std::invalid_argument("");
    } catch (const std::exception&) {
      throw bad("RATE and BURST must be numbers");
    }
    if (rate < 0 || burst < 1) throw bad("RATE must be >= 0 and BURST >= 1");
    out[static_cast<std::size_t>(index)] = ClassLimit{rate, burst};
  }
  return out;
}

}  // namespace mtpipe::scale
