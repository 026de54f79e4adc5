#include "sim/api.h"

#include <algorithm>


#include "mtproto/error.h"
#include "mtproto/handshake/temp_key_binding.h"
#include "mtproto/session/message_unpack.h"
#include "sim/account_answers.h"
#include "sim/api_handlers.h"
#include "sim/config_144.h"
#include "sim/synthetic_file.h"
#include "tl/api.h"
#include "tl/errors.h"
#include "tl/reader.h"
#include "tl/schema_table.h"
#include "tl/serialize.h"

namespace mtpipe::sim {
namespace {

namespace api = tl::api;

// Wrapper constructors (the same at every layer the peers use).
constexpr std::uint32_t kInvokeWithLayer = 0xda9b0d0d;
constexpr std::uint32_t kInitConnection = 0xc1cd5ea9;
constexpr std::uint32_t kInvokeWithoutUpdates = 0xbf9459b7;
constexpr std::uint32_t kInvokeAfterMsg = 0xcb9f372d;
constexpr std::uint32_t kInvokeAfterMsgs = 0x3dc4b4f0;
constexpr std::int32_t kMaxPart = 1024 * 1024;

// Skips initConnection's fields up to its query. Read by hand: the wrapped query may be a method of an older
// layer that our schema does not know, so the generated reader (which parses the query too) cannot be used.
void skip_init_connection(tl::Reader& r) {
  const std::uint32_t flags = r.u32();
  r.i32();  // api_id
  for (int i = 0; i < 6; ++i) r.bytes_view();  // device_model .. lang_code
  if (flags & 1) (void)api::InputClientProxy::tl_read_boxed(r);
  if (flags & 2) (void)api::JSONValue::tl_read_boxed(r);
}

std::uint64_t location_id(const api::InputFileLocation& location) {
  if (const auto* d = dynamic_cast<const api::inputDocumentFileLocation*>(&location)) return static_cast<std::uint64_t>(d->id);
  if (const auto* p = dynamic_cast<const api::inputPhotoFileLocation*>(&location)) return static_cast<std::uint64_t>(p->id);
  if (const auto* e = dynamic_cast<const api::inputEncryptedFileLocation*>(&location)) return static_cast<std::uint64_t>(e->id);
  if (const auto* s = dynamic_cast<const api::inputSecureFileLocation*>(&location)) return static_cast<std::uint64_t>(s->id);
  return 0;
}

// Ids in [2^40, 2^48) carry the DC that stores the file in bits 32..39 (docs/SIM.md); other ids (negative ones
// included) are served by every DC.
std::optional<std::int32_t> file_dc(const ApiContext& ctx, std::uint64_t id) {
  if (id < (std::uint64_t{1} << 40) || id >= (std::uint64_t{1} << 48)) return std::nullopt;
  const auto dc = static_cast<std::int32_t>((id >> 32) & 0xff);
  const auto& dcs = ctx.cluster.dcs;
  if (std::none_of(dcs.begin(), dcs.end(), [dc](const DcAddress& d) { return d.id == dc; })) return std::nullopt;
  return dc;
}

ApiAnswer get_file(const ApiContext& ctx, std::span<const std::uint8_t> query) {
  const auto req = tl::parse_boxed<api::upload::getFile>(query);
  constexpr std::string_view name = api::upload::getFile::NAME;
  const std::uint64_t id = req.location ? location_id(*req.location) : 0;
  if (const auto dc = file_dc(ctx, id); dc && *dc != ctx.this_dc) return api_error(303, "FILE_MIGRATE_" + std::to_string(*dc), name);
  if (req.offset < 0 || req.offset % 1024 != 0) return api_error(400, "OFFSET_INVALID", name);
  if (req.limit <= 0 || req.limit % 1024 != 0 || req.limit > kMaxPart) return api_error(400, "LIMIT_INVALID", name);
  if (!req.precise && (kMaxPart % req.limit != 0 || req.offset / kMaxPart != (req.offset + req.limit - 1) / kMaxPart))
    return api_error(400, "LIMIT_INVALID", name);
  const std::int64_t end = std::min<std::int64_t>(req.offset + req.limit, kSyntheticFileSize);
  const std::int64_t size = std::max<std::int64_t>(end - req.offset, 0);

  // upload.file#96a18d5 type:storage.FileType mtime:int bytes:bytes, written field by field rather than
  // through the generated type, which would hold the part as a std::string first.
  tl::Writer w(static_cast<std::size_t>(size) + 32);
  w.u32(api::upload::file::ID);
  w.u32(api::storage::filePartial::ID);
  w.i32(0);
  std::vector<std::uint8_t> part(static_cast<std::size_t>(size));
  fill_synthetic_file(id, static_cast<std::uint64_t>(req.offset), part);
  w.bytes(part);
  return api_result(w.take(), name);
}

// auth.bindTempAuthKey (core.telegram.org/api/pfs): binds the temporary key the query came on to a permanent one.
ApiAnswer bind_temp_key(const ApiContext& ctx, std::span<const std::uint8_t> query) {
  constexpr std::string_view name = api::auth::bindTempAuthKey::NAME;
  const auto req = tl::parse_boxed<api::auth::bindTempAuthKey>(query);
  if (!ctx.key.temporary) return api_error(400, "TEMP_AUTH_KEY_EMPTY", name);
  const auto perm = ctx.keys.permanent_key(static_cast<std::uint64_t>(req.perm_auth_key_id));
  if (!perm) return api_error(400, "ENCRYPTED_MESSAGE_INVALID", name);
  mtproto::handshake::BindRequest bind;
  bind.perm_auth_key_id = req.perm_auth_key_id;
  bind.nonce = req.nonce;
  bind.expires_at = req.expires_at;
  bind.encrypted_message.assign(req.encrypted_message.begin(), req.encrypted_message.end());
  try {
    mtproto::handshake::verify_bind_request(bind, *perm, ctx.msg_id, ctx.key.key.id, ctx.session_id);
  } catch (const mtproto::ProtocolError&) {
    return api_error(400, "ENCRYPTED_MESSAGE_INVALID", name);
  }
  if (req.expires_at <= ctx.now_s || (ctx.key.expires_at != 0 && req.expires_at > ctx.key.expires_at))
    return api_error(400, "EXPIRES_AT_INVALID", name);
  if (ctx.key.bound_perm_key_id != 0 && ctx.key.bound_perm_key_id != perm->id)
    return api_error(400, "TEMP_AUTH_KEY_ALREADY_BOUND", name);
  ctx.key.bound_perm_key_id = perm->id;
  tl::Writer w;
  w.boolean(true);
  return api_result(w.take(), name);
}

std::string_view method_name(std::uint32_t ctor) {
  if (ctor == 0xbcd51581) return api::auth::signIn::NAME;  // layer 144's auth.signIn
  const auto* entry = tl::schema::find(ctor);
  return entry ? entry->name : "unknown method";
}

std::optional<ApiAnswer> refuse(const ApiContext& ctx, std::uint32_t ctor);

ApiAnswer serve(const ApiContext& ctx, std::span<const std::uint8_t> query) {
  const std::uint32_t ctor = mtproto::session::constructor_of(query);
  if (auto refused = refuse(ctx, ctor)) return std::move(*refused);
  switch (ctor) {
    case api::help::getNearestDc::ID: {
      api::nearestDc dc;
      dc.country = "ZZ";
      dc.this_dc = ctx.this_dc;
      dc.nearest_dc = ctx.this_dc;
      return api_result(tl::serialize(dc), api::help::getNearestDc::NAME);
    }
    case api::help::getConfig::ID: {
      const auto now = static_cast<std::int32_t>(ctx.now_s);
      const bool old = speaks_layer_144(ctx.key.layer);
      return api_result(old ? config_layer_144(ctx.cluster, ctx.this_dc, now) : config_layer_223(ctx.cluster, ctx.this_dc, now),
                    api::help::getConfig::NAME, /*gzip=*/true);
    }
    case api::upload::getFile::ID:
      return ctx.key.temporary && ctx.key.bound_perm_key_id == 0 ? api_error(401, "AUTH_KEY_PERM_EMPTY", api::upload::getFile::NAME)
                                                                 : get_file(ctx, query);
    case api::auth::bindTempAuthKey::ID:
      return bind_temp_key(ctx, query);
    default:
      if (is_account_method(ctor)) return serve_account(ctx, ctor, query);
      if (is_channel_method(ctor)) return serve_channels(ctx, ctor, query);
      return api_error(400, "METHOD_NOT_SUPPORTED_BY_SIM", method_name(ctor));
  }
}

// What every query passes first: a revoked key answers nothing else, then the flood limits.
std::optional<ApiAnswer> refuse(const ApiContext& ctx, std::uint32_t ctor) {
  const auto auth = ctx.world.authorization(ctx.key_ref);
  if (auth && auth->revoked) return api_error(401, "SESSION_REVOKED", method_name(ctor));
  if (!ctx.world.limits_floods()) return std::nullopt;  // the schema lookup below is for flood rules only
  const FloodSubject subject = auth ? FloodSubject{auth->user_id, 0} : FloodSubject{0, ctx.key_ref.key_id};
  const std::string_view name = method_name(ctor);
  if (const auto wait = ctx.world.flood_check(subject, name)) return api_error(420, "FLOOD_WAIT_" + std::to_string(wait), name);
  return std::nullopt;
}

}  // namespace

ApiAnswer api_error(std::int32_t code, std::string message, std::string_view method) {
  ApiAnswer a;
  a.error_code = code;
  a.error_message = std::move(message);
  a.method = std::string(method);
  return a;
}

ApiAnswer api_result(std::vector<std::uint8_t> bytes, std::string_view method, bool gzip) {
  ApiAnswer a;
  a.result = std::move(bytes);
  a.gzip = gzip;
  a.method = std::string(method);
  return a;
}

ApiAnswer answer_query(const ApiContext& ctx, std::span<const std::uint8_t> query) {
  try {
    tl::Reader r(query);
    // Wrappers nest in any order; each is unwrapped and the rest served.
    for (int depth = 0; depth < 8; ++depth) {
      const std::uint32_t ctor = mtproto::session::constructor_of(r.rest());
      if (ctor == kInvokeWithLayer) {
        r.u32();
        ctx.key.layer = r.i32();  // recorded before the inner call runs, even if it fails
      } else if (ctor == kInitConnection) {
        r.u32();
        skip_init_connection(r);
      } else if (ctor == kInvokeWithoutUpdates) {
        r.u32();
      } else if (ctor == kInvokeAfterMsg) {
        r.u32();
        r.i64();
      } else if (ctor == kInvokeAfterMsgs) {
        r.u32();
        const auto n = r.vector_count(8);
        for (std::uint32_t i = 0; i < n; ++i) r.i64();
      } else {
        break;
      }
    }
    return serve(ctx, r.rest());
  } catch (const tl::DecodeError& e) {
    return api_error(400, "INPUT_METHOD_INVALID", "undecodable query");
  }
}

}  // namespace mtpipe::sim
