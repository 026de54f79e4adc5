// The account side of replica leases: a takeover starts from the session file and claims it with the new token,
// saves carry the token, and a replica whose token is older than the file's hears that it lost the account.
#include "app/leased_clients.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <filesystem>

#include "crypto/random.h"
#include "mtproto/clock.h"

namespace mtpipe::app {
namespace {
namespace session_file = client::session_file;

struct Sessions {
  Sessions() {
    std::filesystem::remove_all(dir);
    session_file::ensure_sessions_dir(dir);
  }
  ~Sessions() { std::filesystem::remove_all(dir); }
  std::filesystem::path dir = std::filesystem::temp_directory_path() / ("mtpipe-leased-" + std::to_string(::getpid()));
  session_file::SessionStore store{dir};
};

// One replica's view of the account "acc": its client and its LeasedClients, recording what it was told.
struct ReplicaSide {
  ReplicaSide(boost::asio::io_context& io, const session_file::SessionStore& store)
      : client(io.get_executor(), client::ClientOptions{}, client::SessionData{}, crypto::system_rng(),
               mtproto::system_clock()),
        leased(store, names, {&client}, [this](std::size_t account, std::string why) {
          fenced.push_back(account);
          reason = std::move(why);
        }) {}
  std::vector<std::string> names{"acc"};
  client::Client client;
  LeasedClients leased;
  std::vector<std::size_t> fenced;
  std::string reason;
};

client::SessionData session_at(std::int32_t home_dc, std::int64_t user_id) {
  client::SessionData s;
  s.home_dc = home_dc;
  s.user_id = user_id;
  return s;
}

TEST(LeasedClients, ATakeoverStartsFromTheFileAndClaimsItWithItsToken) {
  boost::asio::io_context io;
  Sessions sessions;
  sessions.store.save("acc", session_at(3, 42));  // as the previous holder left it
  ReplicaSide replica(io, sessions.store);
  replica.leased.start(0, 7);
  EXPECT_TRUE(replica.leased.driving(0));
  EXPECT_EQ(replica.client.home_dc(), 3);  // the client runs on the file's session, not on what it had
  EXPECT_EQ(replica.client.session().user_id, 42);
  EXPECT_EQ(sessions.store.fence("acc"), 7);  // claimed before any change of its own
}

TEST(LeasedClients, AStaleHolderHearsItLostTheAccountOnItsNextSave) {
  boost::asio::io_context io;
  Sessions sessions;
  sessions.store.save("acc", session_at(2, 42));
  ReplicaSide stale(io, sessions.store), fresh(io, sessions.store);
  stale.leased.start(0, 7);
  fresh.leased.start(0, 8);  // the lease moved on while the stale holder was paused
  stale.leased.session_changed(0, session_at(4, 42));
  EXPECT_EQ(stale.fenced, std::vector<std::size_t>{0});
  EXPECT_NE(stale.reason.find('8'), std::string::npos);  // the store names the newer token
  EXPECT_EQ(sessions.store.load("acc").home_dc, 2);      // the file is as the new holder has it
  EXPECT_EQ(sessions.store.fence("acc"), 8);
  fresh.leased.session_changed(0, session_at(5, 42));
  EXPECT_TRUE(fresh.fenced.empty());
  EXPECT_EQ(sessions.store.load("acc").home_dc, 5);
}

TEST(LeasedClients, AnAccountNotDrivenSavesNothing) {
  boost::asio::io_context io;
  Sessions sessions;
  sessions.store.save("acc", session_at(2, 42));
  ReplicaSide replica(io, sessions.store);
  replica.leased.session_changed(0, session_at(4, 42));  // never started
  replica.leased.start(0, 7);
  replica.leased.stop(0);
  replica.leased.session_changed(0, session_at(4, 42));  // stopped
  replica.leased.save(0);
  EXPECT_FALSE(replica.leased.driving(0));
  EXPECT_EQ(sessions.store.load("acc").home_dc, 2);
  EXPECT_TRUE(replica.fenced.empty());
}

}  // namespace
}  // namespace mtpipe::app
