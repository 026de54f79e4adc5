#pragma once
// Accounts move between Telethon and mtpipe: a Telethon .session file (SQLite, Telethon 1.x up to version 7 of
// its tables) or StringSession becomes a SessionData, and a SessionData's home DC becomes a StringSession.

#include <filesystem>
#include <string>
#include <string_view>

#include "client/session_data.h"

namespace mtpipe::client::session_file {

// Telethon keeps one DC, its address and its key, and never records whether the key is logged in; a session
// worth importing is, so the key is marked authorized. The user id stays unset until the Client asks
// (users.getFullUser(self)). Peers come from Telethon's entities (marked ids: user ids as they are, chats
// negated, channels -100…), the update state from its update_state row 0 and channel rows.
// Throws SessionFileError (the file's problem) or std::invalid_argument (a session without a key).
SessionData import_telethon_file(const std::filesystem::path& file);

// The StringSession's DC, address and key (parse errors as client::parse_telethon_string_session throws them).
SessionData import_telethon_string_session(std::string_view text);

// The home DC's key and address as Telethon writes them. Throws std::invalid_argument when there is no home DC
// key, no address for it, or the address is a host name (a StringSession holds only IP addresses).
std::string export_telethon_string_session(const SessionData& session);

}  // namespace mtpipe::client::session_file
