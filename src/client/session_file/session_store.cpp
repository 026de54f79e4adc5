#include "client/session_file/session_store.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Statement.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "client/session_file/account_lock.h"
#include "client/session_file/account_name.h"
#include "client/session_file/atomic_replace.h"
#include "client/session_file/file_checks.h"
#include "client/session_file/session_schema.h"

namespace mtpipe::client::session_file {
namespace {

constexpr int kBusyTimeoutMs = 5000;  // another mtpipe process may be upserting peers

void check_permissions(const std::filesystem::path& file) {
  const auto mode = file_permissions(file);
  if (!permissions_safe(mode))
    throw SessionFileError(Problem::unsafe_mode, file,
                           file.string() + " has mode " + octal_mode(mode) +
                               ": other users may read the account's keys; refusing it. Run `chmod 600 " +
                               file.string() + "` if only you could have read it, or log out that session");
}

// Opens an mtpipe session file this version can read, or says why not.
SQLite::Database open_session(const std::filesystem::path& file, bool writable) {
  check_sqlite_header(file);
  // Writable when we may, so that SQLite can roll back a journal a crashed upsert left behind.
  if (::access(file.c_str(), W_OK) != 0) writable = false;
  try {
    // NOFOLLOW: a link put in place after check_present looked is refused too.
    SQLite::Database db(file.string(), (writable ? SQLite::OPEN_READWRITE : SQLite::OPEN_READONLY) | SQLite::OPEN_NOFOLLOW,
                        kBusyTimeoutMs);
    const auto identity = identify(db);
    if (identity.kind == FileKind::telethon)
      throw SessionFileError(Problem::telethon, file,
                             file.string() + " is a Telethon session, import it with `mtpipe sessions import --account " +
                                 file.stem().string() + " --telethon-file " + file.string() + " --force`");
    if (identity.kind == FileKind::foreign)
      throw SessionFileError(Problem::foreign, file,
                             file.string() + " is an SQLite file but not an mtpipe session (no '" +
                                 std::string(kFormatMarker) + "' marker)");
    if (identity.schema_version > kSchemaVersion)
      throw SessionFileError(Problem::newer_version, file,
                             file.string() + " was written by a newer mtpipe (version " +
                                 std::to_string(identity.schema_version) + " > " + std::to_string(kSchemaVersion) +
                                 "); use that mtpipe or a newer one");
    if (identity.schema_version < 1)
      throw_corrupt(file, "schema version " + std::to_string(identity.schema_version) + " does not exist");
    return db;
  } catch (const SQLite::Exception& e) {
    throw_corrupt(file, std::string("SQLite: ") + e.what());
  }
}

[[noreturn]] void throw_fenced(const std::filesystem::path& file, std::string_view name, FenceToken fence,
                               FenceToken recorded) {
  throw SessionFileError(Problem::fenced, file,
                         "not saving " + file.string() + ": this process's fencing token " + std::to_string(fence) +
                             " is lower than the token " + std::to_string(recorded) + " the file records: a newer " +
                             "holder drives account " + std::string(name) + " now (this process lost its lease)");
}

// The token a save must not go below. Nothing when there is no file, or none a save would not replace anyway (not
// an mtpipe session, unreadable: saving over those is how they are mended). A link is refused.
std::optional<FenceToken> recorded_fence(const std::filesystem::path& file) {
  struct stat st{};
  if (::lstat(file.c_str(), &st) != 0) return std::nullopt;
  if (S_ISLNK(st.st_mode)) throw_symlink(file);
  if (!S_ISREG(st.st_mode)) return std::nullopt;  // the rename reports a directory in the way
  try {
    auto db = open_session(file, true);
    return read_fence_token(db);
  } catch (const SessionFileError& e) {
    if (e.problem() == Problem::not_a_file) throw;
  } catch (const std::runtime_error&) {  // SQLite's errors and bad values both
  }
  return std::nullopt;
}

std::vector<std::string> run_integrity_check(SQLite::Database& db) {
  std::vector<std::string> problems;
  SQLite::Statement check(db, "PRAGMA quick_check");
  while (check.executeStep()) {
    std::string line = check.getColumn(0).getString();
    if (line != "ok") problems.push_back(std::move(line));
  }
  return problems;
}

}  // namespace

std::string octal_mode(mode_t mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
  return text;
}

mode_t file_permissions(const std::filesystem::path& file) {
  struct stat st{};
  if (::lstat(file.c_str(), &st) != 0)
    throw SessionFileError(Problem::io, file, "cannot read " + file.string() + ": " + std::strerror(errno));
  return st.st_mode & 07777;
}

SessionData read_session_file(const std::filesystem::path& file) {
  check_present(file);
  auto db = open_session(file, true);
  try {
    // A session that reads as something it is not is worse than none: a damaged page is refused here rather than
    // read as a shorter peer list or a missing key.
    if (const auto problems = run_integrity_check(db); !problems.empty()) throw_corrupt(file, "SQLite: " + problems.front());
    return read_session(db);
  } catch (const SQLite::Exception& e) {
    throw_corrupt(file, std::string("SQLite: ") + e.what());
  } catch (const std::runtime_error& e) {
    if (dynamic_cast<const SessionFileError*>(&e) != nullptr) throw;
    throw_corrupt(file, e.what());
  }
}

std::vector<std::string> integrity_problems(const std::filesystem::path& file) {
  check_present(file);
  auto db = open_session(file, false);
  try {
    return run_integrity_check(db);
  } catch (const SQLite::Exception& e) {
    return {e.what()};
  }
}

std::filesystem::path SessionStore::path_of(std::string_view name) const { return session_path(dir_, name); }

bool SessionStore::exists(std::string_view name) const {
  std::error_code ec;
  return std::filesystem::symlink_status(path_of(name), ec).type() != std::filesystem::file_type::not_found;
}

SessionData SessionStore::load(std::string_view name) const {
  const auto file = path_of(name);
  check_sessions_dir(dir_);
  check_present(file);
  check_permissions(file);
  return read_session_file(file);
}

std::optional<FenceToken> SessionStore::fence(std::string_view name) const {
  const auto file = path_of(name);
  check_sessions_dir(dir_);
  if (!exists(name)) return std::nullopt;
  check_present(file);
  check_permissions(file);
  auto db = open_session(file, false);
  try {
    return read_fence_token(db);
  } catch (const std::runtime_error& e) {
    throw_corrupt(file, e.what());
  }
}

void SessionStore::save(std::string_view name, const SessionData& session, std::optional<FenceToken> fence) const {
  const auto file = path_of(name);
  check_sessions_dir(dir_);
  const AccountLock lock(dir_, name, lock_wait_);
  const auto recorded = recorded_fence(file);
  if (fence && recorded && *fence < *recorded) throw_fenced(file, name, *fence, *recorded);
  const auto written = fence ? fence : recorded;
  atomic_replace(file, [&](const std::filesystem::path& temp) {
    try {
      SQLite::Database db(temp.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_NOFOLLOW);
      // The file is new and private until the rename, so it needs no journal: a failure discards it whole.
      db.exec("PRAGMA journal_mode = OFF");
      write_new_session(db, session, written);
    } catch (const SQLite::Exception& e) {
      throw SessionFileError(Problem::io, file, "cannot write " + file.string() + ": SQLite: " + e.what());
    }
  });
}

void SessionStore::upsert_peers(std::string_view name, const std::vector<PeerRecord>& peers,
                                std::optional<FenceToken> fence) const {
  const auto file = path_of(name);
  check_sessions_dir(dir_);
  const AccountLock lock(dir_, name, lock_wait_);
  check_present(file);
  check_permissions(file);
  auto db = open_session(file, true);
  try {
    const auto recorded = fence ? read_fence_token(db) : std::nullopt;
    if (fence && recorded && *fence < *recorded) throw_fenced(file, name, *fence, *recorded);
    session_file::upsert_peers(db, peers);
  } catch (const SQLite::Exception& e) {
    throw SessionFileError(Problem::io, file, "cannot update " + file.string() + ": SQLite: " + e.what());
  }
}

std::vector<std::string> SessionStore::account_names() const {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir_, ec)) {
    const auto& p = entry.path();
    if (p.extension() != kSessionExtension) continue;
    auto stem = p.stem().string();
    if (is_valid_account_name(stem)) names.push_back(std::move(stem));
  }
  if (ec && ec != std::errc::no_such_file_or_directory)
    throw SessionFileError(Problem::io, dir_, "cannot list " + dir_.string() + ": " + ec.message());
  std::sort(names.begin(), names.end());
  return names;
}

void ensure_sessions_dir(const std::filesystem::path& dir) {
  std::error_code ec;
  if (std::filesystem::is_directory(dir, ec)) return check_sessions_dir(dir);
  if (dir.has_parent_path()) std::filesystem::create_directories(dir.parent_path(), ec);
  // 0700 asked for explicitly: the umask only ever takes bits away.
  if (::mkdir(dir.c_str(), S_IRWXU) != 0 && errno != EEXIST)
    throw SessionFileError(Problem::io, dir, "cannot create the sessions directory " + dir.string() + ": " +
                                                 std::strerror(errno));
}

}  // namespace mtpipe::client::session_file
