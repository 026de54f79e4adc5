#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace mtpipe::client {

// What an RPC error means for the caller. Telegram's clients classify by the error text, not the code
// (peers.md §7), so this does too.
enum class RpcErrorKind : std::uint8_t {
  other,                  // any documented or undocumented error without special handling
  flood_wait,             // FLOOD_WAIT_X: wait X seconds before this method again
  flood_premium_wait,     // FLOOD_PREMIUM_WAIT_X
  slowmode_wait,          // SLOWMODE_WAIT_X
  flood_test_phone_wait,  // FLOOD_TEST_PHONE_WAIT_X
  phone_migrate,          // PHONE_MIGRATE_X: the phone's home DC is X
  user_migrate,           // USER_MIGRATE_X: the account lives on DC X
  network_migrate,        // NETWORK_MIGRATE_X
  file_migrate,           // FILE_MIGRATE_X: send this request to DC X
  stats_migrate,          // STATS_MIGRATE_X: send this request to DC X
  auth_key_unregistered,  // 401: the key is not logged in
  auth_key_duplicated,    // 406: the key is used from two places at once
  session_revoked,        // 401: logged out elsewhere
  user_deactivated,       // 401
  user_deactivated_ban,   // 401
  channel_private,
  username_not_occupied,
  internal,               // 500-class or a negative code: the server failed, retrying may help
  timeout,                // no answer in time (ours, or the server's -503 "Timeout")
};

std::string_view to_string(RpcErrorKind kind) noexcept;

// An RPC error as a value: the server's code and text, what they mean, and the number some errors carry.
class RpcError : public std::runtime_error {
 public:
  // Classifies an rpc_error exactly as the server sent it.
  static RpcError from_server(std::int32_t code, std::string message);
  // A call that got no answer in time.
  static RpcError timed_out(std::string what);

  RpcErrorKind kind() const noexcept { return kind_; }
  std::int32_t code() const noexcept { return code_; }
  const std::string& message() const noexcept { return message_; }
  // The seconds of a *_WAIT_X error, the DC of a *_MIGRATE_X error.
  std::optional<std::int32_t> value() const noexcept { return value_; }
  // The documented meaning (raw-errors.json) with the number filled in; empty when undocumented.
  std::string description() const;

  bool is_wait() const noexcept;
  bool is_migrate() const noexcept;
  // The account can no longer be used (retire it): unregistered key, revoked session, deactivated user.
  bool is_account_dead() const noexcept;
  bool is_internal() const noexcept { return kind_ == RpcErrorKind::internal || kind_ == RpcErrorKind::timeout; }

  // For a wait error handed back to the caller: the moment the method may be sent again.
  std::optional<std::chrono::steady_clock::time_point> retry_at() const noexcept { return retry_at_; }
  void set_retry_at(std::chrono::steady_clock::time_point when) noexcept { retry_at_ = when; }
  // True when the request was never sent: the account refused it locally because its flood wait still runs.
  bool held_locally() const noexcept { return held_locally_; }
  void set_held_locally() noexcept { held_locally_ = true; }

 private:
  RpcError(RpcErrorKind kind, std::int32_t code, std::string message, std::optional<std::int32_t> value);
  RpcErrorKind kind_;
  std::int32_t code_;
  std::string message_;
  std::optional<std::int32_t> value_;
  std::optional<std::chrono::steady_clock::time_point> retry_at_;
  bool held_locally_ = false;
};

}  // namespace mtpipe::client
