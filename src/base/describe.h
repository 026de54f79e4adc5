#pragma once
// What an exception says, for a log line: every layer logs failures it caught as an exception_ptr.

#include <exception>
#include <string>

namespace mtpipe {

inline std::string describe(const std::exception_ptr& error) {
  try {
    if (error) std::rethrow_exception(error);
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "an exception that is not a std::exception";
  }
  return "no error";
}

}  // namespace mtpipe
