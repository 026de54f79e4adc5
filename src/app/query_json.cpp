#include "app/query_json.h"

#include <stdexcept>
#include <string>

#include "tl/json.h"
#include "tl/json_bridge.h"
#include "tl/schema_table.h"

namespace mtpipe::app {

std::vector<std::uint8_t> query_from_json(std::string_view method, std::string_view params) {
  const auto* entry = tl::schema::find(method);
  if (!entry || !entry->is_function || entry->is_mt)
    throw std::invalid_argument("unknown API method '" + std::string(method) + "' (see `mtpipe tl sample NAME`)");
  try {
    auto value = tl::json::parse(params);
    auto* fields = std::get_if<tl::json::Object>(&value.v);
    if (!fields)
      throw std::invalid_argument("the parameters must be a JSON object, e.g. '{\"id\": [{\"_\": \"inputUserSelf\"}]}'");
    fields->insert(fields->begin(), {"_", tl::json::Value{std::string(method)}});
    return tl::from_json(value);
  } catch (const tl::json::Error& e) {
    throw std::invalid_argument(std::string("parameters: ") + e.what());
  }
}

}  // namespace mtpipe::app
