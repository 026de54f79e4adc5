#pragma once
// The checks every session file read starts with, shared by the store and the Telethon import. Internal.
// Nothing here follows a symbolic link: a link in place of a session file could point another user's process at
// a file of the link owner's choosing (or ours at theirs), so a link is refused, never read through.

#include <filesystem>
#include <string>

namespace mtpipe::client::session_file {

// Throws SessionFileError: missing (naming the account, from the file's stem), io, or not_a_file (a symbolic
// link among them).
void check_present(const std::filesystem::path& file);
// Throws SessionFileError (corrupt) unless the file starts with SQLite's header: SQLite would otherwise take an
// empty file for an empty database.
void check_sqlite_header(const std::filesystem::path& file);
[[noreturn]] void throw_corrupt(const std::filesystem::path& file, const std::string& why);
[[noreturn]] void throw_symlink(const std::filesystem::path& file);

// Throws SessionFileError (unsafe_mode) when group or others may write to the existing sessions directory `dir`:
// they could swap an account's file for one of theirs, or a link. A missing directory passes (whoever creates or
// writes into it reports that).
void check_sessions_dir(const std::filesystem::path& dir);

}  // namespace mtpipe::client::session_file
