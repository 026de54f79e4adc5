#include "sim/ready_file.h"

#include <cstdio>
#include <stdexcept>

#include "tl/json.h"

namespace mtpipe::sim {
namespace {

const tl::json::Value& member(const tl::json::Value& object, std::string_view key) {
  const auto* v = object.is_object() ? object.find(key) : nullptr;
  if (v == nullptr) throw std::runtime_error("sim ready file: no \"" + std::string(key) + "\"");
  return *v;
}

std::int64_t integer(const tl::json::Value& v, std::string_view key) {
  if (const auto* i = std::get_if<std::int64_t>(&v.v)) return *i;
  throw std::runtime_error("sim ready file: \"" + std::string(key) + "\" is not an integer");
}

const std::string& text(const tl::json::Value& v, std::string_view key) {
  if (!v.is_string()) throw std::runtime_error("sim ready file: \"" + std::string(key) + "\" is not a string");
  return v.string();
}

}  // namespace

std::string ReadyFile::to_json() const {
  tl::json::Writer w;
  w.begin_object();
  w.key("host");
  w.string(cluster.host);
  w.key("dcs");
  w.begin_array();
  for (const auto& dc : cluster.dcs) {
    w.begin_object();
    w.key("id");
    w.integer(dc.id);
    w.key("port");
    w.integer(dc.port);
    w.end_object();
  }
  w.end_array();
  w.key("rsa_public_pem");
  w.string(rsa_public_pem);
  w.key("fingerprint");
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(fingerprint));
  w.string(hex);
  if (mtproxy_port) {
    w.key("mtproxy_port");
    w.integer(*mtproxy_port);
  }
  w.end_object();
  return w.take();
}

ReadyFile ReadyFile::parse(std::string_view json) {
  const auto doc = tl::json::parse(json);
  ReadyFile f;
  f.cluster.host = text(member(doc, "host"), "host");
  const auto& dcs = member(doc, "dcs");
  if (!dcs.is_array()) throw std::runtime_error("sim ready file: \"dcs\" is not an array");
  for (const auto& dc : dcs.array())
    f.cluster.dcs.push_back({static_cast<std::int32_t>(integer(member(dc, "id"), "id")),
                             static_cast<std::uint16_t>(integer(member(dc, "port"), "port"))});
  f.rsa_public_pem = text(member(doc, "rsa_public_pem"), "rsa_public_pem");
  f.fingerprint = std::stoull(text(member(doc, "fingerprint"), "fingerprint"), nullptr, 16);
  if (doc.find("mtproxy_port") != nullptr)
    f.mtproxy_port = static_cast<std::uint16_t>(integer(member(doc, "mtproxy_port"), "mtproxy_port"));
  return f;
}

std::optional<std::uint16_t> ReadyFile::port(std::int32_t dc_id) const noexcept {
  for (const auto& dc : cluster.dcs)
    if (dc.id == dc_id) return dc.port;
  return std::nullopt;
}

}  // namespace mtpipe::sim
