#pragma once

#include <string>
#include <string_view>

namespace mtpipe::obs {

// The one logging facade every layer uses. Lines go to stderr as `LEVEL component: message`; a component's
// debug lines cost one branch when debug is off. Secrets never go in a message (see docs/ARCHITECTURE.md).
enum class Level : int { debug = 0, info = 1, warn = 2, error = 3, off = 4 };

void set_log_level(Level level) noexcept;
Level log_level() noexcept;
inline bool log_enabled(Level level) noexcept { return level >= log_level(); }
// "debug", "info", "warn", "error", "off"; false for anything else.
bool parse_log_level(std::string_view text, Level& out) noexcept;

void log(Level level, std::string_view component, std::string_view message);

}  // namespace mtpipe::obs
