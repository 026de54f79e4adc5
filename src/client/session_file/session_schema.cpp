#include "client/session_file/session_schema.h"

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include <limits>
#include <stdexcept>
#include <string>

#include "crypto/auth_key.h"

namespace mtpipe::client::session_file {
namespace {

// Versions 1 and 2 (see kSchemaVersion). A later version adds a migration from these; the tables of a version are
// never changed in place.
constexpr const char* kCreateTables = R"sql(
CREATE TABLE meta (key TEXT PRIMARY KEY, value NOT NULL);
CREATE TABLE account (
  only_row INTEGER PRIMARY KEY CHECK (only_row = 1),
  home_dc INTEGER NOT NULL,
  user_id INTEGER,
  bot INTEGER NOT NULL);
CREATE TABLE dc_auth (
  dc_id INTEGER PRIMARY KEY,
  auth_key BLOB NOT NULL,
  server_salt INTEGER NOT NULL,
  time_offset_ns INTEGER NOT NULL,
  authorized INTEGER NOT NULL);
CREATE TABLE dc_address (
  position INTEGER PRIMARY KEY,
  dc_id INTEGER NOT NULL,
  host TEXT NOT NULL,
  port INTEGER NOT NULL,
  media_only INTEGER NOT NULL);
CREATE TABLE peer (
  id INTEGER NOT NULL,
  kind INTEGER NOT NULL,
  access_hash INTEGER NOT NULL,
  username TEXT NOT NULL,
  PRIMARY KEY (id, kind));
CREATE TABLE update_state (
  only_row INTEGER PRIMARY KEY CHECK (only_row = 1),
  pts INTEGER NOT NULL, qts INTEGER NOT NULL, date INTEGER NOT NULL, seq INTEGER NOT NULL);
CREATE TABLE channel_pts (channel_id INTEGER PRIMARY KEY, pts INTEGER NOT NULL);
)sql";

[[noreturn]] void bad_value(const std::string& what) { throw std::runtime_error("bad value in " + what); }

std::int32_t int32_column(const SQLite::Column& c, const char* what) {
  if (!c.isInteger()) bad_value(std::string(what) + " (not an integer)");
  const auto v = c.getInt64();
  if (v < std::numeric_limits<std::int32_t>::min() || v > std::numeric_limits<std::int32_t>::max())
    bad_value(std::string(what) + " (" + std::to_string(v) + " is out of range)");
  return static_cast<std::int32_t>(v);
}

std::int64_t int64_column(const SQLite::Column& c, const char* what) {
  if (!c.isInteger()) bad_value(std::string(what) + " (not an integer)");
  return c.getInt64();
}

bool bool_column(const SQLite::Column& c, const char* what) {
  const auto v = int64_column(c, what);
  if (v != 0 && v != 1) bad_value(std::string(what) + " (" + std::to_string(v) + " is not 0 or 1)");
  return v == 1;
}

std::int32_t dc_id_column(const SQLite::Column& c, const char* what) {
  const auto dc = int32_column(c, what);
  if (dc <= 0) bad_value(std::string(what) + " (DC " + std::to_string(dc) + ")");
  return dc;
}

constexpr const char* kFenceTokenKey = "fence_token";

void write_meta(SQLite::Database& db, std::optional<std::int64_t> fence_token) {
  SQLite::Statement meta(db, "INSERT INTO meta (key, value) VALUES (?, ?)");
  meta.bind(1, "format");
  meta.bind(2, std::string(kFormatMarker));
  meta.exec();
  meta.reset();
  meta.bind(1, "schema_version");
  meta.bind(2, kSchemaVersion);
  meta.exec();
  if (!fence_token) return;
  meta.reset();
  meta.bind(1, kFenceTokenKey);
  meta.bind(2, *fence_token);
  meta.exec();
}

void write_account(SQLite::Database& db, const SessionData& s) {
  SQLite::Statement account(db, "INSERT INTO account (only_row, home_dc, user_id, bot) VALUES (1, ?, ?, ?)");
  account.bind(1, s.home_dc);
  if (s.user_id)
    account.bind(2, *s.user_id);
  else
    account.bind(2);
  account.bind(3, s.bot ? 1 : 0);
  account.exec();
}

void write_dcs(SQLite::Database& db, const SessionData& s) {
  SQLite::Statement auth(db,
                         "INSERT INTO dc_auth (dc_id, auth_key, server_salt, time_offset_ns, authorized) "
                         "VALUES (?, ?, ?, ?, ?)");
  for (const auto& [dc_id, a] : s.dcs) {
    auth.bind(1, dc_id);
    auth.bind(2, a.key.bytes.data(), static_cast<int>(a.key.bytes.size()));
    auth.bind(3, a.server_salt);
    auth.bind(4, a.time_offset_ns);
    auth.bind(5, a.authorized ? 1 : 0);
    auth.exec();
    auth.reset();
  }
  SQLite::Statement address(db,
                            "INSERT INTO dc_address (position, dc_id, host, port, media_only) VALUES (?, ?, ?, ?, ?)");
  std::int64_t position = 0;
  for (const auto& a : s.addresses) {
    address.bind(1, position++);
    address.bind(2, a.dc_id);
    address.bind(3, a.host);
    address.bind(4, static_cast<std::int32_t>(a.port));
    address.bind(5, a.media_only ? 1 : 0);
    address.exec();
    address.reset();
  }
}

void write_update_state(SQLite::Database& db, const SessionData& s) {
  if (s.update_state) {
    SQLite::Statement state(db, "INSERT INTO update_state (only_row, pts, qts, date, seq) VALUES (1, ?, ?, ?, ?)");
    state.bind(1, s.update_state->pts);
    state.bind(2, s.update_state->qts);
    state.bind(3, s.update_state->date);
    state.bind(4, s.update_state->seq);
    state.exec();
  }
  SQLite::Statement pts(db, "INSERT INTO channel_pts (channel_id, pts) VALUES (?, ?)");
  for (const auto& [channel, value] : s.channel_pts) {
    pts.bind(1, channel);
    pts.bind(2, value);
    pts.exec();
    pts.reset();
  }
}

void insert_peers(SQLite::Database& db, const std::vector<PeerRecord>& peers) {
  SQLite::Statement peer(db, "INSERT OR REPLACE INTO peer (id, kind, access_hash, username) VALUES (?, ?, ?, ?)");
  for (const auto& p : peers) {
    peer.bind(1, p.id);
    peer.bind(2, static_cast<std::int32_t>(p.kind));
    peer.bind(3, p.access_hash);
    peer.bind(4, p.username);
    peer.exec();
    peer.reset();
  }
}

void read_account(SQLite::Database& db, SessionData& s) {
  SQLite::Statement account(db, "SELECT home_dc, user_id, bot FROM account");
  if (!account.executeStep()) bad_value("account (no row)");
  s.home_dc = int32_column(account.getColumn(0), "account.home_dc");
  if (!account.getColumn(1).isNull()) s.user_id = int64_column(account.getColumn(1), "account.user_id");
  s.bot = bool_column(account.getColumn(2), "account.bot");
}

void read_dcs(SQLite::Database& db, SessionData& s) {
  SQLite::Statement auth(db, "SELECT dc_id, auth_key, server_salt, time_offset_ns, authorized FROM dc_auth");
  while (auth.executeStep()) {
    const auto dc_id = dc_id_column(auth.getColumn(0), "dc_auth.dc_id");
    DcAuth a;
    const auto key = auth.getColumn(1);
    if (!key.isBlob() || static_cast<std::size_t>(key.getBytes()) != a.key.bytes.size())
      bad_value("dc_auth.auth_key of DC " + std::to_string(dc_id) + " (not 256 bytes)");
    const auto* bytes = static_cast<const std::uint8_t*>(key.getBlob());
    std::copy(bytes, bytes + a.key.bytes.size(), a.key.bytes.begin());
    a.key.id = crypto::auth_key_id(a.key.bytes);
    a.server_salt = int64_column(auth.getColumn(2), "dc_auth.server_salt");
    a.time_offset_ns = int64_column(auth.getColumn(3), "dc_auth.time_offset_ns");
    a.authorized = bool_column(auth.getColumn(4), "dc_auth.authorized");
    s.dcs.emplace(dc_id, a);
  }
  SQLite::Statement address(db, "SELECT dc_id, host, port, media_only FROM dc_address ORDER BY position");
  while (address.executeStep()) {
    DcAddress a;
    a.dc_id = dc_id_column(address.getColumn(0), "dc_address.dc_id");
    a.host = address.getColumn(1).getString();
    const auto port = int32_column(address.getColumn(2), "dc_address.port");
    if (port < 0 || port > 65535) bad_value("dc_address.port (" + std::to_string(port) + ")");
    a.port = static_cast<std::uint16_t>(port);
    a.media_only = bool_column(address.getColumn(3), "dc_address.media_only");
    s.addresses.push_back(std::move(a));
  }
}

void read_peers(SQLite::Database& db, SessionData& s) {
  SQLite::Statement peer(db, "SELECT id, kind, access_hash, username FROM peer");
  while (peer.executeStep()) {
    PeerRecord p;
    p.id = int64_column(peer.getColumn(0), "peer.id");
    const auto kind = int32_column(peer.getColumn(1), "peer.kind");
    if (kind < 0 || kind > static_cast<int>(PeerKind::channel)) bad_value("peer.kind (" + std::to_string(kind) + ")");
    p.kind = static_cast<PeerKind>(kind);
    p.access_hash = int64_column(peer.getColumn(2), "peer.access_hash");
    p.username = peer.getColumn(3).getString();
    s.peers[p.id] = std::move(p);
  }
}

void read_update_state(SQLite::Database& db, SessionData& s) {
  SQLite::Statement state(db, "SELECT pts, qts, date, seq FROM update_state");
  if (state.executeStep()) {
    s.update_state = UpdateState{int32_column(state.getColumn(0), "update_state.pts"),
                                 int32_column(state.getColumn(1), "update_state.qts"),
                                 int32_column(state.getColumn(2), "update_state.date"),
                                 int32_column(state.getColumn(3), "update_state.seq")};
  }
  SQLite::Statement pts(db, "SELECT channel_id, pts FROM channel_pts");
  while (pts.executeStep())
    s.channel_pts[int64_column(pts.getColumn(0), "channel_pts.channel_id")] =
        int32_column(pts.getColumn(1), "channel_pts.pts");
}

}  // namespace

FileIdentity identify(SQLite::Database& db) {
  if (!db.tableExists("meta")) {
    // Telethon 1.x: version, sessions, entities (sent_files and update_state came later).
    const bool telethon = db.tableExists("version") && db.tableExists("sessions") && db.tableExists("entities");
    return {telethon ? FileKind::telethon : FileKind::foreign, 0};
  }
  SQLite::Statement meta(db, "SELECT key, value FROM meta WHERE key IN ('format', 'schema_version')");
  bool ours = false;
  std::int64_t version = 0;
  while (meta.executeStep()) {
    const std::string key = meta.getColumn(0).getString();
    const auto value = meta.getColumn(1);
    if (key == "format") ours = value.isText() && value.getString() == kFormatMarker;
    if (key == "schema_version" && value.isInteger()) version = value.getInt64();
  }
  if (!ours) return {FileKind::foreign, 0};
  return {FileKind::mtpipe, version};
}

void write_new_session(SQLite::Database& db, const SessionData& session, std::optional<std::int64_t> fence_token) {
  SQLite::Transaction tx(db);
  db.exec(kCreateTables);
  write_meta(db, fence_token);
  write_account(db, session);
  write_dcs(db, session);
  std::vector<PeerRecord> peers;
  peers.reserve(session.peers.size());
  for (const auto& [id, p] : session.peers) peers.push_back(p);
  insert_peers(db, peers);
  write_update_state(db, session);
  tx.commit();
}

std::optional<std::int64_t> read_fence_token(SQLite::Database& db) {
  SQLite::Statement meta(db, "SELECT value FROM meta WHERE key = ?");
  meta.bind(1, kFenceTokenKey);
  if (!meta.executeStep()) return std::nullopt;
  return int64_column(meta.getColumn(0), "meta.fence_token");
}

SessionData read_session(SQLite::Database& db) {
  SessionData s;
  read_account(db, s);
  read_dcs(db, s);
  read_peers(db, s);
  read_update_state(db, s);
  return s;
}

void upsert_peers(SQLite::Database& db, const std::vector<PeerRecord>& peers) {
  SQLite::Transaction tx(db);
  insert_peers(db, peers);
  tx.commit();
}

}  // namespace mtpipe::client::session_file
