#include "client/session_file/atomic_replace.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>

#include "client/session_file/session_file_error.h"

namespace mtpipe::client::session_file {
namespace {

[[noreturn]] void fail(const std::filesystem::path& path, const std::string& what, int err) {
  throw SessionFileError(Problem::io, path, what + " " + path.string() + ": " + std::strerror(err));
}

// Closes the descriptor on every path out, so an exception cannot leak it.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

void fsync_dir(const std::filesystem::path& dir) {
  Fd d{::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
  if (d.fd < 0) fail(dir, "cannot open directory", errno);
  if (::fsync(d.fd) != 0) fail(dir, "cannot fsync directory", errno);
}

std::filesystem::path temp_name(const std::filesystem::path& target) {
  std::random_device rd;
  const auto tag = std::to_string(::getpid()) + "-" + std::to_string(rd());
  return target.parent_path() / ("." + target.filename().string() + ".tmp-" + tag);
}

}  // namespace

void atomic_replace(const std::filesystem::path& target,
                    const std::function<void(const std::filesystem::path&)>& fill) {
  const auto dir = target.parent_path().empty() ? std::filesystem::path(".") : target.parent_path();
  const auto temp = temp_name(target);
  // Held open until SQLite (or whoever `fill` uses) has closed the file: closing another descriptor of the file
  // would drop the POSIX locks SQLite holds on it.
  Fd file{::open(temp.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, S_IRUSR | S_IWUSR)};
  if (file.fd < 0) fail(temp, "cannot create", errno);
  try {
    // The umask may have taken bits away (even the owner's write bit); it never adds any, so this only restores.
    if (::fchmod(file.fd, S_IRUSR | S_IWUSR) != 0) fail(temp, "cannot chmod", errno);
    fill(temp);
    if (::fsync(file.fd) != 0) fail(temp, "cannot fsync", errno);
    if (::rename(temp.c_str(), target.c_str()) != 0) fail(target, "cannot rename a new file over", errno);
  } catch (...) {
    ::unlink(temp.c_str());
    throw;
  }
  fsync_dir(dir);
}

}  // namespace mtpipe::client::session_file
