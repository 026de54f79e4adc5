#pragma once
// The synthetic files `upload.getFile` serves (docs/SIM.md), in one place for the sim that serves them and for
// every client, test and benchmark that checks them.
#include <cstdint>
#include <span>
#include <string_view>

#include "tl/api.h"

namespace mtpipe::sim {

// Every file location is a file of 8 MiB.
inline constexpr std::int64_t kSyntheticFileSize = 8 * 1024 * 1024;

// Byte `offset` of the file whose location id is `location_id`: (offset + 31 * id) mod 251.
inline std::uint8_t synthetic_file_byte(std::uint64_t location_id, std::uint64_t offset) noexcept {
  return static_cast<std::uint8_t>((offset + 31 * (location_id % 251)) % 251);
}

// The file's bytes from `offset` on, as many as `out` holds.
void fill_synthetic_file(std::uint64_t location_id, std::uint64_t offset, std::span<std::uint8_t> out) noexcept;
// True when `bytes` are exactly the file's bytes from `offset` on.
bool is_synthetic_file_part(std::uint64_t location_id, std::uint64_t offset, std::string_view bytes) noexcept;

// upload.getFile for part [offset, offset + limit) of the document with this id.
tl::api::upload::getFile synthetic_file_request(std::int64_t document_id, std::int64_t offset, std::int32_t limit);

}  // namespace mtpipe::sim
