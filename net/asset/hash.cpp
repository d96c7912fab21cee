// net/asset/hash.cpp: BLAKE2b (libsodium's crypto_generichash) for asset delivery.
#include "net/asset/hash.h"

#include <sodium.h>

namespace net::asset {

AssetHash hashOf(std::span<const uint8_t> bytes) {
    AssetHash h;
    crypto_generichash(h.b.data(), h.b.size(), bytes.data(), bytes.size(), nullptr, 0);
    return h;
}

std::array<uint8_t, 16> chunkCheck(std::span<const uint8_t> data) {
    std::array<uint8_t, 16> c{};
    crypto_generichash(c.data(), c.size(), data.data(), data.size(), nullptr, 0);
    return c;
}

struct FileHasher::State {
    crypto_generichash_state s;
};

FileHasher::FileHasher() : m(std::make_unique<State>()) {
    crypto_generichash_init(&m->s, nullptr, 0, AssetHash{}.b.size());
}
FileHasher::~FileHasher() = default;

void FileHasher::update(std::span<const uint8_t> bytes) { crypto_generichash_update(&m->s, bytes.data(), bytes.size()); }

AssetHash FileHasher::finish() {
    AssetHash h;
    crypto_generichash_final(&m->s, h.b.data(), h.b.size());
    return h;
}

}  // namespace net::asset
