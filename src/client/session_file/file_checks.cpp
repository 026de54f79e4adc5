#include "client/session_file/file_checks.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <string_view>

#include "client/session_file/session_file_error.h"
#include "client/session_file/session_store.h"

namespace mtpipe::client::session_file {

void throw_corrupt(const std::filesystem::path& file, const std::string& why) {
  throw SessionFileError(Problem::corrupt, file,
                         file.string() + " is not a usable session file: " + why +
                             " (restore it from a backup, or import or log in again)");
}

void throw_symlink(const std::filesystem::path& file) {
  throw SessionFileError(Problem::not_a_file, file,
                         file.string() + " is a symbolic link; session files are never read or written through a " +
                             "link (it could lead to a file another user controls): put the file itself there");
}

void check_present(const std::filesystem::path& file) {
  struct stat st{};
  if (::lstat(file.c_str(), &st) != 0) {
    if (errno == ENOENT) {
      const auto name = file.stem().string();
      throw SessionFileError(Problem::missing, file,
                             "no session for account " + name + " (log in with `mtpipe login --account " + name +
                                 "`)");
    }
    throw SessionFileError(Problem::io, file, "cannot read " + file.string() + ": " + std::strerror(errno));
  }
  if (S_ISLNK(st.st_mode)) throw_symlink(file);
  if (!S_ISREG(st.st_mode))
    throw SessionFileError(Problem::not_a_file, file, file.string() + " is not a regular file");
}

void check_sqlite_header(const std::filesystem::path& file) {
  static constexpr std::string_view kHeader{"SQLite format 3\0", 16};
  const int fd = ::open(file.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ELOOP) throw_symlink(file);
    throw SessionFileError(Problem::io, file, "cannot open " + file.string() + ": " + std::strerror(errno));
  }
  std::array<char, 16> head{};
  std::size_t got = 0;
  while (got < head.size()) {
    const auto n = ::read(fd, head.data() + got, head.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<std::size_t>(n);
  }
  ::close(fd);
  if (got == 0) throw_corrupt(file, "the file is empty");
  if (got != head.size() || std::string_view(head.data(), head.size()) != kHeader)
    throw_corrupt(file, "not an SQLite database");
}

void check_sessions_dir(const std::filesystem::path& dir) {
  struct stat st{};
  if (::stat(dir.c_str(), &st) != 0) return;
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) == 0) return;
  throw SessionFileError(Problem::unsafe_mode, dir,
                         "the sessions directory " + dir.string() + " has mode " + octal_mode(st.st_mode) +
                             ": other users may replace the session files in it; refusing it. Run `chmod 700 " +
                             dir.string() + "`");
}

}  // namespace mtpipe::client::session_file
