#include "client/init_connection.h"

#include "tl/api.h"
#include "tl/writer.h"

namespace mtpipe::client {

std::vector<std::uint8_t> wrap_init_connection(std::span<const std::uint8_t> query, const ApiIdentity& identity,
                                               std::int32_t layer, const std::optional<ClientProxy>& proxy) {
  tl::Writer w(query.size() + 128);
  w.u32(tl::api::invokeWithLayer::ID);
  w.i32(layer);
  w.u32(tl::api::initConnection::ID);
  w.u32(proxy ? 1u : 0u);  // flags.0: proxy
  w.i32(identity.api_id);
  w.string(identity.device_model);
  w.string(identity.system_version);
  w.string(identity.app_version);
  w.string(identity.system_lang_code);
  w.string(identity.lang_pack);
  w.string(identity.lang_code);
  if (proxy) {
    w.u32(tl::api::inputClientProxy::ID);
    w.string(proxy->address);
    w.i32(proxy->port);
  }
  w.raw(query);
  return w.take();
}

}  // namespace mtpipe::client
