#include "client/call/migration.h"

#include "client/client.h"

namespace mtpipe::client {
namespace {

// PHONE/USER/NETWORK_MIGRATE move the account; FILE/STATS_MIGRATE send just this request elsewhere.
bool moves_home(RpcErrorKind kind) {
  return kind == RpcErrorKind::phone_migrate || kind == RpcErrorKind::user_migrate ||
         kind == RpcErrorKind::network_migrate;
}

}  // namespace

boost::asio::awaitable<Outcome> Migration::send(Call& call) {
  for (;;) {
    auto outcome = co_await next_.send(call);
    const auto* rpc = std::get_if<RpcError>(&outcome);
    if (rpc == nullptr || !rpc->is_migrate() || !rpc->value() || ++call.migrations > max_migrations_) co_return outcome;
    const std::int32_t target = *rpc->value();
    if (moves_home(rpc->kind()) && !call.pinned_dc) {
      // The account lives elsewhere: carry the login over (when there is one), then make that DC home.
      if (account_.logged_in()) co_await account_.authorize_on(target, call.deadline);
      account_.move_home(target);
      ++stats_.migrations;
    } else {
      ++stats_.migrations;
      if (call.trace) ++call.trace->request_migrations;
      call.pinned_dc = target;
    }
  }
}

}  // namespace mtpipe::client
