#pragma once
// One SQLite file per account, <dir>/<name>.session, mode 0600. Loading refuses anything it cannot trust (a
// missing, unsafe, corrupt, foreign or newer file) with a SessionFileError that says what to do; saving
// replaces the whole file atomically. A SessionStore holds no open files: each call opens and closes.

#include <filesystem>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

#include "client/session_data.h"
#include "client/session_file/session_file_error.h"

namespace mtpipe::client::session_file {

class SessionStore {
 public:
  explicit SessionStore(std::filesystem::path dir) : dir_(std::move(dir)) {}
  const std::filesystem::path& dir() const noexcept { return dir_; }

  // Bad names throw std::invalid_argument (see account_name.h); file problems throw SessionFileError.
  std::filesystem::path path_of(std::string_view name) const;
  bool exists(std::string_view name) const;
  SessionData load(std::string_view name) const;
  void save(std::string_view name, const SessionData& session) const;
  // The cheap path for peers met while running: changes the file in place (SQLite's own journal keeps that
  // atomic). A later save() of a SessionData that lacks these peers drops them, so the Client should also keep
  // them in its SessionData.
  void upsert_peers(std::string_view name, const std::vector<PeerRecord>& peers) const;
  // The names of the <name>.session files in the directory, sorted; other files are ignored.
  std::vector<std::string> account_names() const;

 private:
  std::filesystem::path dir_;
};

// Creates the sessions directory (mode 0700) when it is missing. Throws SessionFileError (Problem::io).
void ensure_sessions_dir(const std::filesystem::path& dir);

// The permission bits of a session file, and whether only its owner may use it (no group or other bits).
mode_t file_permissions(const std::filesystem::path& file);
inline bool permissions_safe(mode_t mode) noexcept { return (mode & 077) == 0; }
// "0600": a mode as messages and `mtpipe sessions list` show it.
std::string octal_mode(mode_t mode);

// Reads an mtpipe session file without the permission check (list and check report the mode on their own).
SessionData read_session_file(const std::filesystem::path& file);

// SQLite's own integrity check of a readable session file: empty when fine, else what it found.
std::vector<std::string> integrity_problems(const std::filesystem::path& file);

}  // namespace mtpipe::client::session_file
