#pragma once
// What the session-file tests share: a private scratch directory, a session with every field set, and a
// field-by-field comparison (SessionData has no operator==).

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

#include "client/session_data.h"

namespace mtpipe::client::session_file::testing {

class ScratchDir {
 public:
  ScratchDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "mtpipe-session-test-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::permissions(path_, std::filesystem::perms::owner_all, ec);
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline mtproto::AuthKey patterned_key(int seed) {
  mtproto::AuthKey key;
  for (std::size_t i = 0; i < key.bytes.size(); ++i) key.bytes[i] = static_cast<std::uint8_t>(i * 7 + seed);
  return key;
}

// Every field set, with values at the edges of their types.
inline SessionData full_session() {
  SessionData s;
  s.home_dc = 2;
  s.dcs[2] = DcAuth{patterned_key(3), -0x123456789abcdef0, -1'500'000'000, true};
  s.dcs[4] = DcAuth{patterned_key(0), 0x7fffffffffffffff, 42, false};
  s.addresses = {{2, "149.154.167.51", 443, false}, {4, "2001:db8::4", 80, false}, {2, "10.0.0.2", 8443, true}};
  s.user_id = 0x7fffffff12;
  s.bot = true;
  s.peers[777000] = PeerRecord{777000, PeerKind::user, -1, "telegram"};
  s.peers[4242] = PeerRecord{4242, PeerKind::chat, 0, ""};
  s.peers[1234567890] = PeerRecord{1234567890, PeerKind::channel, std::int64_t{-0x7fffffffffffffff} - 1, "chan"};
  s.update_state = UpdateState{100, 7, 1700000000, -3};
  s.channel_pts[1234567890] = 555;
  s.channel_pts[1] = 0x7fffffff;
  return s;
}

inline void expect_same(const SessionData& a, const SessionData& b) {
  EXPECT_EQ(a.home_dc, b.home_dc);
  ASSERT_EQ(a.dcs.size(), b.dcs.size());
  for (const auto& [dc, auth] : a.dcs) {
    ASSERT_TRUE(b.dcs.count(dc)) << "DC " << dc;
    const auto& other = b.dcs.at(dc);
    EXPECT_EQ(auth.key.bytes, other.key.bytes) << "DC " << dc;
    EXPECT_EQ(auth.server_salt, other.server_salt);
    EXPECT_EQ(auth.time_offset_ns, other.time_offset_ns);
    EXPECT_EQ(auth.authorized, other.authorized);
  }
  ASSERT_EQ(a.addresses.size(), b.addresses.size());
  for (std::size_t i = 0; i < a.addresses.size(); ++i) {
    EXPECT_EQ(a.addresses[i].dc_id, b.addresses[i].dc_id);
    EXPECT_EQ(a.addresses[i].host, b.addresses[i].host);
    EXPECT_EQ(a.addresses[i].port, b.addresses[i].port);
    EXPECT_EQ(a.addresses[i].media_only, b.addresses[i].media_only);
  }
  EXPECT_EQ(a.user_id, b.user_id);
  EXPECT_EQ(a.bot, b.bot);
  ASSERT_EQ(a.peers.size(), b.peers.size());
  for (const auto& [id, p] : a.peers) {
    ASSERT_TRUE(b.peers.count(id)) << "peer " << id;
    const auto& q = b.peers.at(id);
    EXPECT_EQ(p.id, q.id);
    EXPECT_EQ(p.kind, q.kind);
    EXPECT_EQ(p.access_hash, q.access_hash);
    EXPECT_EQ(p.username, q.username);
  }
  ASSERT_EQ(a.update_state.has_value(), b.update_state.has_value());
  if (a.update_state) {
    EXPECT_EQ(a.update_state->pts, b.update_state->pts);
    EXPECT_EQ(a.update_state->qts, b.update_state->qts);
    EXPECT_EQ(a.update_state->date, b.update_state->date);
    EXPECT_EQ(a.update_state->seq, b.update_state->seq);
  }
  EXPECT_EQ(a.channel_pts, b.channel_pts);
}

inline std::string read_all(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void write_all(const std::filesystem::path& file, const std::string& bytes) {
  std::ofstream(file, std::ios::binary | std::ios::trunc) << bytes;
  std::filesystem::permissions(file, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

// Sessions written by Debian's real Telethon through make_telethon_session.py (its docstring lists the values).
inline std::string telethon_script() { return std::string(MTPIPE_TEST_DATA_DIR) + "/make_telethon_session.py"; }

inline void make_telethon_file(const std::filesystem::path& file) {
  const auto command = "/usr/bin/python3 " + telethon_script() + " file '" + file.string() + "'";
  if (std::system(command.c_str()) != 0) throw std::runtime_error("failed: " + command);
}

inline std::string make_telethon_string(bool ipv6) {
  const auto command = "/usr/bin/python3 " + telethon_script() + " string" + (ipv6 ? " v6" : "");
  FILE* out = ::popen(command.c_str(), "r");
  if (out == nullptr) throw std::runtime_error("cannot run " + command);
  std::string text;
  char buffer[512];
  while (std::fgets(buffer, sizeof buffer, out) != nullptr) text += buffer;
  if (::pclose(out) != 0) throw std::runtime_error("failed: " + command);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

}  // namespace mtpipe::client::session_file::testing
