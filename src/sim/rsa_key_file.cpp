#include "sim/rsa_key_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace mtpipe::sim {

crypto::RsaPrivateKey generate_peer_friendly_key() {
  for (;;) {
    auto key = crypto::RsaPrivateKey::generate(2048);
    if ((key.public_key().fingerprint() >> 60) != 0) return key;
  }
}

crypto::RsaPrivateKey load_or_create_rsa_key(const std::string& path) {
  if (path.empty()) return generate_peer_friendly_key();
  std::ifstream in(path);
  if (in) {
    std::stringstream text;
    text << in.rdbuf();
    try {
      return crypto::RsaPrivateKey::from_pem(text.str());
    } catch (const std::exception& e) {
      throw std::runtime_error("sim: " + path + " is not a 2048-bit RSA private key in PEM form (" + e.what() + ")");
    }
  }
  auto key = generate_peer_friendly_key();
  const std::string pem = key.to_pem();
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) throw std::runtime_error("sim: cannot create " + tmp + ": " + std::strerror(errno));
  const bool written = ::write(fd, pem.data(), pem.size()) == static_cast<ssize_t>(pem.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!written || ::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    throw std::runtime_error("sim: cannot write " + path + ": " + std::strerror(errno));
  }
  return key;
}

}  // namespace mtpipe::sim
