#include "client/session_file/telethon_import.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Statement.h>

#include <stdexcept>

#include "client/session_file/file_checks.h"
#include "client/session_file/session_file_error.h"
#include "client/session_file/session_schema.h"
#include "client/string_session.h"
#include "crypto/auth_key.h"

namespace mtpipe::client::session_file {
namespace {

// Telethon's "marked" ids (telethon.utils.get_peer_id / resolve_id): -100… is a channel, other negatives chats.
constexpr std::int64_t kChannelMark = 1'000'000'000'000;

PeerRecord peer_from_marked_id(std::int64_t marked, std::int64_t hash) {
  PeerRecord p;
  p.access_hash = hash;
  if (marked >= 0) {
    p.id = marked;
    p.kind = PeerKind::user;
  } else if (-marked > kChannelMark) {
    p.id = -marked - kChannelMark;
    p.kind = PeerKind::channel;
  } else {
    p.id = -marked;
    p.kind = PeerKind::chat;
  }
  return p;
}

// Telethon writes update_state.date as a Python float; a whole number reads back as an integer, a fraction not.
std::int32_t whole_seconds(const SQLite::Column& c) {
  if (c.isNull()) return 0;
  return static_cast<std::int32_t>(c.isFloat() ? static_cast<std::int64_t>(c.getDouble()) : c.getInt64());
}

SessionData home_dc_session(std::int32_t dc_id, std::string host, std::uint16_t port,
                            const std::uint8_t* key_bytes) {
  SessionData s;
  s.home_dc = dc_id;
  DcAuth auth;
  std::copy(key_bytes, key_bytes + auth.key.bytes.size(), auth.key.bytes.begin());
  auth.key.id = crypto::auth_key_id(auth.key.bytes);
  auth.authorized = true;
  s.dcs.emplace(dc_id, auth);
  s.addresses.push_back(DcAddress{dc_id, std::move(host), port, false});
  return s;
}

SessionData read_telethon_sessions_row(SQLite::Database& db, const std::filesystem::path& file) {
  SQLite::Statement row(db, "SELECT dc_id, server_address, port, auth_key FROM sessions");
  if (!row.executeStep())
    throw std::invalid_argument(file.string() + " has no DC in it (Telethon never connected with it)");
  const auto dc_id = row.getColumn(0).getInt64();
  const auto port = row.getColumn(2).getInt64();
  const auto key = row.getColumn(3);
  if (key.isNull() || key.getBytes() == 0)
    throw std::invalid_argument(file.string() + " has no auth key (Telethon never connected, or logged out)");
  if (!key.isBlob() || key.getBytes() != 256) throw_corrupt(file, "its auth key is not 256 bytes");
  if (dc_id <= 0 || dc_id > 255 || port <= 0 || port > 65535)
    throw_corrupt(file, "DC " + std::to_string(dc_id) + " port " + std::to_string(port) + " cannot be right");
  return home_dc_session(static_cast<std::int32_t>(dc_id), row.getColumn(1).getString(),
                         static_cast<std::uint16_t>(port), static_cast<const std::uint8_t*>(key.getBlob()));
}

void read_telethon_entities(SQLite::Database& db, SessionData& s) {
  SQLite::Statement entity(db, "SELECT id, hash, username FROM entities");
  while (entity.executeStep()) {
    auto p = peer_from_marked_id(entity.getColumn(0).getInt64(), entity.getColumn(1).getInt64());
    p.username = entity.getColumn(2).getString();  // Telethon stores it lower case already; NULL reads as ""
    s.peers[p.id] = std::move(p);
  }
}

void read_telethon_update_state(SQLite::Database& db, SessionData& s) {
  if (!db.tableExists("update_state")) return;  // Telethon sessions before table version 4
  SQLite::Statement state(db, "SELECT id, pts, qts, date, seq FROM update_state");
  while (state.executeStep()) {
    const auto id = state.getColumn(0).getInt64();
    const auto pts = state.getColumn(1).getInt();
    if (id == 0) {
      s.update_state =
          UpdateState{pts, state.getColumn(2).getInt(), whole_seconds(state.getColumn(3)), state.getColumn(4).getInt()};
    } else {
      s.channel_pts[id] = pts;  // Telethon keys channel states by the bare channel id
    }
  }
}

}  // namespace

SessionData import_telethon_file(const std::filesystem::path& file) {
  check_present(file);
  check_sqlite_header(file);
  try {
    SQLite::Database db(file.string(), SQLite::OPEN_READONLY | SQLite::OPEN_NOFOLLOW);
    const auto kind = identify(db).kind;
    if (kind == FileKind::mtpipe)
      throw SessionFileError(Problem::foreign, file,
                             file.string() + " is already an mtpipe session file; copy it into the sessions directory "
                                             "as <account>.session instead of importing it");
    if (kind == FileKind::foreign)
      throw SessionFileError(Problem::foreign, file, file.string() + " is an SQLite file but not a Telethon session");
    auto s = read_telethon_sessions_row(db, file);
    read_telethon_entities(db, s);
    read_telethon_update_state(db, s);
    return s;
  } catch (const SQLite::Exception& e) {
    throw_corrupt(file, std::string("SQLite: ") + e.what());
  }
}

SessionData import_telethon_string_session(std::string_view text) {
  const auto t = parse_telethon_string_session(text);
  if (!t.has_auth_key()) throw std::invalid_argument("the Telethon string session has no auth key (never logged in)");
  return home_dc_session(t.dc_id, t.ip, t.port, t.auth_key.data());
}

std::string export_telethon_string_session(const SessionData& session) {
  const auto key = session.dcs.find(session.home_dc);
  if (session.home_dc == 0 || key == session.dcs.end())
    throw std::invalid_argument("the session has no auth key for its home DC");
  const auto* address = session.address(session.home_dc);
  if (address == nullptr)
    throw std::invalid_argument("the session has no address for its home DC " + std::to_string(session.home_dc));
  TelethonStringSession t;
  t.dc_id = session.home_dc;
  t.ip = address->host;
  t.port = address->port;
  t.auth_key = key->second.key.bytes;
  return to_telethon_string_session(t);
}

}  // namespace mtpipe::client::session_file
