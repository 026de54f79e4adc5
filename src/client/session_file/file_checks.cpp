#include "client/session_file/file_checks.h"

#include <sys/stat.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <string_view>

#include "client/session_file/session_file_error.h"

namespace mtpipe::client::session_file {

void throw_corrupt(const std::filesystem::path& file, const std::string& why) {
  throw SessionFileError(Problem::corrupt, file,
                         file.string() + " is not a usable session file: " + why +
                             " (restore it from a backup, or import or log in again)");
}

void check_present(const std::filesystem::path& file) {
  struct stat st{};
  if (::stat(file.c_str(), &st) != 0) {
    if (errno == ENOENT) {
      const auto name = file.stem().string();
      throw SessionFileError(Problem::missing, file,
                             "no session for account " + name + " (log in with `mtpipe login --account " + name +
                                 "`)");
    }
    throw SessionFileError(Problem::io, file, "cannot read " + file.string() + ": " + std::strerror(errno));
  }
  if (!S_ISREG(st.st_mode))
    throw SessionFileError(Problem::not_a_file, file, file.string() + " is not a regular file");
}

void check_sqlite_header(const std::filesystem::path& file) {
  static constexpr std::string_view kHeader{"SQLite format 3\0", 16};
  std::array<char, 16> head{};
  std::ifstream in(file, std::ios::binary);
  if (!in) throw SessionFileError(Problem::io, file, "cannot open " + file.string() + ": " + std::strerror(errno));
  in.read(head.data(), head.size());
  if (in.gcount() == 0) throw_corrupt(file, "the file is empty");
  if (in.gcount() != static_cast<std::streamsize>(head.size()) || std::string_view(head.data(), head.size()) != kHeader)
    throw_corrupt(file, "not an SQLite database");
}

}  // namespace mtpipe::client::session_file
