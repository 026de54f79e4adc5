#pragma once
// The tables of an mtpipe session file and the code that moves a SessionData in and out of them. Internal to
// the session store (and its tests): callers use SessionStore.

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "client/session_data.h"

namespace mtpipe::client::session_file {

inline constexpr std::string_view kFormatMarker = "mtpipe-session";
// Version 2 adds the meta row 'fence_token': the fencing token of the save that wrote the file. Its tables are
// those of version 1, so a version-1 file needs no rewrite to be read: it reads as a file without a token, and
// its next save writes version 2. An older mtpipe refuses a version-2 file, as it must: it would save over a
// newer holder's file without looking at the token.
inline constexpr std::int64_t kSchemaVersion = 2;

// What an SQLite file is, judged by its tables and its meta table.
enum class FileKind { mtpipe, telethon, foreign };
struct FileIdentity {
  FileKind kind = FileKind::foreign;
  std::int64_t schema_version = 0;  // for FileKind::mtpipe
};
FileIdentity identify(SQLite::Database& db);

// Creates the tables in an empty database and writes the whole session and its fencing token (none: no row), in
// one transaction.
void write_new_session(SQLite::Database& db, const SessionData& session, std::optional<std::int64_t> fence_token);

// The fencing token a file `identify` accepted as ours records, at any version (meta's rows never change).
std::optional<std::int64_t> read_fence_token(SQLite::Database& db);

// Reads a file `identify` accepted as ours at a version we know. Throws std::runtime_error naming the table
// and the value when a value cannot be right (a key that is not 256 bytes, an unknown peer kind, ...); the
// message never contains key bytes.
SessionData read_session(SQLite::Database& db);

// Inserts or replaces these peers in an existing file, in one transaction.
void upsert_peers(SQLite::Database& db, const std::vector<PeerRecord>& peers);

}  // namespace mtpipe::client::session_file
