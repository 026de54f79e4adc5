#include "client/session_file/session_store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "session_test_support.h"
#include "crypto/auth_key.h"

namespace mtpipe::client::session_file {
namespace {

using testing::ScratchDir;

TEST(SessionStore, KeepsEveryFieldAcrossSaveAndLoad) {
  ScratchDir dir;
  SessionStore store(dir.path());
  const auto saved = testing::full_session();
  store.save("main", saved);
  const auto loaded = store.load("main");
  testing::expect_same(saved, loaded);
  // The key id is not stored; it is computed again from the key.
  for (const auto& [dc, auth] : loaded.dcs) EXPECT_EQ(auth.key.id, crypto::auth_key_id(auth.key.bytes));
}

TEST(SessionStore, KeepsAnEmptySessionEmpty) {
  ScratchDir dir;
  SessionStore store(dir.path());
  store.save("fresh", SessionData{});
  const auto loaded = store.load("fresh");
  testing::expect_same(SessionData{}, loaded);
  EXPECT_FALSE(loaded.logged_in());
}

TEST(SessionStore, SavingAgainReplacesTheWholeSession) {
  ScratchDir dir;
  SessionStore store(dir.path());
  store.save("main", testing::full_session());
  auto smaller = testing::full_session();
  smaller.peers.erase(4242);
  smaller.dcs.erase(4);
  smaller.update_state.reset();
  smaller.user_id.reset();
  store.save("main", smaller);
  testing::expect_same(smaller, store.load("main"));
}

TEST(SessionStore, UpsertsPeersInPlace) {
  ScratchDir dir;
  SessionStore store(dir.path());
  auto session = testing::full_session();
  store.save("main", session);
  const std::vector<PeerRecord> met = {{777000, PeerKind::user, 99, "telegram_new"}, {5, PeerKind::user, -5, ""}};
  store.upsert_peers("main", met);
  for (const auto& p : met) session.peers[p.id] = p;
  testing::expect_same(session, store.load("main"));
  EXPECT_EQ(file_permissions(store.path_of("main")), 0600u);
}

TEST(SessionStore, NewFilesAreOwnerOnlyEvenWithUmaskZero) {
  ScratchDir dir;
  SessionStore store(dir.path());
  const auto old_umask = ::umask(0);
  store.save("main", testing::full_session());
  ::umask(old_umask);
  EXPECT_EQ(file_permissions(store.path_of("main")), 0600u);
}

TEST(SessionStore, ListsOnlySessionFilesWithValidNames) {
  ScratchDir dir;
  SessionStore store(dir.path());
  EXPECT_TRUE(store.account_names().empty());
  store.save("b", SessionData{});
  store.save("a", SessionData{});
  testing::write_all(dir.path() / "notes.txt", "x");
  testing::write_all(dir.path() / ".a.session.tmp-1-2", "x");
  testing::write_all(dir.path() / "bad name.session", "x");
  EXPECT_EQ(store.account_names(), (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(store.exists("a"));
  EXPECT_FALSE(store.exists("c"));
  EXPECT_TRUE(SessionStore(dir.path() / "none").account_names().empty());
}

TEST(SessionStore, CreatesTheSessionsDirectoryOwnerOnly) {
  ScratchDir dir;
  const auto sessions = dir.path() / "deep" / "sessions";
  const auto old_umask = ::umask(0);
  ensure_sessions_dir(sessions);
  ::umask(old_umask);
  EXPECT_EQ(file_permissions(sessions), 0700u);
  EXPECT_NO_THROW(ensure_sessions_dir(sessions));
}

}  // namespace
}  // namespace mtpipe::client::session_file
