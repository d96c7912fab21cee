// asset_cache.h: baked models on disk, by content hash, so a second visit downloads nothing.
//
// Layout of the cache folder ($XDG_CACHE_HOME/dockhall/assets, else ~/.cache/dockhall/assets):
//   <hash>.dhm    a complete file whose BLAKE2b-256 was checked against its name
//   <hash>.part   a download in progress: the file's first bytes, kept across disconnects and
//                 restarts so a transfer resumes where it stopped
// A .part becomes a .dhm only by rename after the check, so a .dhm is never half written.
//
//   AssetCache cache(AssetCache::defaultDir());
//   if (!cache.has(h)) { cache.appendPart(h, offset, bytes); ... cache.commitPart(h, &why); }
//   std::string path = cache.pathFor(h);
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "net/protocol/asset_msgs.h"

namespace client {

class AssetCache {
public:
    explicit AssetCache(std::string dir);  // created when first written
    static std::string defaultDir();

    const std::string& dir() const { return m_dir; }
    bool has(const net::AssetHash& h) const;
    std::string pathFor(const net::AssetHash& h) const;  // <dir>/<hash>.dhm
    std::string partPathFor(const net::AssetHash& h) const;

    // Bytes of the file held in its .part (0 when none).
    uint64_t partSize(const net::AssetHash& h) const;
    // Writes `data` at `offset` of the .part, dropping whatever lay beyond `offset`. False with a
    // message when the folder or file cannot be written.
    bool writePart(const net::AssetHash& h, uint64_t offset, std::span<const uint8_t> data, std::string* error);
    // Checks the .part's BLAKE2b-256 against `h`; renames it to .dhm when it matches, deletes it
    // when it does not. False with a message on mismatch or I/O failure.
    bool commitPart(const net::AssetHash& h, std::string* error);
    void dropPart(const net::AssetHash& h);
    // A whole file at once (the exhibitor's own upload): checked, written to .part, renamed.
    bool put(const net::AssetHash& h, std::span<const uint8_t> bytes, std::string* error);

private:
    std::string m_dir;
};

}  // namespace client
