// gzip (RFC 1952) as used by MTProto's gzip_packed, via zlib.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace mtpipe::tl {

// Inflates `packed` into `out`. Returns false on corrupt data or when the result would exceed
// `max_size` bytes (a decompression bomb), leaving `out` unspecified.
bool gzip_inflate(std::string_view packed, std::size_t max_size, std::string& out);
std::string gzip_deflate(std::string_view data, int level = 6);

}  // namespace mtpipe::tl
