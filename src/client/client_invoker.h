#pragma once

#include <vector>

#include "client/client.h"
#include "client/invoker.h"

namespace mtpipe::client {

// The bottom of the request chain: the client of the request's account sends it (account 0 when no link chose
// one), within what is left of the request's deadline, to the DC a link chose.
class ClientInvoker final : public Invoker {
 public:
  // `clients[i]` is account i's client; each must outlive the invoker.
  explicit ClientInvoker(std::vector<Client*> clients);

  boost::asio::awaitable<Answer> invoke(Request& request) override;

 private:
  std::vector<Client*> clients_;
};

}  // namespace mtpipe::client
