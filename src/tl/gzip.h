// gzip (RFC 1952) as used by MTProto's gzip_packed, via zlib.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mtpipe::tl {

enum class Inflated : std::uint8_t { ok, corrupt, too_large };

// Inflates `packed` into `out` (replacing its content). `too_large` when the result would exceed `max_size`
// bytes (a decompression bomb: inflating stops there), `corrupt` for anything zlib cannot inflate to the end;
// `out` is unspecified unless `ok`.
Inflated gzip_inflate(std::string_view packed, std::size_t max_size, std::string& out);
Inflated gzip_inflate(std::string_view packed, std::size_t max_size, std::vector<std::uint8_t>& out);
std::string gzip_deflate(std::string_view data, int level = 6);

}  // namespace mtpipe::tl
