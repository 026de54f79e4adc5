#include "app/network_choice.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "crypto/telegram_keys.h"
#include "sim/ready_file.h"

namespace mtpipe::app {
namespace {

client::Network telegram(bool test) {
  client::Network n;
  n.test_dcs = test;
  n.default_dc = 2;
  if (test) {
    n.bootstrap = {{1, "149.154.175.10", 443, false}, {2, "149.154.167.40", 443, false}, {3, "149.154.175.117", 443, false}};
    n.server_keys.push_back(crypto::RsaPublicKey::from_pem(crypto::kTestDcKey));
  } else {
    n.bootstrap = {{1, "149.154.175.53", 443, false},
                   {2, "149.154.167.51", 443, false},
                   {3, "149.154.175.100", 443, false},
                   {4, "149.154.167.91", 443, false},
                   {5, "91.108.56.130", 443, false}};
    n.server_keys.push_back(crypto::RsaPublicKey::from_pem(crypto::kProductionKey));
  }
  return n;
}

client::Network sim(const std::string& ready_path) {
  std::ifstream in(ready_path);
  if (!in) throw std::invalid_argument("--server sim:" + ready_path + ": cannot read the sim's ready file (start `mtpipe sim --ready-file " + ready_path + "` first)");
  std::stringstream text;
  text << in.rdbuf();
  const auto ready = sim::ReadyFile::parse(text.str());
  client::Network n;
  for (const auto& dc : ready.cluster.dcs) n.bootstrap.push_back({dc.id, ready.cluster.host, dc.port, false});
  n.server_keys.push_back(crypto::RsaPublicKey::from_pem(ready.rsa_public_pem));
  n.default_dc = ready.cluster.dcs.size() > 1 ? ready.cluster.dcs[1].id : ready.cluster.dcs.at(0).id;
  return n;
}

}  // namespace

client::Network network_for(const std::string& server) {
  if (server == "telegram") return telegram(false);
  if (server == "telegram-test") return telegram(true);
  if (server.rfind("sim:", 0) == 0 && server.size() > 4) return sim(server.substr(4));
  throw std::invalid_argument("--server / MTPIPE_SERVER: expected telegram, telegram-test or sim:READY_FILE, got '" +
                              server + "'");
}

}  // namespace mtpipe::app
