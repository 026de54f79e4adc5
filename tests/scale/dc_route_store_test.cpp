// DcRouteStore: the router's mappings survive a restart in a private SQLite file, and a file that is not one is
// refused with its name.
#include "scale/dc_route_store.h"

#include <SQLiteCpp/Database.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace mtpipe::scale {
namespace {

namespace fs = std::filesystem;
using WallClock = std::chrono::system_clock;
const Clock::time_point t0{};
const WallClock::time_point wall0{std::chrono::seconds(1'700'000'000)};

class DcRouteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "mtpipe-dc-routes-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    file_ = dir_ / "dc_routes.sqlite";
  }
  void TearDown() override { fs::remove_all(dir_); }

  void write_file(const std::string& bytes) const {
    std::ofstream out(file_, std::ios::binary);
    out << bytes;
  }
  // Expects opening (and loading) the file to fail with an error that names it and says `why`.
  void expect_refused(const std::string& why) const {
    try {
      DcRouteStore store(file_);
      store.load();
      ADD_FAILURE() << "expected " << file_ << " to be refused";
    } catch (const DcRouteStoreError& e) {
      EXPECT_EQ(e.file(), file_);
      EXPECT_NE(std::string(e.what()).find(file_.string()), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find(why), std::string::npos) << e.what();
    }
  }

  fs::path dir_;
  fs::path file_;
};

mode_t mode_of(const fs::path& file) {
  struct stat st{};
  EXPECT_EQ(::stat(file.c_str(), &st), 0);
  return st.st_mode & 07777;
}

TEST_F(DcRouteStoreTest, MappingsSurviveARestart) {
  DcRouter router;
  router.learned(1001, 2, RouteSource::migrate, t0);
  router.learned(1002, 4, RouteSource::full_channel, t0);
  router.failed(1001, 2, t0);
  {
    DcRouteStore store(file_);
    EXPECT_EQ(save_changes(router, store, t0, wall0), 2u);
    EXPECT_EQ(save_changes(router, store, t0, wall0), 0u);  // nothing changed since
    router.succeeded(1002, 4, t0);
    EXPECT_EQ(save_changes(router, store, t0, wall0), 1u);
  }
  DcRouteStore reopened(file_);
  const auto saved = reopened.load();
  ASSERT_EQ(saved.size(), 2u);
  EXPECT_EQ(saved[0].channel_id, 1001);
  EXPECT_EQ(saved[0].dc, 2);
  EXPECT_DOUBLE_EQ(saved[0].confidence, 0.5);
  EXPECT_EQ(saved[0].source, RouteSource::migrate);
  EXPECT_EQ(saved[0].failures, 1u);
  EXPECT_EQ(saved[0].as_of, wall0);
  EXPECT_EQ(saved[1].successes, 1u);
  EXPECT_DOUBLE_EQ(saved[1].confidence, 0.95);

  DcRouter restarted;
  restarted.restore(saved, t0, wall0);
  EXPECT_EQ(restarted.route(1001, t0), 2);
  EXPECT_EQ(restarted.route(1002, t0), 4);
  EXPECT_EQ(restarted.counters().learned, 0u);  // nothing had to be learned again
}

TEST_F(DcRouteStoreTest, TheFileIsPrivateWhateverTheUmask) {
  const mode_t old = ::umask(0);
  { DcRouteStore store(file_); }
  ::umask(old);
  EXPECT_EQ(mode_of(file_), 0600u);
}

TEST_F(DcRouteStoreTest, AnEmptyFileIsSetUpAsNew) {
  write_file("");
  DcRouteStore store(file_);
  EXPECT_TRUE(store.load().empty());
  DcRouter router;
  router.learned(7, 3, RouteSource::full_channel, t0);
  save_changes(router, store, t0, wall0);
  EXPECT_EQ(store.load().size(), 1u);
}

TEST_F(DcRouteStoreTest, GarbageIsRefusedNamingTheFile) {
  write_file("this is not a database, just some bytes that happen to be here");
  expect_refused("not an SQLite database");
}

TEST_F(DcRouteStoreTest, AForeignDatabaseIsRefused) {
  {
    SQLite::Database db(file_.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec("CREATE TABLE sessions (id INTEGER)");
  }
  expect_refused("no 'mtpipe-dc-routes' marker");
}

TEST_F(DcRouteStoreTest, AValueThatCannotBeRightIsRefused) {
  { DcRouteStore store(file_); }
  {
    SQLite::Database db(file_.string(), SQLite::OPEN_READWRITE);
    db.exec("INSERT INTO routes VALUES (1001, 0, 0.5, 'migrate', 0, 0, 0)");
  }
  expect_refused("channel 1001 has DC 0");
}

TEST_F(DcRouteStoreTest, ATruncatedDatabaseIsRefused) {
  {
    DcRouteStore store(file_);
    DcRouter router;
    for (std::int64_t id = 1; id <= 2000; ++id) router.learned(id, 2, RouteSource::full_channel, t0);
    save_changes(router, store, t0, wall0);
  }
  fs::resize_file(file_, fs::file_size(file_) / 2);
  expect_refused("SQLite");
}

TEST_F(DcRouteStoreTest, AMissingDirectoryIsAClearError) {
  try {
    DcRouteStore store(dir_ / "nowhere" / "dc_routes.sqlite");
    ADD_FAILURE() << "expected an error";
  } catch (const DcRouteStoreError& e) {
    EXPECT_NE(std::string(e.what()).find("nowhere"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace mtpipe::scale
