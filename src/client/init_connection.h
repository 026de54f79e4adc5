#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace mtpipe::client {

// Who we tell the server we are (initConnection). api_hash is not sent here: only auth.sendCode and
// auth.importBotAuthorization carry it.
struct ApiIdentity {
  std::int32_t api_id = 0;
  std::string api_hash;
  std::string device_model = "mtpipe";
  std::string system_version = "Linux";
  std::string app_version = "0.1.0";
  std::string system_lang_code = "en";
  std::string lang_pack;
  std::string lang_code = "en";
};

// The MTProxy a connection goes through; initConnection reports it, as Telegram asks of clients.
struct ClientProxy {
  std::string address;
  std::int32_t port = 0;
};

// invokeWithLayer(layer, initConnection(identity, query)): the first query of every new connection must say
// which layer it speaks and who the client is. Written by hand: the generated types hold the inner query as an
// object, and here it is bytes already.
std::vector<std::uint8_t> wrap_init_connection(std::span<const std::uint8_t> query, const ApiIdentity& identity,
                                               std::int32_t layer, const std::optional<ClientProxy>& proxy);

}  // namespace mtpipe::client
