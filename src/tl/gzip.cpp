#include "tl/gzip.h"

#include <zlib.h>

#include <algorithm>
#include <climits>
#include <stdexcept>

namespace mtpipe::tl {

namespace {

template <class Out>
Inflated inflate_into(std::string_view packed, std::size_t max_size, Out& out) {
  out.clear();
  if (packed.size() > UINT_MAX) return Inflated::corrupt;  // far beyond any packet
  z_stream zs{};
  if (inflateInit2(&zs, 15 + 32) != Z_OK) return Inflated::corrupt;  // +32: accept gzip and zlib headers
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(packed.data()));
  zs.avail_in = static_cast<uInt>(packed.size());
  Inflated result = Inflated::corrupt;
  for (;;) {
    const std::size_t at = out.size();
    // Geometric growth, and one byte past the limit at most: that byte tells a result of exactly max_size from
    // a larger one.
    const std::size_t room = std::min<std::size_t>({std::max<std::size_t>(at, 4096), max_size - at, UINT_MAX - 1}) + 1;
    out.resize(at + room);
    zs.next_out = reinterpret_cast<Bytef*>(out.data() + at);
    zs.avail_out = static_cast<uInt>(room);
    const int rc = ::inflate(&zs, Z_NO_FLUSH);
    out.resize(at + room - zs.avail_out);
    if (out.size() > max_size) {
      result = Inflated::too_large;
      break;
    }
    if (rc == Z_STREAM_END) {
      result = Inflated::ok;
      break;
    }
    if (rc != Z_OK) break;  // bad data, a dictionary we do not have, or input that ends early (Z_BUF_ERROR)
  }
  inflateEnd(&zs);
  return result;
}

}  // namespace

Inflated gzip_inflate(std::string_view packed, std::size_t max_size, std::string& out) {
  return inflate_into(packed, max_size, out);
}

Inflated gzip_inflate(std::string_view packed, std::size_t max_size, std::vector<std::uint8_t>& out) {
  return inflate_into(packed, max_size, out);
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
