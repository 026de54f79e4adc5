#include "client/session_file/account_name.h"

#include <algorithm>
#include <stdexcept>

namespace mtpipe::client::session_file {
namespace {

constexpr std::size_t kMaxNameLength = 64;

bool allowed(char c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
         c == '-';
}

// Why the name is refused, or nullptr when it is fine.
const char* name_problem(std::string_view name) noexcept {
  if (name.empty()) return "is empty";
  if (name.size() > kMaxNameLength) return "is longer than 64 characters";
  if (name.front() == '.') return "starts with a dot";
  if (!std::all_of(name.begin(), name.end(), allowed)) return "has a character outside A-Z a-z 0-9 _ . -";
  return nullptr;
}

}  // namespace

bool is_valid_account_name(std::string_view name) noexcept { return name_problem(name) == nullptr; }

void validate_account_name(std::string_view name) {
  if (const char* problem = name_problem(name)) {
    // The name is the user's own input: shown only when short and printable, so a message cannot be cut at a NUL
    // or carry terminal control codes.
    const bool printable = std::all_of(name.begin(), name.end(), [](char c) { return c >= 0x20 && c < 0x7f; });
    const std::string shown = printable && name.size() <= kMaxNameLength ? "'" + std::string(name) + "'" : "the name";
    throw std::invalid_argument("bad account name " + shown + ": it " + problem +
                                " (allowed: 1 to 64 of A-Z a-z 0-9 _ . -, not starting with a dot)");
  }
}

std::filesystem::path session_path(const std::filesystem::path& dir, std::string_view name) {
  validate_account_name(name);
  return dir / (std::string(name) + std::string(kSessionExtension));
}

}  // namespace mtpipe::client::session_file
