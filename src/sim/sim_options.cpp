#include "sim/sim_options.h"

#include "sim/accounts.h"

#include <algorithm>
#include <charconv>
#include <limits>
#include <stdexcept>

#include "tl/hex.h"

namespace mtpipe::sim {
namespace {

struct SessionFaultName {
  const char* name;
  mtproto::session::SessionFault fault;
};
constexpr SessionFaultName kSessionFaults[] = {
    {"bad-msg-key", mtproto::session::SessionFault::bad_msg_key},
    {"wrong-session-id", mtproto::session::SessionFault::wrong_session_id},
    {"old-msg-id", mtproto::session::SessionFault::old_msg_id},
    {"replay-msg-id", mtproto::session::SessionFault::replay_msg_id},
    {"foreign-auth-key-id", mtproto::session::SessionFault::foreign_auth_key_id},
};

// Flags are spelled with dashes; the handshake's fault names use underscores.
std::string with(std::string_view name, char from, char to) {
  std::string s(name);
  std::replace(s.begin(), s.end(), from, to);
  return s;
}

// The whole of `text` as an integer in [lo, hi]; else std::invalid_argument(complaint).
std::int32_t integer_in(std::string_view text, std::int32_t lo, std::int32_t hi, const std::string& complaint) {
  std::int32_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || end != text.data() + text.size() || v < lo || v > hi) throw std::invalid_argument(complaint);
  return v;
}

std::int32_t positive(std::string_view text, std::string_view what) {
  return integer_in(text, 1, std::numeric_limits<std::int32_t>::max(),
                    std::string(what) + " must be a positive integer, got '" + std::string(text) + "'");
}

}  // namespace

FloodRule parse_flood_rule(std::string_view text) {
  const auto eq = text.find('=');
  const auto slash = text.find('/', eq == std::string_view::npos ? 0 : eq);
  if (eq == std::string_view::npos || eq == 0 || slash == std::string_view::npos)
    throw std::invalid_argument("flood limit: expected METHOD=COUNT/SECONDS, got '" + std::string(text) + "'");
  return FloodRule{std::string(text.substr(0, eq)), positive(text.substr(eq + 1, slash - eq - 1), "flood limit COUNT"),
                   positive(text.substr(slash + 1), "flood limit SECONDS")};
}

Latency parse_latency(std::string_view text) {
  constexpr std::int32_t kMaxMs = 600'000;
  const std::string complaint = "latency: expected MS or MIN-MAX in milliseconds (0.." + std::to_string(kMaxMs) +
                                "), got '" + std::string(text) + "'";
  const auto bound = [&](std::string_view part) { return integer_in(part, 0, kMaxMs, complaint); };
  const auto dash = text.find('-');
  if (dash == std::string_view::npos) {
    const auto ms = bound(text);
    return Latency{ms, ms};
  }
  const Latency range{bound(text.substr(0, dash)), bound(text.substr(dash + 1))};
  if (range.min_ms > range.max_ms)
    throw std::invalid_argument("latency: MIN is above MAX in '" + std::string(text) + "'");
  return range;
}

mtproto::transport::MtproxySecret parse_mtproxy_secret(std::string_view hex) {
  const auto raw = tl::from_hex(hex);
  if (!raw) throw std::invalid_argument("MTProxy secret: not hexadecimal");
  return mtproto::transport::MtproxySecret::from_bytes(*raw);
}

void add_two_fa(std::map<std::string, std::string>& passwords, std::string_view phone_colon_password) {
  const auto colon = phone_colon_password.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == phone_colon_password.size())
    throw std::invalid_argument("2FA: expected PHONE:PASSWORD");
  // Kept by digits, as the world looks numbers up ("+999 66 1 0001" and "9996610001" are one account).
  passwords[phone_digits(phone_colon_password.substr(0, colon))] = std::string(phone_colon_password.substr(colon + 1));
}

bool add_fault(SimFaults& faults, std::string_view name) {
  if (name == "transport-error-404") {
    faults.transport_error_404 = true;
    return true;
  }
  for (const auto& f : kSessionFaults) {
    if (name == f.name) {
      faults.session |= mtproto::session::fault_bit(f.fault);
      return true;
    }
  }
  if (const auto f = mtproto::handshake::fault_from_string(with(name, '-', '_'))) {
    faults.handshake.set(*f);
    return true;
  }
  return false;
}

std::vector<std::string> fault_names() {
  std::vector<std::string> names;
  for (const auto f : mtproto::handshake::kAllFaults) names.push_back(with(mtproto::handshake::to_string(f), '_', '-'));
  for (const auto& f : kSessionFaults) names.emplace_back(f.name);
  names.emplace_back("transport-error-404");
  return names;
}

}  // namespace mtpipe::sim
