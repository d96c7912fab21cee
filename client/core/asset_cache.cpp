// asset_cache.cpp: the on-disk cache of baked models by hash.
#include "client/core/asset_cache.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <vector>

#include "net/asset/hash.h"

namespace client {

namespace fs = std::filesystem;

AssetCache::AssetCache(std::string dir) : m_dir(std::move(dir)) {}

std::string AssetCache::defaultDir() {
    if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) return (fs::path(x) / "dockhall" / "assets").string();
    if (const char* home = std::getenv("HOME"); home && *home)
        return (fs::path(home) / ".cache" / "dockhall" / "assets").string();
    return (fs::temp_directory_path() / "dockhall-assets").string();
}

std::string AssetCache::pathFor(const net::AssetHash& h) const { return (fs::path(m_dir) / (h.hex() + ".dhm")).string(); }
std::string AssetCache::partPathFor(const net::AssetHash& h) const { return (fs::path(m_dir) / (h.hex() + ".part")).string(); }

bool AssetCache::has(const net::AssetHash& h) const {
    std::error_code ec;
    return fs::is_regular_file(pathFor(h), ec) && fs::file_size(pathFor(h), ec) > 0 && !ec;
}

uint64_t AssetCache::partSize(const net::AssetHash& h) const {
    std::error_code ec;
    const auto n = fs::file_size(partPathFor(h), ec);
    return ec ? 0 : uint64_t(n);
}

bool AssetCache::writePart(const net::AssetHash& h, uint64_t offset, std::span<const uint8_t> data, std::string* error) {
    std::error_code ec;
    fs::create_directories(m_dir, ec);
    const std::string path = partPathFor(h);
    if (partSize(h) != offset) {
        // Resuming from fewer bytes than are held (a bad chunk, a restart from zero): cut back.
        if (!fs::exists(path, ec)) std::ofstream(path, std::ios::binary);
        fs::resize_file(path, offset, ec);
        if (ec) {
            if (error) *error = path + ": " + ec.message();
            return false;
        }
    }
    std::ofstream out(path, std::ios::binary | std::ios::app);
    if (!out || !out.write(reinterpret_cast<const char*>(data.data()), std::streamsize(data.size())) || !out.flush()) {
        if (error) *error = path + " cannot be written (disk full or no permission?)";
        return false;
    }
    return true;
}

bool AssetCache::commitPart(const net::AssetHash& h, std::string* error) {
    const std::string path = partPathFor(h);
    std::error_code ec;
    const auto size = fs::file_size(path, ec);
    std::vector<uint8_t> bytes(ec ? 0 : size_t(size));
    std::ifstream in(path, std::ios::binary);
    if (ec || !in || !in.read(reinterpret_cast<char*>(bytes.data()), std::streamsize(bytes.size()))) {
        if (error) *error = path + " cannot be read";
        return false;
    }
    in.close();
    if (net::asset::hashOf(bytes) != h) {
        fs::remove(path, ec);
        if (error) *error = "the downloaded file does not match its hash " + h.hex().substr(0, 12) + "…";
        return false;
    }
    fs::rename(path, pathFor(h), ec);
    if (ec) {
        if (error) *error = pathFor(h) + ": " + ec.message();
        return false;
    }
    return true;
}

void AssetCache::dropPart(const net::AssetHash& h) {
    std::error_code ec;
    fs::remove(partPathFor(h), ec);
}

bool AssetCache::put(const net::AssetHash& h, std::span<const uint8_t> bytes, std::string* error) {
    if (net::asset::hashOf(bytes) != h) {
        if (error) *error = "the file does not match its hash";
        return false;
    }
    return writePart(h, 0, bytes, error) && commitPart(h, error);
}

}  // namespace client
