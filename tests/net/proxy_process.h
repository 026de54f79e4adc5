// Real proxy programs (danted, tinyproxy) started by a test on a loopback port, with their configuration in a
// temporary directory, and killed (with every process they forked) when the test ends.
#pragma once

#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstring>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace mtpipe::testing {

// A fresh directory under the system temp dir, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "mtpipe-proxy-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path write(const std::string& name, const std::string& text) const {
    const auto file = path_ / name;
    std::ofstream(file) << text;
    return file;
  }

 private:
  std::filesystem::path path_;
};

// A port nobody listens on right now (bound, read, released). Another process could take it before the proxy
// does; on loopback in a test that is rare enough, and the proxy would then fail to start, loudly.
inline std::uint16_t free_loopback_port() {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor acceptor(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  return acceptor.local_endpoint().port();
}

// Whether `binary` exists; otherwise the test fails saying what to install (a missing proxy must not turn into
// a skipped test that nobody notices).
inline bool require_binary(const std::string& binary, const std::string& package) {
  if (access(binary.c_str(), X_OK) == 0) return true;
  ADD_FAILURE() << binary << " not found: install the Debian package " << package
                << " (scripts/setup.sh installs it)";
  return false;
}

class ProxyProcess {
 public:
  // Starts argv[0] in its own process group, its output going to a log file in `dir`, and returns once `port`
  // accepts connections. Throws std::runtime_error, quoting the log, if it exits or never listens.
  ProxyProcess(std::vector<std::string> argv, const TempDir& dir, std::uint16_t port)
      : log_(dir.path() / (std::filesystem::path(argv[0]).filename().string() + ".log")) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attributes, 0);
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    const int rc = posix_spawn(&pid_, argv[0].c_str(), &actions, &attributes, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    if (rc != 0) throw std::runtime_error("could not start " + argv[0] + ": " + std::strerror(rc));
    wait_listening(argv[0], port);
  }
  ~ProxyProcess() { stop(); }
  ProxyProcess(const ProxyProcess&) = delete;
  ProxyProcess& operator=(const ProxyProcess&) = delete;

  // Kills the whole process group (danted forks helpers) and reaps the leader.
  void stop() {
    if (pid_ <= 0) return;
    kill(-pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
  }

  std::string log() const {
    std::ifstream in(log_);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

 private:
  // Polls with a connect until the proxy listens: the only readiness signal these programs give in common.
  void wait_listening(const std::string& name, std::uint16_t port) {
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    boost::asio::io_context io;
    while (std::chrono::steady_clock::now() < give_up) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        throw std::runtime_error(name + " exited at start; its output:\n" + log());
      }
      boost::asio::ip::tcp::socket probe(io);
      boost::system::error_code ec;
      probe.connect({boost::asio::ip::make_address("127.0.0.1"), port}, ec);
      if (!ec) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    stop();
    throw std::runtime_error(name + " did not listen on port " + std::to_string(port) + " within 10 s; its output:\n" +
                             log());
  }

  std::filesystem::path log_;
  pid_t pid_ = -1;
};

}  // namespace mtpipe::testing
