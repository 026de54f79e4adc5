#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace mtpipe::client::session_file {

// Account names become file names, so they are kept to [A-Za-z0-9_.-], 1..64 characters, no leading dot (no
// hidden files, no "..", nothing a shell or a path could misread). Throws std::invalid_argument saying which
// rule the name breaks.
void validate_account_name(std::string_view name);
bool is_valid_account_name(std::string_view name) noexcept;

// <dir>/<name>.session, after validating the name.
std::filesystem::path session_path(const std::filesystem::path& dir, std::string_view name);

inline constexpr std::string_view kSessionExtension = ".session";

}  // namespace mtpipe::client::session_file
