#include "sim/config_144.h"

#include "tl/api.h"
#include "tl/serialize.h"
#include "tl/writer.h"

namespace mtpipe::sim {
namespace {

void write_dc_options(tl::Writer& w, const Cluster& cluster) {
  w.vector_header(cluster.dcs.size());
  for (const auto& dc : cluster.dcs) {
    tl::api::dcOption option;  // dcOption#18b7a10d is the same at layers 144, 198 and 223
    option.id = dc.id;
    option.ip_address = cluster.host;
    option.port = dc.port;
    option.tl_write(w);
  }
}

}  // namespace

std::vector<std::uint8_t> config_layer_144(const Cluster& cluster, std::int32_t this_dc, std::int32_t now_s) {
  tl::Writer w(512);
  w.u32(0x330b4067);
  w.u32(0);  // flags: no optional field, no true flag
  w.i32(now_s);
  w.i32(now_s + kConfigLifetimeS);
  w.boolean(false);  // test_mode
  w.i32(this_dc);
  write_dc_options(w, cluster);
  w.string("sim.invalid");  // dc_txt_domain_name
  // chat_size_max .. channels_read_media_period, in the layer-144 order
  for (const std::int32_t v : {200, 200000, 100, 210000, 5000, 30000, 300000, 60000, 1500, 60000, 1000, 200,
                               172800, 172800, 2147483647, 2419200, 15, 5, 604800})
    w.i32(v);
  // pinned_dialogs_count_max .. call_packet_timeout_ms
  for (const std::int32_t v : {5, 100, 20000, 90000, 30000, 10000}) w.i32(v);
  w.string("https://t.me/");  // me_url_prefix
  w.i32(1024);                // caption_length_max
  w.i32(4096);                // message_length_max
  w.i32(this_dc);             // webfile_dc_id
  return w.take();
}

std::vector<std::uint8_t> config_layer_223(const Cluster& cluster, std::int32_t this_dc, std::int32_t now_s) {
  tl::api::config c;
  c.date = now_s;
  c.expires = now_s + kConfigLifetimeS;
  c.this_dc = this_dc;
  for (const auto& dc : cluster.dcs) {
    auto option = std::make_unique<tl::api::dcOption>();
    option->id = dc.id;
    option->ip_address = cluster.host;
    option->port = dc.port;
    c.dc_options.push_back(std::move(option));
  }
  c.dc_txt_domain_name = "sim.invalid";
  c.chat_size_max = 200;
  c.megagroup_size_max = 200000;
  c.forwarded_count_max = 100;
  c.online_update_period_ms = 210000;
  c.offline_blur_timeout_ms = 5000;
  c.offline_idle_timeout_ms = 30000;
  c.online_cloud_timeout_ms = 300000;
  c.notify_cloud_delay_ms = 60000;
  c.notify_default_delay_ms = 1500;
  c.push_chat_period_ms = 60000;
  c.push_chat_limit = 1000;
  c.edit_time_limit = 172800;
  c.revoke_time_limit = 172800;
  c.revoke_pm_time_limit = 2147483647;
  c.rating_e_decay = 2419200;
  c.stickers_recent_limit = 15;
  c.channels_read_media_period = 604800;
  c.call_receive_timeout_ms = 20000;
  c.call_ring_timeout_ms = 90000;
  c.call_connect_timeout_ms = 30000;
  c.call_packet_timeout_ms = 10000;
  c.me_url_prefix = "https://t.me/";
  c.caption_length_max = 1024;
  c.message_length_max = 4096;
  c.webfile_dc_id = this_dc;
  return tl::serialize(c);
}

}  // namespace mtpipe::sim
