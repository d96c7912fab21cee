// asset_service.h: serves the event's baked models (net/protocol/asset_msgs.h) to its clients.
//
// At start it resolves every exhibit of the layout to a baked file through an AssetSource (the
// only part that touches files), checks each file's BLAKE2b-256 against its name, and tells every
// newcomer which file each exhibit shows (AssetList). A client asks for what its cache lacks,
// from an offset when it holds part of the file; the service answers in chunks of
// AssetDesc::chunkBytes, each with its offset and BLAKE2b-128.
//
// Files stay on disk: the check at start reads each one in chunks and keeps only its size and
// the BLAKE2b-128 of every chunk (16 bytes per 64 KiB); chunks are read again when sent, through a
// small cache (AssetDesc::cacheBytes, least recently used out), so memory does not grow with the
// catalogue. Files are immutable (named by hash): a chunk read later that no longer matches its
// check (the file was changed or removed after start) is never sent; the client gets an
// AssetError (Unreadable) instead, and so does every later request for that file.
//
// Flow control, so walking, input and chat never wait behind a download:
//   - a client has at most `windowChunks` chunks unacknowledged (it acks each one it receives),
//     so ENet's reliable queue for the assets channel stays short;
//   - all downloads together send at most `tickBudgetBytes` per server tick (shared round-robin
//     between the clients), so the upload link keeps room for the 30 Hz snapshots;
//   - a client asks for one file at a time or many; they are served in order, one at a time.
// Only files the event references are served: a hash from elsewhere is "unknown".
//
// Uploads: an exhibitor (or a university) sends UploadBegin for a booth of their own organization
// with the exhibit's facts, then the baked file in UploadChunks. The service checks everything
// again: the booth is theirs and has room, the size is within maxUploadBytes, the file matches
// its hash, readBaked() accepts it with its checksum, every mesh decodes, LOD 0 has at most
// maxUploadTriangles. Then it keeps the file (AssetSource::store) and the exhibit (EventStore),
// adds it to the hall and tells everyone (ExhibitAdded). A refusal is an UploadResult naming the
// file and the reason; nothing else changes.
//
//   FolderAssetSource src({"assets/models/baked"}, "uploads");
//   AssetService assets({.source = &src}, layout, link);
//   assets.onJoin(id); assets.onMessage(id, type, packet); assets.update();  // every tick
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "net/protocol/asset_msgs.h"
#include "server/core/store.h"

namespace server {

// Where baked files come from.
class AssetSource {
public:
    virtual ~AssetSource() = default;
    // The baked file an exhibit's `asset` names: "models/spur_gear.glb" (through the baked
    // folder's index.json) or "<hash>.dhm" itself. Nullopt when there is none.
    virtual std::optional<net::AssetHash> forExhibit(const std::string& asset) = 0;
    // The file's size in bytes; nullopt with a reason when it is missing or unreadable.
    virtual std::optional<uint64_t> size(const net::AssetHash& hash, std::string& error) = 0;
    // Exactly `n` bytes from `offset` into `out`. False with a reason when the file is missing,
    // shorter or unreadable.
    virtual bool readRange(const net::AssetHash& hash, uint64_t offset, size_t n, std::vector<uint8_t>& out,
                           std::string& error) = 0;
    // Keeps an exhibitor's upload (already checked) so that read() finds it, also after a restart.
    virtual bool store(const net::AssetHash&, std::span<const uint8_t>, std::string& error) {
        error = "this hall does not keep uploads";
        return false;
    }
};

// Baked files in folders, named "<hash>.dhm", with each folder's index.json (dockhall-bake
// --index) mapping source models to them.
// Uploads are written to `uploadFolder` (empty: none kept), which is read like the others.
class FolderAssetSource final : public AssetSource {
public:
    explicit FolderAssetSource(std::vector<std::string> folders, std::string uploadFolder = {});
    std::optional<net::AssetHash> forExhibit(const std::string& asset) override;
    std::optional<uint64_t> size(const net::AssetHash& hash, std::string& error) override;
    bool readRange(const net::AssetHash& hash, uint64_t offset, size_t n, std::vector<uint8_t>& out,
                   std::string& error) override;
    bool store(const net::AssetHash& hash, std::span<const uint8_t> bytes, std::string& error) override;

private:
    std::optional<std::string> pathOf(const net::AssetHash& hash) const;  // the first folder's copy

    std::vector<std::string> m_folders;
    std::string m_uploadFolder;
    std::map<std::string, net::AssetHash> m_index;  // source file name -> baked hash
};

// What the service needs of the server around it.
class AssetLink {
public:
    virtual ~AssetLink() = default;
    virtual void send(net::ParticipantId to, const net::Bytes& packet) = 0;  // on kChannelAssets
    virtual void broadcast(const net::Bytes& packet) = 0;                    // to everyone joined
    // Adds an exhibit to a booth of the hall (its pedestal collides from the next tick on).
    virtual void addExhibit(uint16_t booth, const net::Exhibit& exhibit) = 0;
};

struct AssetDesc {
    AssetSource* source = nullptr;         // null: the event serves no assets
    uint32_t chunkBytes = net::kAssetChunkBytes;
    uint32_t windowChunks = 4;             // per client, unacknowledged
    uint32_t tickBudgetBytes = 256 * 1024; // per tick for all downloads (x30: 7.5 MiB/s)
    uint32_t cacheBytes = 4u << 20;        // chunks kept in memory between sends (all files)
    uint32_t maxQueued = 1024;             // files one client may have asked for at once
    uint32_t maxUploadBytes = 16u << 20;   // an exhibitor's baked file
    uint64_t maxUploadTriangles = 2'000'000;  // at its finest level of detail
};

struct AssetServiceStats {
    uint64_t chunksSent = 0;
    uint64_t bytesSent = 0;
    uint64_t filesCompleted = 0;           // last chunk sent
    uint64_t errorsSent = 0;
    uint64_t chunkReads = 0;               // chunks read from the source (cache misses)
    uint64_t cachedBytes = 0;              // held in the chunk cache now (<= AssetDesc::cacheBytes)
    uint64_t filesGoneBad = 0;             // changed or removed on disk after start
    uint64_t uploadsAccepted = 0;
    uint64_t uploadsRefused = 0;
};

class AssetService {
public:
    // `link`, the source, `layout` and `store` (may be null) must outlive the service; `layout` is
    // the hall's own (it grows as exhibits are uploaded, through the link).
    AssetService(const AssetDesc& desc, const net::EventLayout& layout, AssetLink& link, EventStore* store = nullptr);
    ~AssetService();

    // `org` and `role` decide which booth's exhibits the participant may upload.
    void onJoin(net::ParticipantId id, const std::string& org = {}, net::Role role = net::Role::Attendee);
    void onLeave(net::ParticipantId id);
    // An asset message from a joined participant. False: malformed (the caller counts it).
    bool onMessage(net::ParticipantId from, net::MsgType type, std::span<const uint8_t> packet, int64_t unixMs = 0);
    // Sends the chunks due this tick. Call once per tick, after the snapshots.
    void update();

    // Every exhibit that has a file, and the exhibits that have none (with why), for the host's log.
    const std::vector<net::AssetRef>& refs() const { return m_refs; }
    const std::vector<std::string>& problems() const { return m_problems; }
    const AssetServiceStats& stats() const { return m_stats; }

private:
    struct File;
    struct Download;
    struct Client;
    struct Upload;
    const File* file(const net::AssetHash& h) const;
    void onUploadBegin(Client& c, const net::UploadBegin& m, int64_t unixMs);
    void onUploadChunk(Client& c, const net::UploadChunk& m, int64_t unixMs);
    void finishUpload(Client& c, int64_t unixMs);
    void refuseUpload(Client& c, uint32_t req, const std::string& text);
    void error(net::ParticipantId to, const net::AssetHash& h, net::AssetErrorCode code, const std::string& text);
    bool sendChunk(Client& c);
    // Chunk `index` of a file, from the cache or read and checked; nullptr when the file no
    // longer matches what was checked at start (it is then marked bad).
    const std::vector<uint8_t>* chunkData(File& f, uint32_t index);
    bool checkFile(File& f, std::string& why);  // at start: size, chunk checks, whole hash
    void refuseBadFile(net::ParticipantId to, const File& f);

    AssetDesc m_desc;
    const net::EventLayout& m_layout;
    AssetLink& m_link;
    EventStore* m_store;
    std::vector<net::AssetRef> m_refs;
    std::vector<std::string> m_problems;
    std::map<net::AssetHash, std::shared_ptr<File>> m_files;
    struct CachedChunk {
        std::vector<uint8_t> bytes;
        uint64_t lastUse = 0;
    };
    std::map<std::pair<net::AssetHash, uint32_t>, CachedChunk> m_cache;  // (file, chunk index)
    uint64_t m_useClock = 0;
    std::map<uint16_t, std::unique_ptr<Client>> m_clients;  // by participant id
    std::set<uint16_t> m_sending;  // clients with downloads queued, ordered: the rotation walks only
                                   // these, not a crowd of 2,000 every tick
    std::vector<uint16_t> m_idle;  // scratch: those found with nothing queued
    uint16_t m_nextFirst = 0;      // the rotation's starting client id
    AssetServiceStats m_stats;
};

}  // namespace server
