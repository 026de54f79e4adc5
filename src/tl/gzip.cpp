#include "tl/gzip.h"

#include <zlib.h>

#include <algorithm>
#include <stdexcept>

namespace mtpipe::tl {

bool gzip_inflate(std::string_view packed, std::size_t max_size, std::string& out) {
  z_stream zs{};
  if (inflateInit2(&zs, 15 + 32) != Z_OK) return false;  // +32: accept gzip and zlib headers
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(packed.data()));
  zs.avail_in = static_cast<uInt>(packed.size());
  out.clear();
  int rc = Z_OK;
  while (rc == Z_OK) {
    const std::size_t chunk = out.size() < 4096 ? 4096 : out.size();  // grow geometrically
    if (out.size() >= max_size) break;
    const std::size_t room = std::min(chunk, max_size - out.size());
    const std::size_t at = out.size();
    out.resize(at + room);
    zs.next_out = reinterpret_cast<Bytef*>(out.data() + at);
    zs.avail_out = static_cast<uInt>(room);
    rc = ::inflate(&zs, Z_NO_FLUSH);
    out.resize(at + room - zs.avail_out);
    if (rc == Z_BUF_ERROR && zs.avail_in == 0) break;  // truncated input
  }
  inflateEnd(&zs);
  return rc == Z_STREAM_END;
}

std::string gzip_deflate(std::string_view data, int level) {
  z_stream zs{};
  if (deflateInit2(&zs, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    throw std::runtime_error("zlib deflateInit2 failed");
  std::string out(deflateBound(&zs, static_cast<uLong>(data.size())) + 32, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  const int rc = ::deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) throw std::runtime_error("zlib deflate failed");
  return out;
}

}  // namespace mtpipe::tl
