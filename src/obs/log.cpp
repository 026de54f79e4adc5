#include "obs/log.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>

namespace mtpipe::obs {
namespace {

std::atomic<Level> g_level{Level::info};
std::mutex g_write;

const char* name(Level level) noexcept {
  switch (level) {
    case Level::debug: return "DEBUG";
    case Level::info: return "INFO";
    case Level::warn: return "WARN";
    case Level::error: return "ERROR";
    case Level::off: return "OFF";
  }
  return "?";
}

}  // namespace

void set_log_level(Level level) noexcept { g_level.store(level); }
Level log_level() noexcept { return g_level.load(); }

bool parse_log_level(std::string_view text, Level& out) noexcept {
  for (const Level l : {Level::debug, Level::info, Level::warn, Level::error, Level::off}) {
    std::string_view n = name(l);
    if (text.size() != n.size()) continue;
    bool same = true;
    for (std::size_t i = 0; i < n.size(); ++i) same = same && (text[i] | 0x20) == (n[i] | 0x20);
    if (same) {
      out = l;
      return true;
    }
  }
  return false;
}

void log(Level level, std::string_view component, std::string_view message) {
  if (!log_enabled(level)) return;
  const auto now = std::chrono::system_clock::now();
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
  const std::lock_guard lock(g_write);
  std::fprintf(stderr, "%s.%03dZ %s %.*s: %.*s\n", stamp, static_cast<int>(ms), name(level),
               static_cast<int>(component.size()), component.data(), static_cast<int>(message.size()), message.data());
}

}  // namespace mtpipe::obs
