#include "client/session_file/session_file_error.h"

namespace mtpipe::client::session_file {

const char* problem_name(Problem problem) noexcept {
  switch (problem) {
    case Problem::missing: return "missing";
    case Problem::unsafe_mode: return "unsafe_mode";
    case Problem::not_a_file: return "not_a_file";
    case Problem::corrupt: return "corrupt";
    case Problem::telethon: return "telethon";
    case Problem::foreign: return "foreign";
    case Problem::newer_version: return "newer_version";
    case Problem::io: return "io";
    case Problem::fenced: return "fenced";
  }
  return "unknown";
}

}  // namespace mtpipe::client::session_file
