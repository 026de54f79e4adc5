// A save that fails, or a process that dies in the middle of one, leaves the previous session file as it was.
#include <SQLiteCpp/Database.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>

#include "client/session_file/atomic_replace.h"
#include "client/session_file/session_store.h"
#include "session_test_support.h"

namespace mtpipe::client::session_file {
namespace {

using testing::ScratchDir;

// The files in `dir` but the account lock files, which saves leave on purpose (account_lock.h).
std::size_t files_in(const std::filesystem::path& dir) {
  std::size_t n = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) n += entry.path().extension() == ".lock" ? 0 : 1;
  return n;
}

SessionData big_session() {
  auto s = testing::full_session();
  for (std::int64_t id = 1; id <= 5000; ++id)
    s.peers[id] = PeerRecord{id, PeerKind::user, id * 31, "user_with_a_long_name_" + std::to_string(id)};
  return s;
}

// Runs `body` in a child process and returns its exit status (or 128 + the signal that ended it).
template <typename Body>
int in_child(Body body) {
  const pid_t pid = ::fork();
  if (pid == 0) ::_exit(body());
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

TEST(AtomicSave, FailedFillLeavesTheOldFileAndNoLeftovers) {
  ScratchDir dir;
  const auto target = dir.path() / "x.session";
  testing::write_all(target, "old content");
  EXPECT_THROW(atomic_replace(target,
                              [](const std::filesystem::path& temp) {
                                testing::write_all(temp, "half of the new");
                                throw std::runtime_error("disk on fire");
                              }),
               std::runtime_error);
  EXPECT_EQ(testing::read_all(target), "old content");
  EXPECT_EQ(files_in(dir.path()), 1u);
}

TEST(AtomicSave, WriteErrorMidSaveLeavesTheOldSession) {
  ScratchDir dir;
  SessionStore store(dir.path());
  const auto old_session = testing::full_session();
  store.save("main", old_session);
  // The child may write no more than 8 KiB per file, so SQLite's writes of the new file fail part way (as on a
  // full disk); the limit holds for root too.
  const int status = in_child([&] {
    ::signal(SIGXFSZ, SIG_IGN);
    const rlimit limit{8192, 8192};
    ::setrlimit(RLIMIT_FSIZE, &limit);
    try {
      store.save("main", big_session());
    } catch (const SessionFileError& e) {
      return e.problem() == Problem::io ? 0 : 2;
    }
    return 1;
  });
  EXPECT_EQ(status, 0) << "1: the save succeeded, 2: a wrong error";
  testing::expect_same(old_session, store.load("main"));
  EXPECT_EQ(files_in(dir.path()), 1u) << "the failed save left its new file behind";
}

TEST(AtomicSave, ProcessDyingBeforeTheRenameLeavesTheOldSession) {
  ScratchDir dir;
  SessionStore store(dir.path());
  const auto old_session = testing::full_session();
  store.save("main", old_session);
  const int status = in_child([&] {
    atomic_replace(store.path_of("main"), [](const std::filesystem::path& temp) {
      SQLite::Database db(temp.string(), SQLite::OPEN_READWRITE);
      db.exec("CREATE TABLE meta (key TEXT PRIMARY KEY, value NOT NULL)");
      ::_exit(9);  // dies with the new file half written
    });
    return 0;
  });
  ASSERT_EQ(status, 9);
  testing::expect_same(old_session, store.load("main"));
  EXPECT_EQ(store.account_names(), std::vector<std::string>{"main"}) << "a leftover temp file was listed";
}

TEST(AtomicSave, MissingDirectoryIsAnIoErrorNamingIt) {
  ScratchDir dir;
  SessionStore store(dir.path() / "absent");
  try {
    store.save("main", SessionData{});
    FAIL() << "saved into a directory that does not exist";
  } catch (const SessionFileError& e) {
    EXPECT_EQ(e.problem(), Problem::io);
    EXPECT_NE(std::string(e.what()).find("absent"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace mtpipe::client::session_file
