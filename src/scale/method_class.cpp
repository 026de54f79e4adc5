#include "scale/method_class.h"

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

}  // namespace mtpipe::scale
