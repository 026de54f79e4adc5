#include "scale/dc_route_store.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <string_view>

namespace mtpipe::scale {
namespace {

using WallClock = std::chrono::system_clock;

constexpr std::string_view kFormat = "mtpipe-dc-routes";
constexpr std::int64_t kVersion = 1;
constexpr int kBusyTimeoutMs = 5000;  // another process may be saving its routes

// The file is only a cache: whatever is wrong with it, deleting it costs some STATS_MIGRATEs and nothing else.
[[noreturn]] void throw_unusable(const std::filesystem::path& file, const std::string& why) {
  throw DcRouteStoreError(file, file.string() + " is not a usable DC route file: " + why +
                                    " (delete it: the routes are learned again)");
}

[[noreturn]] void throw_io(const std::filesystem::path& file, const std::string& doing, const std::string& why) {
  throw DcRouteStoreError(file, "cannot " + doing + " " + file.string() + ": " + why);
}

// Creates the file empty and private when it does not exist yet. The mode is set explicitly: the umask may take
// the owner's write bit as well as others' bits.
void create_private(const std::filesystem::path& file) {
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, S_IRUSR | S_IWUSR);
  if (fd < 0) {
    if (errno == EEXIST) return;
    throw_io(file, "create", std::strerror(errno));
  }
  const bool ok = ::fchmod(fd, S_IRUSR | S_IWUSR) == 0;
  const int saved_errno = errno;
  ::close(fd);
  if (!ok) throw_io(file, "set the mode of", std::strerror(saved_errno));
}

// Throws unless the file is a regular file that is empty (ours, created before a crash: SQLite sets it up as a new
// database) or starts with SQLite's header (SQLite would notice other bytes only on first use).
void check_file(const std::filesystem::path& file) {
  struct stat st{};
  if (::stat(file.c_str(), &st) != 0) throw_io(file, "read", std::strerror(errno));
  if (!S_ISREG(st.st_mode)) throw_unusable(file, "not a regular file");
  if (st.st_size == 0) return;
  static constexpr std::string_view kHeader{"SQLite format 3\0", 16};
  std::array<char, 16> head{};
  std::ifstream in(file, std::ios::binary);
  if (!in) throw_io(file, "open", std::strerror(errno));
  in.read(head.data(), head.size());
  if (in.gcount() != static_cast<std::streamsize>(head.size()) || std::string_view(head.data(), head.size()) != kHeader)
    throw_unusable(file, "not an SQLite database");
}

bool has_table(SQLite::Database& db, const char* name) { return db.tableExists(name); }

void create_tables(SQLite::Database& db) {
  SQLite::Transaction tx(db);
  db.exec("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
  db.exec(
      "CREATE TABLE routes (channel_id INTEGER PRIMARY KEY, dc INTEGER NOT NULL, confidence REAL NOT NULL, "
      "source TEXT NOT NULL, successes INTEGER NOT NULL, failures INTEGER NOT NULL, as_of_ms INTEGER NOT NULL)");
  SQLite::Statement put(db, "INSERT INTO meta (key, value) VALUES (?, ?)");
  put.bind(1, "format");
  put.bind(2, std::string(kFormat));
  put.exec();
  put.reset();
  put.bind(1, "version");
  put.bind(2, std::to_string(kVersion));
  put.exec();
  tx.commit();
}

// Ours at a version we read, or a new database to set up; anything else is refused.
void check_or_create_schema(SQLite::Database& db, const std::filesystem::path& file) {
  if (!has_table(db, "meta")) {
    SQLite::Statement any(db, "SELECT count(*) FROM sqlite_master WHERE type = 'table'");
    any.executeStep();
    if (any.getColumn(0).getInt64() != 0) throw_unusable(file, "an SQLite file with other tables (no '" + std::string(kFormat) + "' marker)");
    create_tables(db);
    return;
  }
  SQLite::Statement get(db, "SELECT value FROM meta WHERE key = ?");
  get.bind(1, "format");
  if (!get.executeStep() || get.getColumn(0).getString() != kFormat)
    throw_unusable(file, "an SQLite file without the '" + std::string(kFormat) + "' marker");
  get.reset();
  get.bind(1, "version");
  const std::int64_t version = get.executeStep() ? get.getColumn(0).getInt64() : 0;
  if (version > kVersion)
    throw_unusable(file, "written by a newer mtpipe (version " + std::to_string(version) + " > " + std::to_string(kVersion) + ")");
  if (version < 1) throw_unusable(file, "format version " + std::to_string(version) + " does not exist");
  if (!has_table(db, "routes")) throw_unusable(file, "the routes table is missing");
}

RouteRecord read_row(SQLite::Statement& row, const std::filesystem::path& file) {
  RouteRecord r;
  r.channel_id = row.getColumn(0).getInt64();
  const auto bad = [&](const std::string& what) {
    throw_unusable(file, "channel " + std::to_string(r.channel_id) + " has " + what + ", which cannot be right");
  };
  const std::int64_t dc = row.getColumn(1).getInt64();
  if (dc <= 0 || dc > std::numeric_limits<std::int32_t>::max()) bad("DC " + std::to_string(dc));
  r.dc = static_cast<std::int32_t>(dc);
  r.confidence = row.getColumn(2).getDouble();
  if (!(r.confidence >= 0.0 && r.confidence <= 1.0)) bad("confidence " + std::to_string(r.confidence));
  const std::string source = row.getColumn(3).getString();
  const auto parsed = route_source_named(source);
  if (!parsed) bad("source '" + source + "'");
  r.source = *parsed;
  const auto count = [&](int column, const char* what) {
    const std::int64_t n = row.getColumn(column).getInt64();
    if (n < 0 || n > std::numeric_limits<std::uint32_t>::max()) bad(std::string(what) + " " + std::to_string(n));
    return static_cast<std::uint32_t>(n);
  };
  r.successes = count(4, "successes");
  r.failures = count(5, "failures");
  r.as_of = WallClock::time_point(std::chrono::milliseconds(row.getColumn(6).getInt64()));
  return r;
}

}  // namespace

struct DcRouteStore::Db {
  explicit Db(const std::filesystem::path& file)
      : db(file.string(), SQLite::OPEN_READWRITE, kBusyTimeoutMs) {}
  SQLite::Database db;
};

DcRouteStore::DcRouteStore(std::filesystem::path file) : file_(std::move(file)) {
  create_private(file_);
  check_file(file_);
  try {
    db_ = std::make_unique<Db>(file_);
    SQLite::Statement check(db_->db, "PRAGMA quick_check");
    while (check.executeStep()) {
      const std::string line = check.getColumn(0).getString();
      if (line != "ok") throw_unusable(file_, "SQLite: " + line);
    }
    check_or_create_schema(db_->db, file_);
  } catch (const SQLite::Exception& e) {
    throw_unusable(file_, std::string("SQLite: ") + e.what());
  }
}

DcRouteStore::~DcRouteStore() = default;

std::vector<RouteRecord> DcRouteStore::load() {
  std::vector<RouteRecord> out;
  try {
    SQLite::Statement all(db_->db,
                          "SELECT channel_id, dc, confidence, source, successes, failures, as_of_ms FROM routes");
    while (all.executeStep()) out.push_back(read_row(all, file_));
  } catch (const SQLite::Exception& e) {
    throw_unusable(file_, std::string("SQLite: ") + e.what());
  }
  return out;
}

void DcRouteStore::save(const std::vector<RouteRecord>& records) {
  if (records.empty()) return;
  try {
    SQLite::Transaction tx(db_->db);
    SQLite::Statement put(db_->db,
                          "INSERT OR REPLACE INTO routes (channel_id, dc, confidence, source, successes, failures, "
                          "as_of_ms) VALUES (?, ?, ?, ?, ?, ?, ?)");
    for (const auto& r : records) {
      put.bind(1, r.channel_id);
      put.bind(2, r.dc);
      put.bind(3, r.confidence);
      put.bind(4, std::string(to_string(r.source)));
      put.bind(5, static_cast<std::int64_t>(r.successes));
      put.bind(6, static_cast<std::int64_t>(r.failures));
      put.bind(7, static_cast<std::int64_t>(
                      std::chrono::duration_cast<std::chrono::milliseconds>(r.as_of.time_since_epoch()).count()));
      put.exec();
      put.reset();
    }
    tx.commit();
  } catch (const SQLite::Exception& e) {
    throw_io(file_, "save routes to", std::string("SQLite: ") + e.what());
  }
}

std::size_t save_changes(DcRouter& router, DcRouteStore& store, Clock::time_point now, WallClock::time_point wall_now) {
  const auto changed = router.changes(now, wall_now);
  store.save(changed);
  router.mark_saved();
  return changed.size();
}

}  // namespace mtpipe::scale
