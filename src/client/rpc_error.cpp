#include "client/rpc_error.h"

#include <algorithm>
#include <charconv>

#include "client/rpc_error_table.h"

namespace mtpipe::client {
namespace {

struct Prefixed {
  std::string_view prefix;
  RpcErrorKind kind;
};
// Errors whose text ends in a number: a wait in seconds or a DC id.
constexpr Prefixed kNumbered[] = {
    {"FLOOD_WAIT_", RpcErrorKind::flood_wait},
    {"FLOOD_PREMIUM_WAIT_", RpcErrorKind::flood_premium_wait},
    {"SLOWMODE_WAIT_", RpcErrorKind::slowmode_wait},
    {"FLOOD_TEST_PHONE_WAIT_", RpcErrorKind::flood_test_phone_wait},
    {"PHONE_MIGRATE_", RpcErrorKind::phone_migrate},
    {"USER_MIGRATE_", RpcErrorKind::user_migrate},
    {"NETWORK_MIGRATE_", RpcErrorKind::network_migrate},
    {"FILE_MIGRATE_", RpcErrorKind::file_migrate},
    {"STATS_MIGRATE_", RpcErrorKind::stats_migrate},
};

struct Exact {
  std::string_view text;
  RpcErrorKind kind;
};
constexpr Exact kExact[] = {
    {"AUTH_KEY_UNREGISTERED", RpcErrorKind::auth_key_unregistered},
    {"AUTH_KEY_DUPLICATED", RpcErrorKind::auth_key_duplicated},
    {"SESSION_REVOKED", RpcErrorKind::session_revoked},
    {"USER_DEACTIVATED", RpcErrorKind::user_deactivated},
    {"USER_DEACTIVATED_BAN", RpcErrorKind::user_deactivated_ban},
    {"CHANNEL_PRIVATE", RpcErrorKind::channel_private},
    {"USERNAME_NOT_OCCUPIED", RpcErrorKind::username_not_occupied},
    // Retried by every client library: the server failed to answer, not the request.
    {"RPC_CALL_FAIL", RpcErrorKind::internal},
    {"RPC_MCGET_FAIL", RpcErrorKind::internal},
    {"INTERDC_CALL_ERROR", RpcErrorKind::internal},
    {"INTERDC_CALL_RICH_ERROR", RpcErrorKind::internal},
    {"TIMEOUT", RpcErrorKind::timeout},
    {"Timeout", RpcErrorKind::timeout},
};

std::optional<std::int32_t> trailing_number(std::string_view text, std::string_view prefix) {
  if (text.size() <= prefix.size() || text.substr(0, prefix.size()) != prefix) return std::nullopt;
  const std::string_view digits = text.substr(prefix.size());
  std::int32_t value = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec != std::errc() || end != digits.data() + digits.size() || value < 0) return std::nullopt;
  return value;
}

const detail::KnownError* find_known(std::string_view name) {
  const auto* begin = detail::kKnownErrors;
  const auto* end = detail::kKnownErrors + detail::kKnownErrorCount;
  const auto* it = std::lower_bound(begin, end, name, [](const detail::KnownError& e, std::string_view n) { return e.name < n; });
  return it != end && it->name == name ? it : nullptr;
}

}  // namespace

std::string_view to_string(RpcErrorKind kind) noexcept {
  switch (kind) {
    case RpcErrorKind::other: return "other";
    case RpcErrorKind::flood_wait: return "flood_wait";
    case RpcErrorKind::flood_premium_wait: return "flood_premium_wait";
    case RpcErrorKind::slowmode_wait: return "slowmode_wait";
    case RpcErrorKind::flood_test_phone_wait: return "flood_test_phone_wait";
    case RpcErrorKind::phone_migrate: return "phone_migrate";
    case RpcErrorKind::user_migrate: return "user_migrate";
    case RpcErrorKind::network_migrate: return "network_migrate";
    case RpcErrorKind::file_migrate: return "file_migrate";
    case RpcErrorKind::stats_migrate: return "stats_migrate";
    case RpcErrorKind::auth_key_unregistered: return "auth_key_unregistered";
    case RpcErrorKind::auth_key_duplicated: return "auth_key_duplicated";
    case RpcErrorKind::session_revoked: return "session_revoked";
    case RpcErrorKind::user_deactivated: return "user_deactivated";
    case RpcErrorKind::user_deactivated_ban: return "user_deactivated_ban";
    case RpcErrorKind::channel_private: return "channel_private";
    case RpcErrorKind::username_not_occupied: return "username_not_occupied";
    case RpcErrorKind::internal: return "internal";
    case RpcErrorKind::timeout: return "timeout";
  }
  return "other";
}

RpcError::RpcError(RpcErrorKind kind, std::int32_t code, std::string message, std::optional<std::int32_t> value)
    : std::runtime_error(std::to_string(code) + " " + message), kind_(kind), code_(code), message_(std::move(message)),
      value_(value) {}

RpcError RpcError::from_server(std::int32_t code, std::string message) {
  for (const auto& p : kNumbered)
    if (const auto v = trailing_number(message, p.prefix)) return RpcError(p.kind, code, std::move(message), v);
  for (const auto& e : kExact)
    if (message == e.text) return RpcError(e.kind, code, std::move(message), std::nullopt);
  // A 500-class code, or a negative one (-500, -503), is the server's failure whatever the text says.
  const RpcErrorKind kind = code >= 500 || code < 0 ? RpcErrorKind::internal : RpcErrorKind::other;
  return RpcError(kind, code, std::move(message), std::nullopt);
}

RpcError RpcError::timed_out(std::string what) { return RpcError(RpcErrorKind::timeout, -503, std::move(what), std::nullopt); }

std::string RpcError::description() const {
  if (const auto* e = find_known(message_)) return std::string(e->description);
  // "FLOOD_WAIT_30" is documented as "FLOOD_WAIT_%d": look up the pattern and put the number back.
  const auto cut = message_.find_last_not_of("0123456789");
  if (cut == std::string::npos || cut + 1 == message_.size()) return {};
  const auto* e = find_known(message_.substr(0, cut + 1) + "%d");
  if (e == nullptr) return {};
  std::string text(e->description);
  const auto at = text.find("%d");
  if (at != std::string::npos) text.replace(at, 2, message_.substr(cut + 1));
  return text;
}

bool RpcError::is_wait() const noexcept {
  return kind_ == RpcErrorKind::flood_wait || kind_ == RpcErrorKind::flood_premium_wait ||
         kind_ == RpcErrorKind::slowmode_wait || kind_ == RpcErrorKind::flood_test_phone_wait;
}

bool RpcError::is_migrate() const noexcept {
  return kind_ == RpcErrorKind::phone_migrate || kind_ == RpcErrorKind::user_migrate ||
         kind_ == RpcErrorKind::network_migrate || kind_ == RpcErrorKind::file_migrate ||
         kind_ == RpcErrorKind::stats_migrate;
}

bool RpcError::is_account_dead() const noexcept {
  return kind_ == RpcErrorKind::auth_key_unregistered || kind_ == RpcErrorKind::session_revoked ||
         kind_ == RpcErrorKind::user_deactivated || kind_ == RpcErrorKind::user_deactivated_ban;
}

}  // namespace mtpipe::client
