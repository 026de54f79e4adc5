#pragma once
// The sim's method handlers, split by subject; api.cpp unwraps the query and dispatches to them.

#include <span>
#include <string>
#include <string_view>
#include <variant>

#include "sim/api.h"

namespace mtpipe::sim {

ApiAnswer api_error(std::int32_t code, std::string message, std::string_view method);
ApiAnswer api_result(std::vector<std::uint8_t> bytes, std::string_view method, bool gzip = false);

// The account the query's key is logged in as, or the answer to send instead: 401 AUTH_KEY_UNREGISTERED, or
// 303 USER_MIGRATE_X when `home_only` and this DC is not the account's home.
std::variant<AccountProfile, ApiAnswer> logged_in(const ApiContext& ctx, std::string_view method, bool home_only);

// Login and accounts (api_account.cpp). `ctor` tells the layer-144 auth.signIn from layer 223's.
ApiAnswer serve_account(const ApiContext& ctx, std::uint32_t ctor, std::span<const std::uint8_t> query);
bool is_account_method(std::uint32_t ctor);

// Seeded channels: channels.getFullChannel, stats.getBroadcastStats (api_channels.cpp).
ApiAnswer serve_channels(const ApiContext& ctx, std::uint32_t ctor, std::span<const std::uint8_t> query);
bool is_channel_method(std::uint32_t ctor);

}  // namespace mtpipe::sim
