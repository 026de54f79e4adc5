#pragma once
// One account's writers take turns: an exclusive flock(2) on <dir>/.<name>.lock, held for the object's life. A save
// reads the fencing token its file records, writes the new file and renames it over the old one under it, so no
// other process (nor another SessionStore in this one) can rename its own file in between. Internal to the store.
//
// The lock file is created mode 0600 and never through a symbolic link. It is never removed: a process waiting
// on the old file's lock while another removed and re-created it would lock a file nobody else locks.

#include <chrono>
#include <filesystem>
#include <string_view>

namespace mtpipe::client::session_file {

class AccountLock {
 public:
  // How long a save waits by default for another holder of the lock: longer than a save of a usual session takes,
  // shorter than the replica lease's margin (a tenth of the TTL, at least 100 ms) that the waiting event loop must
  // keep.
  static constexpr std::chrono::milliseconds kLockWait{50};

  // Waits up to `wait` for the lock. Throws SessionFileError (io when another process holds it longer, or
  // not_a_file for a link) naming the lock file.
  AccountLock(const std::filesystem::path& dir, std::string_view name, std::chrono::milliseconds wait);
  ~AccountLock();
  AccountLock(const AccountLock&) = delete;
  AccountLock& operator=(const AccountLock&) = delete;

  static std::filesystem::path path_of(const std::filesystem::path& dir, std::string_view name);

 private:
  int fd_ = -1;
};

}  // namespace mtpipe::client::session_file
