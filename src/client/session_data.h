#pragma once
// What one account keeps between runs (issue 4 point 4): the auth key per DC with its salt and the server-time
// offset, the DC addresses, who the account is, the peers it has met (ids and access hashes, which are per
// account) and its update state. The Client reads and changes it; the session store writes it to disk.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "mtproto/auth_key.h"

namespace mtpipe::client {

// A permanent auth key on one DC, and whether the account is logged in with it (the home DC's key after login,
// another DC's after auth.importAuthorization).
struct DcAuth {
  mtproto::AuthKey key;
  std::int64_t server_salt = 0;
  std::int64_t time_offset_ns = 0;  // server time minus ours, as the last session on this DC measured it
  bool authorized = false;
};

// Where a DC listens (from help.getConfig, or the address a session was imported with).
struct DcAddress {
  std::int32_t dc_id = 0;
  std::string host;
  std::uint16_t port = 0;
  bool media_only = false;
};

enum class PeerKind : std::uint8_t { user = 0, chat = 1, channel = 2 };

// A peer the account has seen: enough to build an InputPeer without resolving it again.
struct PeerRecord {
  std::int64_t id = 0;
  PeerKind kind = PeerKind::user;
  std::int64_t access_hash = 0;
  std::string username;  // lower case; empty when none
};

// updates.getState's answer, kept current by the update handler (core.telegram.org/api/updates).
struct UpdateState {
  std::int32_t pts = 0, qts = 0, date = 0, seq = 0;
};

// The address of DC `dc_id` (not a media-only one) in `addresses`, or null.
inline const DcAddress* find_address(const std::vector<DcAddress>& addresses, std::int32_t dc_id) noexcept {
  for (const auto& a : addresses)
    if (a.dc_id == dc_id && !a.media_only) return &a;
  return nullptr;
}

struct SessionData {
  std::int32_t home_dc = 0;
  std::map<std::int32_t, DcAuth> dcs;
  std::vector<DcAddress> addresses;
  std::optional<std::int64_t> user_id;  // set once logged in
  bool bot = false;
  std::map<std::int64_t, PeerRecord> peers;  // by peer id
  std::optional<UpdateState> update_state;
  std::map<std::int64_t, std::int32_t> channel_pts;  // by channel id

  bool logged_in() const noexcept { return user_id.has_value(); }
  const DcAddress* address(std::int32_t dc_id) const noexcept { return find_address(addresses, dc_id); }
};

}  // namespace mtpipe::client
