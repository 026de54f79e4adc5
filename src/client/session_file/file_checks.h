#pragma once
// The checks every session file read starts with, shared by the store and the Telethon import. Internal.

#include <filesystem>
#include <string>

namespace mtpipe::client::session_file {

// Throws SessionFileError: missing (naming the account, from the file's stem), io, or not_a_file.
void check_present(const std::filesystem::path& file);
// Throws SessionFileError (corrupt) unless the file starts with SQLite's header: SQLite would otherwise take an
// empty file for an empty database.
void check_sqlite_header(const std::filesystem::path& file);
[[noreturn]] void throw_corrupt(const std::filesystem::path& file, const std::string& why);

}  // namespace mtpipe::client::session_file
