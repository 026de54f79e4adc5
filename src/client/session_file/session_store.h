#pragma once
// One SQLite file per account, <dir>/<name>.session, mode 0600. Loading refuses anything it cannot trust (a
// missing, unsafe, corrupt, foreign or newer file, a symbolic link, a directory others may write to) with a
// SessionFileError that says what to do; saving replaces the whole file atomically. A SessionStore holds no open
// files: each call opens and closes.
//
// Fencing: when several processes may drive an account one after the other (Redis leases), each save carries the
// fencing token of the lease its process holds. Tokens only grow from one holder to the next, so a save with a
// lower token than the one the file records comes from a process that lost the account without knowing it yet:
// it is refused (Problem::fenced) and the file stays as the newer holder wrote it. Reading the recorded token,
// writing and renaming happen under the account's lock (account_lock.h), so two processes saving at once cannot
// both pass the check and let the older one rename last.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

#include "client/session_data.h"
#include "client/session_file/account_lock.h"
#include "client/session_file/session_file_error.h"

namespace mtpipe::client::session_file {

// The fencing token of a lease (scale/redis/lease_store.h).
using FenceToken = std::int64_t;

class SessionStore {
 public:
  // `lock_wait`: how long a save waits for another process holding the account's lock before it fails (see
  // AccountLock::kLockWait for why it is short by default).
  explicit SessionStore(std::filesystem::path dir, std::chrono::milliseconds lock_wait = AccountLock::kLockWait)
      : dir_(std::move(dir)), lock_wait_(lock_wait) {}
  const std::filesystem::path& dir() const noexcept { return dir_; }

  // Bad names throw std::invalid_argument (see account_name.h); file problems throw SessionFileError.
  std::filesystem::path path_of(std::string_view name) const;
  bool exists(std::string_view name) const;
  SessionData load(std::string_view name) const;
  // Replaces the account's file with `session`, recording `fence`. Refused (Problem::fenced, file untouched) when
  // `fence` is lower than the token the file records; equal or higher is written. A save without a token (one
  // process, no leases) is never fenced and keeps the token the file records, so a holder that lost the account
  // is still refused after it.
  void save(std::string_view name, const SessionData& session, std::optional<FenceToken> fence = std::nullopt) const;
  // The token the account's file records: that of the last save with one. Nothing when there is none (no file, a
  // version-1 file, only saves without a token). Refuses the file as load does.
  std::optional<FenceToken> fence(std::string_view name) const;
  // The cheap path for peers met while running: changes the file in place (SQLite's own journal keeps that
  // atomic). A later save() of a SessionData that lacks these peers drops them, so the Client should also keep
  // them in its SessionData. Fenced as save() is (a refused upsert changes nothing); it records no token, since
  // it writes no session state a holder relies on.
  void upsert_peers(std::string_view name, const std::vector<PeerRecord>& peers,
                    std::optional<FenceToken> fence = std::nullopt) const;
  // The names of the <name>.session files in the directory, sorted; other files are ignored.
  std::vector<std::string> account_names() const;

 private:
  std::filesystem::path dir_;
  std::chrono::milliseconds lock_wait_;
};

// Creates the sessions directory (mode 0700) when it is missing. Throws SessionFileError: io, or unsafe_mode
// (with the chmod to run) when it exists and group or others may write to it.
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
