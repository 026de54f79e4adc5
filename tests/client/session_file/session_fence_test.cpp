// Fencing: a save carrying a lower lease token than the one the file records is refused and changes nothing; equal,
// higher or no token is written; two processes saving at once end with the higher token's session whatever the
// order; version-1 files (no token) read and save on.
#include <SQLiteCpp/Database.h>
#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>

#include "client/session_file/session_store.h"
#include "session_test_support.h"

namespace mtpipe::client::session_file {
namespace {

using testing::ScratchDir;

SessionData session_of(std::int32_t home_dc) {
  SessionData s = testing::full_session();
  s.home_dc = home_dc;
  return s;
}

// Big enough that writing it takes far longer than reading a token: two unlocked saves started together would
// both read the old token before either renames.
SessionData big_session_of(std::int32_t home_dc) {
  SessionData s = session_of(home_dc);
  for (std::int64_t id = 1; id <= 20000; ++id)
    s.peers[id] = PeerRecord{id, PeerKind::user, id * 31, "user_with_a_long_name_" + std::to_string(id)};
  return s;
}

SessionFileError save_error(const SessionStore& store, const SessionData& s, std::optional<FenceToken> fence) {
  try {
    store.save("main", s, fence);
  } catch (const SessionFileError& e) {
    return e;
  }
  ADD_FAILURE() << "saved";
  return SessionFileError(Problem::io, {}, "");
}

TEST(SessionFence, ALowerTokenIsRefusedAndTheFileStaysAsItWas) {
  ScratchDir dir;
  const SessionStore store(dir.path());
  store.save("main", session_of(2), 6);
  const auto before = testing::read_all(store.path_of("main"));
  const auto e = save_error(store, session_of(4), 5);
  EXPECT_EQ(e.problem(), Problem::fenced);
  EXPECT_STREQ(problem_name(e.problem()), "fenced");
  EXPECT_EQ(e.path(), store.path_of("main"));
  const std::string message = e.what();
  EXPECT_NE(message.find("fencing token 5 is lower than the token 6"), std::string::npos) << message;
  EXPECT_NE(message.find("a newer holder drives account main"), std::string::npos) << message;
  EXPECT_EQ(testing::read_all(store.path_of("main")), before);
  EXPECT_EQ(store.load("main").home_dc, 2);
  EXPECT_EQ(store.fence("main"), 6);
}

TEST(SessionFence, AnEqualOrHigherTokenIsWrittenAndRecorded) {
  ScratchDir dir;
  const SessionStore store(dir.path());
  EXPECT_EQ(store.fence("main"), std::nullopt);  // no file yet
  store.save("main", session_of(2), 6);
  store.save("main", session_of(3), 6);
  EXPECT_EQ(store.load("main").home_dc, 3);
  EXPECT_EQ(store.fence("main"), 6);
  store.save("main", session_of(4), 9);
  EXPECT_EQ(store.load("main").home_dc, 4);
  EXPECT_EQ(store.fence("main"), 9);
  testing::expect_same(session_of(4), store.load("main"));
}

TEST(SessionFence, ASaveWithoutATokenIsWrittenAndKeepsTheRecordedOne) {
  ScratchDir dir;
  const SessionStore store(dir.path());
  store.save("main", session_of(2));
  EXPECT_EQ(store.fence("main"), std::nullopt);
  store.save("main", session_of(3), 7);
  store.save("main", session_of(4));  // one process, no leases
  EXPECT_EQ(store.load("main").home_dc, 4);
  EXPECT_EQ(store.fence("main"), 7);
  EXPECT_EQ(save_error(store, session_of(5), 6).problem(), Problem::fenced);  // still fenced after it
}

TEST(SessionFence, UpsertingPeersIsFencedToo) {
  ScratchDir dir;
  const SessionStore store(dir.path());
  store.save("main", session_of(2), 6);
  const std::vector<PeerRecord> peers{{99, PeerKind::user, 5, "late"}};
  try {
    store.upsert_peers("main", peers, 5);
    FAIL() << "a fenced holder changed the file";
  } catch (const SessionFileError& e) {
    EXPECT_EQ(e.problem(), Problem::fenced);
  }
  EXPECT_EQ(store.load("main").peers.count(99), 0u);
  store.upsert_peers("main", peers, 6);
  store.upsert_peers("main", {{100, PeerKind::user, 5, "later"}});
  EXPECT_EQ(store.load("main").peers.count(99), 1u);
  EXPECT_EQ(store.load("main").peers.count(100), 1u);
  EXPECT_EQ(store.fence("main"), 6);
}

TEST(SessionFence, AVersionOneFileReadsWithoutATokenAndSavesAsVersionTwo) {
  ScratchDir dir;
  const SessionStore store(dir.path());
  store.save("main", session_of(2), 6);
  {
    SQLite::Database db(store.path_of("main").string(), SQLite::OPEN_READWRITE);
    db.exec("DELETE FROM meta WHERE key = 'fence_token'; UPDATE meta SET value = 1 WHERE key = 'schema_version'");
  }
  testing::expect_same(session_of(2), store.load("main"));
  EXPECT_EQ(store.fence("main"), std::nullopt);
  store.upsert_peers("main", {{99, PeerKind::user, 5, "late"}}, 3);
  store.save("main", session_of(3), 3);
  EXPECT_EQ(store.fence("main"), 3);
  SQLite::Database db(store.path_of("main").string(), SQLite::OPEN_READONLY);
  EXPECT_EQ(db.execAndGet("SELECT value FROM meta WHERE key = 'schema_version'").getInt64(), 2);
}

// Runs `body` in a child process that first waits for a byte on `go`; returns its pid.
template <typename Body>
pid_t child_waiting_for(int go, Body body) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    char byte = 0;
    if (::read(go, &byte, 1) != 1) ::_exit(3);
    ::_exit(body());
  }
  return pid;
}

int exit_status(pid_t pid) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// Two replicas' saves race: the one holding token 5 (which lost the lease) and the one holding 6. Whatever the
// order they reach the file in, it ends with 6's session, and 5's save either came first and was overwritten or
// was refused as fenced. Without the account lock both read the old token, both pass, and 5 renames last about
// half the time.
TEST(SessionFence, TwoProcessesRacingEndWithTheHigherTokensSession) {
  ScratchDir dir;
  // These sessions take longer to write than the default wait for the lock: here the point is the order.
  const SessionStore store(dir.path(), std::chrono::seconds(30));
  const auto old_holder = big_session_of(5), new_holder = big_session_of(6);
  int fenced = 0;
  for (int round = 0; round < 16; ++round) {
    std::filesystem::remove(store.path_of("main"));  // each round from no file, so no token yet
    std::array<int, 2> go{};
    ASSERT_EQ(::pipe(go.data()), 0);
    const auto save_as = [&](const SessionData& s, FenceToken token) {
      return [&store, &s, token] {
        try {
          store.save("main", s, token);
          return 0;
        } catch (const SessionFileError& e) {
          return e.problem() == Problem::fenced ? 10 : 2;
        }
      };
    };
    const pid_t five = child_waiting_for(go[0], save_as(old_holder, 5));
    const pid_t six = child_waiting_for(go[0], save_as(new_holder, 6));
    ASSERT_EQ(::write(go[1], "gg", 2), 2);  // both start at once
    ::close(go[0]);
    ::close(go[1]);
    const int five_status = exit_status(five);
    EXPECT_TRUE(five_status == 0 || five_status == 10) << five_status;
    EXPECT_EQ(exit_status(six), 0);
    fenced += five_status == 10 ? 1 : 0;
    EXPECT_EQ(store.load("main").home_dc, 6) << "round " << round;
    EXPECT_EQ(store.fence("main"), 6);
  }
  ::testing::Test::RecordProperty("fenced_rounds", fenced);
}

// A process that froze holding the account's lock (SIGSTOP, a paused VM) must not hang the saver's event loop: the
// save gives up after a short wait, as a failed write, and leaves the file as it was.
TEST(SessionFence, ASaveGivesUpOnALockHeldElsewhereInsteadOfWaitingForIt) {
  ScratchDir dir;
  const SessionStore store(dir.path());
  store.save("main", session_of(2), 6);
  const int holder = ::open((dir.path() / ".main.lock").c_str(), O_RDWR | O_CLOEXEC);
  ASSERT_GE(holder, 0);
  ASSERT_EQ(::flock(holder, LOCK_EX), 0);  // another open file: conflicts as another process's would
  const auto e = save_error(store, session_of(4), 7);
  ::close(holder);
  EXPECT_EQ(e.problem(), Problem::io);
  EXPECT_NE(std::string(e.what()).find("another process holds the lock"), std::string::npos) << e.what();
  EXPECT_EQ(store.load("main").home_dc, 2);
  store.save("main", session_of(4), 7);  // free again
  EXPECT_EQ(store.fence("main"), 7);
}

TEST(SessionFence, TheLockFileIsPrivateAndNotAnAccount) {
  ScratchDir dir;
  const SessionStore store(dir.path());
  ::umask(0);
  store.save("main", session_of(2), 1);
  ::umask(022);
  struct stat st{};
  ASSERT_EQ(::stat((dir.path() / ".main.lock").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(store.account_names(), std::vector<std::string>{"main"});
}

}  // namespace
}  // namespace mtpipe::client::session_file
