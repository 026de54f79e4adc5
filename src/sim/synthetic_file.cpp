#include "sim/synthetic_file.h"

namespace mtpipe::sim {

void fill_synthetic_file(std::uint64_t location_id, std::uint64_t offset, std::span<std::uint8_t> out) noexcept {
  // The sequence counts up modulo 251, so each byte follows from the one before it.
  std::uint8_t value = synthetic_file_byte(location_id, offset);
  for (auto& b : out) {
    b = value;
    value = value == 250 ? 0 : static_cast<std::uint8_t>(value + 1);
  }
}

bool is_synthetic_file_part(std::uint64_t location_id, std::uint64_t offset, std::string_view bytes) noexcept {
  std::uint8_t value = synthetic_file_byte(location_id, offset);
  for (const char c : bytes) {
    if (static_cast<std::uint8_t>(c) != value) return false;
    value = value == 250 ? 0 : static_cast<std::uint8_t>(value + 1);
  }
  return true;
}

tl::api::upload::getFile synthetic_file_request(std::int64_t document_id, std::int64_t offset, std::int32_t limit) {
  tl::api::upload::getFile req;
  auto location = std::make_unique<tl::api::inputDocumentFileLocation>();
  location->id = document_id;
  req.location = std::move(location);
  req.offset = offset;
  req.limit = limit;
  return req;
}

}  // namespace mtpipe::sim
