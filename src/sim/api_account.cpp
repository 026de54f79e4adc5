// Login and account methods (docs/SIM.md "Accounts"): the code flow with PHONE_MIGRATE, 2FA over SRP, bots,
// authorization export/import, log-out and session revocation, and the logged-in basics.
#include <algorithm>

#include "crypto/bytes.h"
#include "sim/account_answers.h"
#include "sim/api_handlers.h"
#include "tl/api.h"
#include "tl/reader.h"
#include "tl/serialize.h"

namespace mtpipe::sim {
namespace {

namespace api = tl::api;
using crypto::as_bytes;

// auth.signIn#bcd51581 phone_number:string phone_code_hash:string phone_code:string (layer 144; 223 has flags).
constexpr std::uint32_t kSignIn144 = 0xbcd51581;

// A login step's outcome: the authorization, or the world's error.
ApiAnswer authorized(const ApiContext& ctx, const std::variant<AccountProfile, WorldError>& outcome,
                     std::string_view method) {
  if (const auto* e = std::get_if<WorldError>(&outcome)) return api_error(e->code, e->message, method);
  return api_result(authorization_answer(std::get<AccountProfile>(outcome), ctx.key.layer), method);
}

ApiAnswer send_code(const ApiContext& ctx, std::span<const std::uint8_t> query) {
  constexpr std::string_view name = api::auth::sendCode::NAME;
  // Read by hand: the codeSettings after the phone differs between layers (#8a6469c2 at 144) and is not needed.
  tl::Reader r(query);
  r.u32();
  const std::string phone = r.string();
  const auto account = ctx.world.account_by_phone(phone);
  if (!account) return api_error(400, "PHONE_NUMBER_INVALID", name);
  if (const auto network = ctx.world.take_network_migrate(ctx.this_dc))
    return api_error(303, "NETWORK_MIGRATE_" + std::to_string(*network), name);
  if (account->home_dc != ctx.this_dc) return api_error(303, "PHONE_MIGRATE_" + std::to_string(account->home_dc), name);
  api::auth::sentCode sent;
  auto type = std::make_unique<api::auth::sentCodeTypeApp>();
  type->length = 5;
  sent.type = std::move(type);
  sent.phone_code_hash = ctx.world.send_code(*account);
  return api_result(tl::serialize(sent), name);
}

ApiAnswer sign_in(const ApiContext& ctx, std::uint32_t ctor, std::span<const std::uint8_t> query) {
  constexpr std::string_view name = api::auth::signIn::NAME;
  std::string phone, hash, code;
  if (ctor == kSignIn144) {
    tl::Reader r(query);
    r.u32();
    phone = r.string();
    hash = r.string();
    code = r.string();
  } else {
    auto req = tl::parse_boxed<api::auth::signIn>(query);
    phone = std::move(req.phone_number);
    hash = std::move(req.phone_code_hash);
    code = req.phone_code.value_or("");
  }
  const auto account = phone_account(phone, ctx.world.cluster());
  if (account && account->home_dc != ctx.this_dc)
    return api_error(303, "PHONE_MIGRATE_" + std::to_string(account->home_dc), name);
  return authorized(ctx, ctx.world.sign_in(ctx.key_ref, phone, hash, code), name);
}

ApiAnswer get_password(const ApiContext& ctx) {
  constexpr std::string_view name = api::account::getPassword::NAME;
  std::int64_t user = ctx.world.awaiting_password(ctx.key_ref);
  if (user == 0) {
    const auto me = logged_in(ctx, name, false);
    if (const auto* refused = std::get_if<ApiAnswer>(&me)) return *refused;
    user = std::get<AccountProfile>(me).user_id;
  }
  return api_result(password_answer(ctx.world.password_challenge(user), ctx.key.layer), name);
}

ApiAnswer check_password(const ApiContext& ctx, std::span<const std::uint8_t> query) {
  constexpr std::string_view name = api::auth::checkPassword::NAME;
  const auto req = tl::parse_boxed<api::auth::checkPassword>(query);
  const auto* srp = dynamic_cast<const api::inputCheckPasswordSRP*>(req.password.get());
  if (srp == nullptr) return api_error(400, "PASSWORD_HASH_INVALID", name);
  return authorized(ctx, ctx.world.check_password(ctx.key_ref, srp->srp_id, as_bytes(srp->A), as_bytes(srp->M1)), name);
}

ApiAnswer export_authorization(const ApiContext& ctx, std::span<const std::uint8_t> query) {
  constexpr std::string_view name = api::auth::exportAuthorization::NAME;
  const auto req = tl::parse_boxed<api::auth::exportAuthorization>(query);
  // Any key logged in as the user may hand its login on, also on a DC the account has left: that is how a
  // client follows USER_MIGRATE without logging in again.
  const auto me = logged_in(ctx, name, false);
  if (const auto* refused = std::get_if<ApiAnswer>(&me)) return *refused;
  const auto& dcs = ctx.world.cluster().dcs;
  const bool known = std::any_of(dcs.begin(), dcs.end(), [&](const DcAddress& dc) { return dc.id == req.dc_id; });
  if (!known || req.dc_id == ctx.this_dc) return api_error(400, "DC_ID_INVALID", name);
  auto [id, bytes] = ctx.world.export_authorization(std::get<AccountProfile>(me).user_id, req.dc_id);
  api::auth::exportedAuthorization exported;
  exported.id = id;
  exported.bytes.assign(bytes.begin(), bytes.end());
  return api_result(tl::serialize(exported), name);
}

ApiAnswer get_users(const ApiContext& ctx, std::span<const std::uint8_t> query) {
  constexpr std::string_view name = api::users::getUsers::NAME;
  const auto req = tl::parse_boxed<api::users::getUsers>(query);
  const auto me = logged_in(ctx, name, true);
  if (const auto* refused = std::get_if<ApiAnswer>(&me)) return *refused;
  const auto& self = std::get<AccountProfile>(me);
  std::vector<std::pair<AccountProfile, bool>> found;  // (user, is self)
  for (const auto& input : req.id) {
    if (dynamic_cast<const api::inputUserSelf*>(input.get()) != nullptr) {
      found.emplace_back(self, true);
    } else if (const auto* u = dynamic_cast<const api::inputUser*>(input.get())) {
      const auto other = ctx.world.account(u->user_id);
      if (other && other->access_hash == u->access_hash) found.emplace_back(*other, other->user_id == self.user_id);
    }
  }
  tl::Writer w(256);
  w.vector_header(found.size());
  for (const auto& [user, is_self] : found) write_user(w, user, is_self, ctx.key.layer);
  return api_result(w.take(), name);
}

ApiAnswer get_state(const ApiContext& ctx) {
  constexpr std::string_view name = api::updates::getState::NAME;
  const auto me = logged_in(ctx, name, true);
  if (const auto* refused = std::get_if<ApiAnswer>(&me)) return *refused;
  api::updates::state state;
  state.pts = 1;
  state.qts = 0;
  state.date = static_cast<std::int32_t>(ctx.now_s);
  state.seq = 1;
  state.unread_count = 0;
  return api_result(tl::serialize(state), name);
}

ApiAnswer simple_logged_in(const ApiContext& ctx, std::uint32_t ctor) {
  const bool logout = ctor == api::auth::logOut::ID;
  const std::string_view name = logout ? api::auth::logOut::NAME : api::auth::resetAuthorizations::NAME;
  const auto me = logged_in(ctx, name, !logout);
  if (const auto* refused = std::get_if<ApiAnswer>(&me)) return *refused;
  if (logout) {
    ctx.world.log_out(ctx.key_ref);
    return api_result(tl::serialize(api::auth::loggedOut{}), name);
  }
  ctx.world.revoke_sessions(std::get<AccountProfile>(me).user_id, ctx.key_ref);
  tl::Writer w;
  w.boolean(true);
  return api_result(w.take(), name);
}

}  // namespace

std::variant<AccountProfile, ApiAnswer> logged_in(const ApiContext& ctx, std::string_view method, bool home_only) {
  const auto auth = ctx.world.authorization(ctx.key_ref);
  const auto account = auth ? ctx.world.account(auth->user_id) : std::nullopt;
  if (!account) return api_error(401, "AUTH_KEY_UNREGISTERED", method);
  if (home_only && account->home_dc != ctx.this_dc)
    return api_error(303, "USER_MIGRATE_" + std::to_string(account->home_dc), method);
  return *account;
}

bool is_account_method(std::uint32_t ctor) {
  switch (ctor) {
    case api::auth::sendCode::ID:
    case api::auth::signIn::ID:
    case kSignIn144:
    case api::account::getPassword::ID:
    case api::auth::checkPassword::ID:
    case api::auth::importBotAuthorization::ID:
    case api::auth::exportAuthorization::ID:
    case api::auth::importAuthorization::ID:
    case api::auth::logOut::ID:
    case api::auth::resetAuthorizations::ID:
    case api::users::getUsers::ID:
    case api::updates::getState::ID:
      return true;
    default:
      return false;
  }
}

ApiAnswer serve_account(const ApiContext& ctx, std::uint32_t ctor, std::span<const std::uint8_t> query) {
  switch (ctor) {
    case api::auth::sendCode::ID:
      return send_code(ctx, query);
    case api::auth::signIn::ID:
    case kSignIn144:
      return sign_in(ctx, ctor, query);
    case api::account::getPassword::ID:
      return get_password(ctx);
    case api::auth::checkPassword::ID:
      return check_password(ctx, query);
    case api::auth::importBotAuthorization::ID: {
      const auto req = tl::parse_boxed<api::auth::importBotAuthorization>(query);
      return authorized(ctx, ctx.world.import_bot(ctx.key_ref, req.bot_auth_token), api::auth::importBotAuthorization::NAME);
    }
    case api::auth::exportAuthorization::ID:
      return export_authorization(ctx, query);
    case api::auth::importAuthorization::ID: {
      const auto req = tl::parse_boxed<api::auth::importAuthorization>(query);
      return authorized(ctx, ctx.world.import_authorization(ctx.key_ref, req.id, as_bytes(req.bytes)),
                        api::auth::importAuthorization::NAME);
    }
    case api::users::getUsers::ID:
      return get_users(ctx, query);
    case api::updates::getState::ID:
      return get_state(ctx);
    default:
      return simple_logged_in(ctx, ctor);
  }
}

}  // namespace mtpipe::sim
