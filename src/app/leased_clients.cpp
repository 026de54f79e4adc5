#include "app/leased_clients.h"

#include "client/session_file/session_file_error.h"
#include "obs/log.h"

namespace mtpipe::app {
namespace session_file = client::session_file;

LeasedClients::LeasedClients(const session_file::SessionStore& store, const std::vector<std::string>& names,
                             std::vector<client::Client*> clients,
                             std::function<void(std::size_t, std::string)> on_fenced)
    : store_(store), names_(names), clients_(std::move(clients)), on_fenced_(std::move(on_fenced)),
      tokens_(clients_.size()) {}

void LeasedClients::start(std::size_t account, std::int64_t token) {
  // Load first: a file that cannot be read leaves the account stopped and the token unset. The file then records
  // this holder's token at once, so a stale holder's next save is refused even before this one changes anything.
  auto session = store_.load(names_.at(account));
  store_.save(names_.at(account), session, token);
  clients_.at(account)->reopen(std::move(session));
  tokens_[account] = token;
}

void LeasedClients::save(std::size_t account) {
  if (driving(account)) store_.save(names_.at(account), clients_.at(account)->session(), tokens_[account]);
}

void LeasedClients::stop(std::size_t account) {
  tokens_.at(account).reset();
  clients_.at(account)->close();
}

void LeasedClients::session_changed(std::size_t account, const client::SessionData& session) {
  if (!driving(account)) return;
  try {
    store_.save(names_.at(account), session, tokens_[account]);
  } catch (const session_file::SessionFileError& e) {
    if (e.problem() == session_file::Problem::fenced) {
      on_fenced_(account, e.what());
      return;
    }
    obs::log(obs::Level::error, "sessions", std::string("saving account ") + names_[account] + ": " + e.what());
  }
}

}  // namespace mtpipe::app
