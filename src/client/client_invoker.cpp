#include "client/client_invoker.h"

#include <stdexcept>

namespace mtpipe::client {

ClientInvoker::ClientInvoker(std::vector<Client*> clients) : clients_(std::move(clients)) {
  if (clients_.empty()) throw std::invalid_argument("the request chain needs at least one client");
}

boost::asio::awaitable<Answer> ClientInvoker::invoke(Request& request) {
  if (!request.account) request.account = 0;
  Client& client = *clients_.at(*request.account);
  request.trace = {};  // this attempt's, not an earlier account's
  CallOptions options;
  options.timeout = std::chrono::ceil<std::chrono::milliseconds>(request.deadline - std::chrono::steady_clock::now());
  options.dc = request.dc;
  options.resend_after_reconnect = request.resend_after_reconnect;
  options.trace = &request.trace;
  options.method = request.method;
  // Not a coroutine of its own: the client's call is the awaitable (its arguments are copied into it).
  return client.call(request.query, std::move(options));
}

}  // namespace mtpipe::client
