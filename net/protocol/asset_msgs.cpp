// asset_msgs.cpp: asset hashes as text, and which types are asset messages.
#include "net/protocol/asset_msgs.h"

namespace net {

bool isAssetType(MsgType t) { return t >= MsgType::AssetList && t <= MsgType::ExhibitAdded; }

bool AssetHash::empty() const {
    for (uint8_t x : b)
        if (x) return false;
    return true;
}

std::string AssetHash::hex() const {
    static const char* kDigits = "0123456789abcdef";
    std::string out(64, '0');
    for (size_t i = 0; i < b.size(); ++i) {
        out[2 * i] = kDigits[b[i] >> 4];
        out[2 * i + 1] = kDigits[b[i] & 15];
    }
    return out;
}

std::optional<AssetHash> AssetHash::fromHex(std::string_view hex) {
    if (hex.size() != 64) return std::nullopt;
    auto nibble = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    AssetHash h;
    for (size_t i = 0; i < 32; ++i) {
        int hi = nibble(hex[2 * i]), lo = nibble(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) return std::nullopt;
        h.b[i] = uint8_t(hi * 16 + lo);
    }
    return h;
}

}  // namespace net
