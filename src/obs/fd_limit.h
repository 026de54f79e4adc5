#pragma once

namespace mtpipe::obs {

// Raises this process's open-file soft limit to its hard limit: a server holding thousands of connections
// (the sim), or a client holding thousands of sessions, would otherwise stop at the usual 1,024. Returns the
// limit now in force.
long raise_open_file_limit() noexcept;

}  // namespace mtpipe::obs
