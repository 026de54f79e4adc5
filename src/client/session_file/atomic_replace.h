#pragma once

#include <filesystem>
#include <functional>

namespace mtpipe::client::session_file {

// Replaces `target` as one step: `fill` writes the whole new content into a fresh file next to it, which is
// created with mode 0600 whatever the umask (O_CREAT|O_EXCL, then fchmod) so the secret is never readable by
// others even for a moment. The new file is fsynced, renamed over `target`, and the directory fsynced. When
// `fill` throws or the process dies before the rename, `target` is untouched (a dead process may leave a
// hidden `.NAME.tmp-*` file behind, which nothing reads). Throws SessionFileError (Problem::io) on a file
// system error, and rethrows whatever `fill` throws.
void atomic_replace(const std::filesystem::path& target, const std::function<void(const std::filesystem::path&)>& fill);

}  // namespace mtpipe::client::session_file
