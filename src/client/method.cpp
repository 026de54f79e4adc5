#include "client/method.h"

#include <stdexcept>

#include "mtproto/session/message_unpack.h"
#include "tl/schema_table.h"

namespace mtpipe::client {

Method::Method(std::uint32_t id) noexcept : id_(id) {
  // The table's names are static data: the view stays valid for the life of the process.
  if (const auto* entry = tl::schema::find(id)) name_ = entry->name;
}

Method Method::of(std::span<const std::uint8_t> query) noexcept { return Method(mtproto::session::constructor_of(query)); }

Method Method::named(std::string_view name) {
  const auto* entry = tl::schema::find(name);
  if (!entry) throw std::invalid_argument("the schema has no method " + std::string(name));
  return Method(entry->id);
}

std::string Method::text() const { return name_ != kUnknown ? std::string(name_) : tl::schema::name_of(id_); }

}  // namespace mtpipe::client
