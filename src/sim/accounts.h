#pragma once
// Who exists in the sim's world, derived from a phone number or a bot token alone (docs/SIM.md, "Accounts"), so
// tests, the account client and the peers can predict every id and name without asking.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sim/cluster.h"

namespace mtpipe::sim {

struct AccountProfile {
  std::int64_t user_id = 0;
  std::int64_t access_hash = 0;
  std::int32_t home_dc = 0;
  bool bot = false;
  std::string phone;  // digits only; empty for bots
  std::string first_name, last_name, username;
};

// Digits of a phone number as clients send it ("+999 66 2 1234" -> "9996621234").
std::string phone_digits(std::string_view phone);

// Numbers 99966XYYYY are registered accounts homed on DC X (the cluster's first DC when X is not one of its
// DCs); the login code is X five times. Nothing for any other number.
std::optional<AccountProfile> phone_account(std::string_view phone, const Cluster& cluster);
std::string login_code(const AccountProfile& account);

// A bot token "<bot_id>:<10 or more characters>" with a positive numeric id; homed on the first DC.
std::optional<AccountProfile> bot_account(std::string_view token, const Cluster& cluster);

// The 2FA rule besides --two-fa: a number whose last digit is 9 has password "sim-password-<last 4 digits>".
std::optional<std::string> default_two_fa_password(std::string_view phone_digits);

}  // namespace mtpipe::sim
