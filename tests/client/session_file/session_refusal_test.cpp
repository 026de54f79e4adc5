// Every file the store must not trust is refused with a message that names the file and says what to do, and
// never with a crash, a silent empty session, or key bytes in the text.
#include <SQLiteCpp/Database.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <functional>
#include <random>

#include "client/session_file/session_store.h"
#include "session_test_support.h"

namespace mtpipe::client::session_file {
namespace {

using testing::ScratchDir;

class SessionRefusal : public ::testing::Test {
 protected:
  // The error loading `name` gives; fails the test when it loads.
  SessionFileError load_error(std::string_view name = "main") {
    try {
      store_.load(name);
    } catch (const SessionFileError& e) {
      const std::string message = e.what();
      EXPECT_EQ(e.path(), store_.path_of(name));
      EXPECT_EQ(message.find(key_hex_prefix()), std::string::npos) << "key bytes in: " << message;
      return e;
    }
    ADD_FAILURE() << "loaded " << name;
    return SessionFileError(Problem::io, {}, "");
  }
  static std::string key_hex_prefix() { return "030a11181f"; }  // the first bytes of full_session's home key
  std::filesystem::path file() const { return store_.path_of("main"); }
  static bool mentions(const SessionFileError& e, const std::string& text) {
    return std::string(e.what()).find(text) != std::string::npos;
  }

  ScratchDir dir_;
  SessionStore store_{dir_.path()};
};

TEST_F(SessionRefusal, MissingFileSaysHowToLogIn) {
  const auto e = load_error("nobody");
  EXPECT_EQ(e.problem(), Problem::missing);
  EXPECT_TRUE(mentions(e, "no session for account nobody (log in with `mtpipe login --account nobody`)")) << e.what();
}

TEST_F(SessionRefusal, FileOthersMayReadIsRefusedWithTheChmodToRun) {
  store_.save("main", testing::full_session());
  ::chmod(file().c_str(), 0644);
  const auto e = load_error();
  EXPECT_EQ(e.problem(), Problem::unsafe_mode);
  EXPECT_TRUE(mentions(e, "mode 0644")) << e.what();
  EXPECT_TRUE(mentions(e, "chmod 600 " + file().string())) << e.what();
  ::chmod(file().c_str(), 0640);
  EXPECT_EQ(load_error().problem(), Problem::unsafe_mode);
  ::chmod(file().c_str(), 0400);  // read-only for the owner is still private
  EXPECT_NO_THROW(store_.load("main"));
}

TEST_F(SessionRefusal, RandomBytesAreCorrupt) {
  std::mt19937 gen(7);
  std::string bytes(8192, '\0');
  for (auto& b : bytes) b = static_cast<char>(gen());
  testing::write_all(file(), bytes);
  const auto e = load_error();
  EXPECT_EQ(e.problem(), Problem::corrupt);
  EXPECT_TRUE(mentions(e, file().string())) << e.what();
  EXPECT_TRUE(mentions(e, "not an SQLite database")) << e.what();
}

TEST_F(SessionRefusal, EmptyFileIsCorruptNotANewSession) {
  testing::write_all(file(), "");
  const auto e = load_error();
  EXPECT_EQ(e.problem(), Problem::corrupt);
  EXPECT_TRUE(mentions(e, "empty")) << e.what();
}

TEST_F(SessionRefusal, TruncatedSqliteFileIsCorrupt) {
  auto session = testing::full_session();
  for (std::int64_t id = 1; id <= 2000; ++id)
    session.peers[id * 1000] = PeerRecord{id * 1000, PeerKind::channel, id, "peer" + std::to_string(id)};
  store_.save("main", session);
  const auto whole = testing::read_all(file());
  ASSERT_GT(whole.size(), 16u * 4096);
  for (const std::size_t keep : {whole.size() / 2, std::size_t{4096}, std::size_t{100}, std::size_t{20}}) {
    testing::write_all(file(), whole.substr(0, keep));
    const auto e = load_error();
    EXPECT_EQ(e.problem(), Problem::corrupt) << "kept " << keep << ": " << e.what();
    EXPECT_TRUE(mentions(e, file().string())) << e.what();
  }
}

TEST_F(SessionRefusal, TelethonSessionSaysHowToImportIt) {
  testing::make_telethon_file(file());
  ::chmod(file().c_str(), 0600);
  const auto e = load_error();
  EXPECT_EQ(e.problem(), Problem::telethon);
  EXPECT_TRUE(mentions(e, "is a Telethon session, import it with `mtpipe sessions import")) << e.what();
}

TEST_F(SessionRefusal, OtherSqliteFilesAreForeign) {
  {
    SQLite::Database db(file().string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec("CREATE TABLE meta (key TEXT, value); INSERT INTO meta VALUES ('format', 'something-else')");
  }
  ::chmod(file().c_str(), 0600);
  EXPECT_EQ(load_error().problem(), Problem::foreign);
  std::filesystem::remove(file());
  {
    SQLite::Database db(file().string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec("CREATE TABLE photos (id INTEGER)");
  }
  ::chmod(file().c_str(), 0600);
  const auto e = load_error();
  EXPECT_EQ(e.problem(), Problem::foreign);
  EXPECT_TRUE(mentions(e, "not an mtpipe session")) << e.what();
}

TEST_F(SessionRefusal, NewerSchemaVersionIsRefusedWithBothVersions) {
  store_.save("main", testing::full_session());
  {
    SQLite::Database db(file().string(), SQLite::OPEN_READWRITE);
    db.exec("UPDATE meta SET value = 3 WHERE key = 'schema_version'");
  }
  const auto e = load_error();
  EXPECT_EQ(e.problem(), Problem::newer_version);
  EXPECT_TRUE(mentions(e, "written by a newer mtpipe (version 3 > 2)")) << e.what();
}

TEST_F(SessionRefusal, ValuesThatCannotBeRightAreCorrupt) {
  const char* edits[] = {
      "UPDATE dc_auth SET auth_key = x'0102' WHERE dc_id = 2",
      "UPDATE peer SET kind = 9",
      "UPDATE dc_address SET port = 70000",
      "UPDATE account SET bot = 'yes'",
      "DELETE FROM account",
      "UPDATE meta SET value = 0 WHERE key = 'schema_version'",
      "DROP TABLE channel_pts",
  };
  for (const char* edit : edits) {
    store_.save("main", testing::full_session());
    {
      SQLite::Database db(file().string(), SQLite::OPEN_READWRITE);
      db.exec(edit);
    }
    const auto e = load_error();
    EXPECT_EQ(e.problem(), Problem::corrupt) << edit << ": " << e.what();
  }
}

TEST_F(SessionRefusal, DirectoryInPlaceOfTheFile) {
  std::filesystem::create_directory(file());
  EXPECT_EQ(load_error().problem(), Problem::not_a_file);
}

// Whoever may write to the sessions directory can put a link where an account's file goes: to a file of theirs
// (read as our session) or to one of ours elsewhere (overwritten by our save). Nothing goes through one.
TEST_F(SessionRefusal, ASymbolicLinkInPlaceOfTheFileIsRefusedNotFollowed) {
  store_.save("main", testing::full_session());
  const auto target = dir_.path() / "elsewhere.bin";
  std::filesystem::rename(file(), target);
  std::filesystem::create_symlink(target, file());
  const auto before = testing::read_all(target);
  const auto e = load_error();
  EXPECT_EQ(e.problem(), Problem::not_a_file);
  EXPECT_TRUE(mentions(e, file().string() + " is a symbolic link")) << e.what();
  const auto refused = [&](const std::function<void()>& op) {
    try {
      op();
    } catch (const SessionFileError& e) {
      return e.problem() == Problem::not_a_file && e.path() == file();
    }
    return false;
  };
  EXPECT_TRUE(refused([&] { store_.save("main", SessionData{}); }));
  EXPECT_TRUE(refused([&] { store_.save("main", SessionData{}, 9); }));
  EXPECT_TRUE(refused([&] { store_.upsert_peers("main", {{1, PeerKind::user, 2, "x"}}); }));
  EXPECT_TRUE(refused([&] { store_.fence("main"); }));
  EXPECT_TRUE(refused([&] { read_session_file(file()); }));
  EXPECT_TRUE(std::filesystem::is_symlink(file()));
  EXPECT_EQ(testing::read_all(target), before);
  // A link to nowhere is refused the same way, not taken for a missing file.
  std::filesystem::remove(target);
  EXPECT_EQ(load_error().problem(), Problem::not_a_file);
}

TEST_F(SessionRefusal, ALinkInPlaceOfTheLockFileIsRefused) {
  const auto lock = dir_.path() / ".main.lock";
  std::filesystem::create_symlink(dir_.path() / "elsewhere", lock);
  try {
    store_.save("main", SessionData{});
    FAIL() << "saved through a linked lock file";
  } catch (const SessionFileError& e) {
    EXPECT_EQ(e.problem(), Problem::not_a_file);
    EXPECT_EQ(e.path(), lock);
  }
  EXPECT_FALSE(std::filesystem::exists(dir_.path() / "elsewhere"));
}

TEST_F(SessionRefusal, ASessionsDirectoryOthersMayWriteToIsRefusedWithTheChmodToRun) {
  store_.save("main", testing::full_session());
  const auto dir = dir_.path();
  const auto problem_of = [&](const std::function<void()>& op) -> std::string {
    try {
      op();
    } catch (const SessionFileError& e) {
      EXPECT_EQ(e.path(), dir);
      EXPECT_NE(std::string(e.what()).find("Run `chmod 700 " + dir.string() + "`"), std::string::npos) << e.what();
      return problem_name(e.problem());
    }
    return "none";
  };
  for (const mode_t mode : {0770, 0757, 0777, 01777}) {
    SCOPED_TRACE(mode);
    ::chmod(dir.c_str(), mode);
    EXPECT_EQ(problem_of([&] { store_.load("main"); }), "unsafe_mode");
    EXPECT_EQ(problem_of([&] { store_.save("main", SessionData{}); }), "unsafe_mode");
    EXPECT_EQ(problem_of([&] { store_.upsert_peers("main", {}); }), "unsafe_mode");
    EXPECT_EQ(problem_of([&] { ensure_sessions_dir(dir); }), "unsafe_mode");
  }
  try {
    ::chmod(dir.c_str(), 0770);
    store_.load("main");
  } catch (const SessionFileError& e) {
    EXPECT_NE(std::string(e.what()).find("has mode 0770"), std::string::npos) << e.what();
  }
  ::chmod(dir.c_str(), 0750);  // others may read the names, not replace the files
  EXPECT_NO_THROW(store_.load("main"));
  ::chmod(dir.c_str(), 0700);
  EXPECT_EQ(store_.load("main").home_dc, testing::full_session().home_dc);
}

TEST_F(SessionRefusal, BadNamesAreRefusedBeforeAnyFileIsTouched) {
  EXPECT_THROW(store_.load("../main"), std::invalid_argument);
  EXPECT_THROW(store_.save(".hidden", SessionData{}), std::invalid_argument);
  EXPECT_TRUE(store_.account_names().empty());
}

}  // namespace
}  // namespace mtpipe::client::session_file
