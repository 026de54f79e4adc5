#include "client/session_file/account_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "client/session_file/file_checks.h"
#include "client/session_file/session_file_error.h"

namespace mtpipe::client::session_file {

std::filesystem::path AccountLock::path_of(const std::filesystem::path& dir, std::string_view name) {
  return dir / ("." + std::string(name) + ".lock");
}

AccountLock::AccountLock(const std::filesystem::path& dir, std::string_view name) {
  const auto file = path_of(dir, name);
  const auto fail = [&](const std::string& what) {
    const int err = errno;
    if (fd_ >= 0) ::close(fd_);
    if (err == ELOOP) throw_symlink(file);
    throw SessionFileError(Problem::io, file, what + " " + file.string() + ": " + std::strerror(err));
  };
  fd_ = ::open(file.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, S_IRUSR | S_IWUSR);
  if (fd_ < 0) fail("cannot open the lock file");
  int locked = 0;
  do {
    locked = ::flock(fd_, LOCK_EX);
  } while (locked != 0 && errno == EINTR);
  if (locked != 0) fail("cannot lock");
}

AccountLock::~AccountLock() { ::close(fd_); }  // closing the last descriptor of the open file releases the lock

}  // namespace mtpipe::client::session_file
