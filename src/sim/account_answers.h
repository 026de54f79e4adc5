#pragma once
// Answers about accounts, in the layer the session speaks. Layer 144 (Telethon 1.25) lays `user`,
// `auth.authorization` and `account.password` out differently from layer 223; those are written by hand (field
// order from layer 144's schema), everything else comes from the generated types.

#include <cstdint>
#include <optional>
#include <vector>

#include "sim/accounts.h"
#include "sim/world.h"
#include "tl/writer.h"

namespace mtpipe::sim {

// Sessions that said invokeWithLayer(144) or lower get layer-144 layouts; an unknown layer (0) gets 223.
inline bool speaks_layer_144(std::int32_t layer) noexcept { return layer != 0 && layer <= 144; }

// One boxed User: user#3ff6ecb0 (layer 144) or user#31774388 (223).
void write_user(tl::Writer& w, const AccountProfile& account, bool self, std::int32_t layer);
// auth.authorization with the user as self.
std::vector<std::uint8_t> authorization_answer(const AccountProfile& account, std::int32_t layer);
// account.password: the SRP challenge when the account has 2FA, else has_password unset.
std::vector<std::uint8_t> password_answer(const std::optional<PasswordChallenge>& challenge, std::int32_t layer);

}  // namespace mtpipe::sim
