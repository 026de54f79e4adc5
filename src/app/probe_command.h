// `mtpipe probe`: connect to one DC, run the handshake and call help.getNearestDc N times, reporting what
// happened. The first thing to run when a DC or a proxy misbehaves.
#pragma once

#include <string>

namespace mtpipe::app {

struct ProbeOptions {
  std::string address;        // HOST:PORT
  std::string rsa_key_file;   // the DC's public key (PEM); a private key file works too
  std::string transport = "intermediate";
  int dc = 2;                 // the dc field of p_q_inner_data_dc
  int count = 1;
  int timeout_ms = 10'000;
  bool json = false;
};

int run_probe(const ProbeOptions& options);

}  // namespace mtpipe::app
