#include "sim/accounts.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace mtpipe::sim {
namespace {

constexpr std::string_view kTestPrefix = "99966";
constexpr std::int64_t kUserIdBase = 1'000'000'000;

// Access hashes only need to be stable and look random; a multiplicative hash of the id is both.
std::int64_t access_hash_of(std::int64_t id) {
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(id) * 0x9E3779B97F4A7C15ull);
}

bool has_dc(const Cluster& cluster, std::int32_t id) {
  return std::any_of(cluster.dcs.begin(), cluster.dcs.end(), [id](const DcAddress& dc) { return dc.id == id; });
}

std::int32_t first_dc(const Cluster& cluster) { return cluster.dcs.empty() ? 1 : cluster.dcs.front().id; }

}  // namespace

std::string phone_digits(std::string_view phone) {
  std::string digits;
  for (const char c : phone)
    if (std::isdigit(static_cast<unsigned char>(c))) digits.push_back(c);
  return digits;
}

std::optional<AccountProfile> phone_account(std::string_view phone, const Cluster& cluster) {
  const std::string digits = phone_digits(phone);
  if (digits.size() != 10 || !digits.starts_with(kTestPrefix)) return std::nullopt;
  const std::string tail = digits.substr(kTestPrefix.size());  // XYYYY
  AccountProfile a;
  a.user_id = kUserIdBase + std::stoll(tail);
  a.access_hash = access_hash_of(a.user_id);
  const std::int32_t x = tail[0] - '0';
  a.home_dc = has_dc(cluster, x) ? x : first_dc(cluster);
  a.phone = digits;
  a.first_name = "Sim";
  a.last_name = "User " + tail;
  a.username = "sim_user_" + tail;
  return a;
}

std::string login_code(const AccountProfile& account) {
  return std::string(5, account.phone.size() > kTestPrefix.size() ? account.phone[kTestPrefix.size()] : '1');
}

std::optional<AccountProfile> bot_account(std::string_view token, const Cluster& cluster) {
  const auto colon = token.find(':');
  if (colon == std::string_view::npos || token.size() - colon - 1 < 10) return std::nullopt;
  std::int64_t id = 0;
  const auto [end, ec] = std::from_chars(token.data(), token.data() + colon, id);
  if (ec != std::errc{} || end != token.data() + colon || id <= 0) return std::nullopt;
  AccountProfile a;
  a.user_id = id;
  a.access_hash = access_hash_of(id);
  a.home_dc = first_dc(cluster);
  a.bot = true;
  a.first_name = "Sim Bot " + std::to_string(id);
  a.username = "sim" + std::to_string(id) + "_bot";
  return a;
}

std::optional<std::string> default_two_fa_password(std::string_view digits) {
  if (digits.size() < 4 || digits.back() != '9') return std::nullopt;
  return "sim-password-" + std::string(digits.substr(digits.size() - 4));
}

}  // namespace mtpipe::sim
