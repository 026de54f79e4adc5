#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>

namespace mtpipe::client::session_file {

// Why a session file cannot be used. `mtpipe sessions check` and `list` report the kind; the login path tells
// "missing" (log in) apart from everything else (never log in again over a file that is merely unreadable).
enum class Problem {
  missing,        // no file for the account
  unsafe_mode,    // group or other may read or write it, or write to its directory
  not_a_file,     // a directory, a socket, a symbolic link, ...
  corrupt,        // not SQLite, truncated, malformed, or values that cannot be right
  telethon,       // a Telethon session: import it
  foreign,        // some other SQLite file
  newer_version,  // written by a newer mtpipe
  io,             // the file system refused (permissions, full disk, ...)
  fenced,         // a save with a lower fencing token than the file's: a newer holder drives the account
};

const char* problem_name(Problem problem) noexcept;

// The message names the file and says what to do; it never contains key bytes.
class SessionFileError : public std::runtime_error {
 public:
  SessionFileError(Problem problem, std::filesystem::path path, const std::string& message)
      : std::runtime_error(message), problem_(problem), path_(std::move(path)) {}
  Problem problem() const noexcept { return problem_; }
  const std::filesystem::path& path() const noexcept { return path_; }

 private:
  Problem problem_;
  std::filesystem::path path_;
};

}  // namespace mtpipe::client::session_file
