#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace mtpipe::mtproto {

// Why a call did not produce a result. An RPC error carries the server's code and text exactly as sent
// (the account layer turns the text into typed errors: FLOOD_WAIT_X, *_MIGRATE_X, ...).
class CallError : public std::runtime_error {
 public:
  enum class Kind : std::uint8_t {
    rpc_error,        // the server answered rpc_error
    timeout,          // no answer within the call's timeout
    connection_lost,  // the connection closed (or was closed) before the answer came
    refused,          // we refused the server's bytes (a failed security check) and closed the connection
  };
  CallError(Kind kind, std::string what, std::int32_t rpc_code = 0, std::string rpc_message = {})
      : std::runtime_error(std::move(what)), kind_(kind), rpc_code_(rpc_code), rpc_message_(std::move(rpc_message)) {}
  static CallError rpc(std::int32_t code, const std::string& message) {
    return CallError(Kind::rpc_error, "rpc_error " + std::to_string(code) + " " + message, code, message);
  }
  Kind kind() const noexcept { return kind_; }
  std::int32_t rpc_code() const noexcept { return rpc_code_; }
  const std::string& rpc_message() const noexcept { return rpc_message_; }

 private:
  Kind kind_;
  std::int32_t rpc_code_;
  std::string rpc_message_;
};

}  // namespace mtpipe::mtproto
