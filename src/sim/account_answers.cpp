#include "sim/account_answers.h"

#include <cstring>

#include "crypto/dh.h"
#include "crypto/random.h"
#include "tl/api.h"
#include "tl/serialize.h"

namespace mtpipe::sim {
namespace {

namespace api = tl::api;

constexpr std::uint32_t kUser144 = 0x3ff6ecb0;
constexpr std::uint32_t kAuthorization144 = 0x33fb7bb8;
constexpr std::uint32_t kPassword144 = 0x185b184f;

std::string text(std::span<const std::uint8_t> bytes) { return {bytes.begin(), bytes.end()}; }

// user#3ff6ecb0 flags:# self:flags.10?true bot:flags.14?true id:long access_hash:flags.0?long
// first_name:flags.1?string last_name:flags.2?string username:flags.3?string phone:flags.4?string
// photo:flags.5?UserProfilePhoto status:flags.6?UserStatus bot_info_version:flags.14?int ...
void write_user_144(tl::Writer& w, const AccountProfile& a, bool self) {
  std::uint32_t flags = 1u << 0 | 1u << 1;
  if (self) flags |= 1u << 10;
  if (a.bot) flags |= 1u << 14;
  if (!a.last_name.empty()) flags |= 1u << 2;
  if (!a.username.empty()) flags |= 1u << 3;
  if (self && !a.phone.empty()) flags |= 1u << 4;
  w.u32(kUser144);
  w.u32(flags);
  w.i64(a.user_id);
  w.i64(a.access_hash);
  w.string(a.first_name);
  if (flags & 1u << 2) w.string(a.last_name);
  if (flags & 1u << 3) w.string(a.username);
  if (flags & 1u << 4) w.string(a.phone);
  if (a.bot) w.i32(1);  // bot_info_version
}

api::user user_223(const AccountProfile& a, bool self) {
  api::user u;
  u.self = self;
  u.bot = a.bot;
  if (a.bot) u.bot_info_version = 1;
  u.id = a.user_id;
  u.access_hash = a.access_hash;
  u.first_name = a.first_name;
  if (!a.last_name.empty()) u.last_name = a.last_name;
  if (!a.username.empty()) u.username = a.username;
  if (self && !a.phone.empty()) u.phone = a.phone;
  return u;
}

}  // namespace

void write_user(tl::Writer& w, const AccountProfile& account, bool self, std::int32_t layer) {
  if (speaks_layer_144(layer)) return write_user_144(w, account, self);
  user_223(account, self).tl_write(w);
}

std::vector<std::uint8_t> authorization_answer(const AccountProfile& account, std::int32_t layer) {
  if (!speaks_layer_144(layer)) {
    api::auth::authorization a;
    a.user = std::make_unique<api::user>(user_223(account, true));
    return tl::serialize(a);
  }
  // auth.authorization#33fb7bb8 flags:# setup_password_required:flags.1?true otherwise_relogin_days:flags.1?int
  // tmp_sessions:flags.0?int user:User
  tl::Writer w(256);
  w.u32(kAuthorization144);
  w.u32(0);
  write_user_144(w, account, true);
  return w.take();
}

std::vector<std::uint8_t> password_answer(const std::optional<PasswordChallenge>& challenge, std::int32_t layer) {
  const auto algo = [](std::span<const std::uint8_t> salt1, std::span<const std::uint8_t> salt2) {
    auto a = std::make_unique<api::passwordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow>();
    a->salt1 = text(salt1);
    a->salt2 = text(salt2);
    a->g = crypto::kTelegramDhG;
    a->p = text(crypto::kTelegramDhPrime);
    return a;
  };
  api::account::password p;
  std::vector<std::uint8_t> fresh_salt(8), secure_salt(8), secure_random(32);
  crypto::system_rng().fill(fresh_salt);
  crypto::system_rng().fill(secure_salt);
  crypto::system_rng().fill(secure_random);
  if (challenge) {
    p.has_password = true;
    p.current_algo = algo(challenge->salt1, challenge->salt2);
    p.srp_B = text(challenge->B);
    p.srp_id = challenge->srp_id;
    p.hint = "sim";
    p.new_algo = algo(challenge->salt1, challenge->salt2);
  } else {
    p.new_algo = algo(fresh_salt, fresh_salt);
  }
  auto secure = std::make_unique<api::securePasswordKdfAlgoSHA512>();
  secure->salt = text(secure_salt);
  p.new_secure_algo = std::move(secure);
  p.secure_random = text(secure_random);
  auto bytes = tl::serialize(p);
  // Layer 144's account.password#185b184f is layer 223's without login_email_pattern (flags.6, unset here): the
  // same bytes under another constructor id.
  if (speaks_layer_144(layer)) std::memcpy(bytes.data(), &kPassword144, 4);  // TL is little-endian, as we are
  return bytes;
}

}  // namespace mtpipe::sim
