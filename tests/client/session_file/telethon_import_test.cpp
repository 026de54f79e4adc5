// Import of sessions that real Telethon 1.25 wrote during the test (make_telethon_session.py), and export back
// to the very string Telethon produces.
#include "client/session_file/telethon_import.h"

#include <gtest/gtest.h>

#include "client/session_file/session_store.h"
#include "session_test_support.h"
#include "client/string_session.h"
#include "crypto/auth_key.h"

namespace mtpipe::client::session_file {
namespace {

using testing::ScratchDir;

// The values make_telethon_session.py writes.
constexpr std::int64_t kChannel = 1234567890;

void expect_script_key(const DcAuth& auth) {
  for (std::size_t i = 0; i < auth.key.bytes.size(); ++i)
    ASSERT_EQ(auth.key.bytes[i], static_cast<std::uint8_t>((i * 7 + 3) % 256)) << "byte " << i;
  EXPECT_EQ(auth.key.id, crypto::auth_key_id(auth.key.bytes));
  EXPECT_TRUE(auth.authorized);
}

TEST(TelethonImport, SessionFileWrittenByTelethon) {
  ScratchDir dir;
  const auto file = dir.path() / "telethon.session";
  testing::make_telethon_file(file);
  const auto s = import_telethon_file(file);

  EXPECT_EQ(s.home_dc, 2);
  ASSERT_EQ(s.dcs.size(), 1u);
  expect_script_key(s.dcs.at(2));
  ASSERT_NE(s.address(2), nullptr);
  EXPECT_EQ(s.address(2)->host, "149.154.167.51");
  EXPECT_EQ(s.address(2)->port, 443);
  EXPECT_FALSE(s.user_id.has_value()) << "Telethon does not record who is logged in";
  EXPECT_FALSE(s.bot);

  ASSERT_EQ(s.peers.size(), 4u);
  const auto& official = s.peers.at(777000);
  EXPECT_EQ(official.kind, PeerKind::user);
  EXPECT_EQ(official.access_hash, 1111);
  EXPECT_EQ(official.username, "telegram");
  EXPECT_EQ(s.peers.at(5).access_hash, -2);
  EXPECT_EQ(s.peers.at(5).username, "");
  EXPECT_EQ(s.peers.at(4242).kind, PeerKind::chat);  // stored by Telethon as -4242
  const auto& channel = s.peers.at(kChannel);        // stored as -1001234567890
  EXPECT_EQ(channel.kind, PeerKind::channel);
  EXPECT_EQ(channel.access_hash, -987654321);
  EXPECT_EQ(channel.username, "somechannel");

  ASSERT_TRUE(s.update_state.has_value());
  EXPECT_EQ(s.update_state->pts, 100);
  EXPECT_EQ(s.update_state->qts, 7);
  EXPECT_EQ(s.update_state->date, 1700000000);
  EXPECT_EQ(s.update_state->seq, 3);
  EXPECT_EQ(s.channel_pts, (std::map<std::int64_t, std::int32_t>{{kChannel, 555}}));

  // What was imported survives our own store unchanged.
  SessionStore store(dir.path());
  store.save("imported", s);
  testing::expect_same(s, store.load("imported"));
}

TEST(TelethonImport, RefusesFilesThatAreNotTelethonSessions) {
  ScratchDir dir;
  SessionStore store(dir.path());
  store.save("ours", testing::full_session());
  try {
    import_telethon_file(store.path_of("ours"));
    FAIL() << "imported an mtpipe file";
  } catch (const SessionFileError& e) {
    EXPECT_EQ(e.problem(), Problem::foreign);
    EXPECT_NE(std::string(e.what()).find("already an mtpipe session"), std::string::npos) << e.what();
  }
  testing::write_all(dir.path() / "junk.session", "not sqlite at all");
  EXPECT_THROW(import_telethon_file(dir.path() / "junk.session"), SessionFileError);
  EXPECT_THROW(import_telethon_file(dir.path() / "absent.session"), SessionFileError);
}

TEST(TelethonImport, StringSessionRoundTripsToTelethonsExactString) {
  for (const bool ipv6 : {false, true}) {
    const auto text = testing::make_telethon_string(ipv6);
    const auto s = import_telethon_string_session(text);
    EXPECT_EQ(s.home_dc, 2);
    expect_script_key(s.dcs.at(2));
    ASSERT_NE(s.address(2), nullptr);
    EXPECT_EQ(s.address(2)->host, ipv6 ? "2001:67c:4e8:f002::a" : "149.154.167.51");
    EXPECT_EQ(export_telethon_string_session(s), text);
  }
}

TEST(TelethonImport, ExportNeedsAHomeKeyAndAnIpAddress) {
  auto s = testing::full_session();
  EXPECT_NO_THROW(export_telethon_string_session(s));
  s.addresses = {{2, "dc2.example.org", 443, false}};
  EXPECT_THROW(export_telethon_string_session(s), std::invalid_argument);
  s.addresses.clear();
  EXPECT_THROW(export_telethon_string_session(s), std::invalid_argument);
  EXPECT_THROW(export_telethon_string_session(SessionData{}), std::invalid_argument);
}

TEST(TelethonImport, StringSessionWithoutAKeyIsRefused) {
  TelethonStringSession empty;
  empty.dc_id = 2;
  empty.ip = "1.2.3.4";
  empty.port = 443;
  EXPECT_THROW(import_telethon_string_session(to_telethon_string_session(empty)), std::invalid_argument);
  EXPECT_THROW(import_telethon_string_session("garbage"), std::invalid_argument);
}

}  // namespace
}  // namespace mtpipe::client::session_file
