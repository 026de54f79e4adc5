#include "client/session_file/account_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>
#include <thread>

#include "client/session_file/file_checks.h"
#include "client/session_file/session_file_error.h"

namespace mtpipe::client::session_file {

std::filesystem::path AccountLock::path_of(const std::filesystem::path& dir, std::string_view name) {
  return dir / ("." + std::string(name) + ".lock");
}

AccountLock::AccountLock(const std::filesystem::path& dir, std::string_view name, std::chrono::milliseconds wait) {
  const auto file = path_of(dir, name);
  const auto fail = [&](const std::string& what) {
    const int err = errno;
    if (fd_ >= 0) ::close(fd_);
    if (err == ELOOP) throw_symlink(file);
    throw SessionFileError(Problem::io, file, what + " " + file.string() + ": " + std::strerror(err));
  };
  fd_ = ::open(file.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, S_IRUSR | S_IWUSR);
  if (fd_ < 0) fail("cannot open the lock file");
  // Bounded: a save runs on the account's event loop, which must not hang behind a process that froze (SIGSTOP, a
  // paused VM) while holding the lock; a save that waited too long fails like any other failed write.
  const auto give_up = std::chrono::steady_clock::now() + wait;
  for (;;) {
    if (::flock(fd_, LOCK_EX | LOCK_NB) == 0) return;
    if (errno == EINTR) continue;
    if (errno != EWOULDBLOCK || std::chrono::steady_clock::now() >= give_up) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  if (errno == EWOULDBLOCK) errno = ETIMEDOUT;
  fail("cannot lock (another process holds the lock)");
}

AccountLock::~AccountLock() { ::close(fd_); }  // closing the last descriptor of the open file releases the lock

}  // namespace mtpipe::client::session_file
