// asset_fetcher.h: the client's side of asset delivery (net/protocol/asset_msgs.h).
//
// When the server says which file each exhibit shows (AssetList), the fetcher asks for every
// file its AssetCache lacks, from the bytes a .part already holds (a transfer cut by a dropped
// connection resumes there, also in a new connection or a new run). Each chunk must continue
// the file where it stands and match its BLAKE2b-128; each chunk is acknowledged (the server's
// window). The finished file must match its BLAKE2b-256 before the cache keeps it. A bad chunk
// or a bad file is fetched again once (from the last good byte, or from the start); a second
// failure gives up on that file with a message, and its exhibit stays a placeholder.
//
// The whole-file check reads and hashes the file (tens of ms for a big model), so by default it
// runs on a worker thread while the file waits in FetchState::Checking; poll() (Connection calls
// it every update) takes the finished checks. FetcherDesc::checkInline does it on the spot, for
// tests that step the fetcher by hand.
//
//   AssetFetcher f(cache);
//   f.onPacket(type, packet);                  // from Connection, kChannelAssets messages
//   f.poll();                                  // every frame: finished whole-file checks
//   for (auto& p : f.takeOutbox()) send(p);    // requests and acks, on kChannelAssets
//   if (auto path = f.fileFor(booth, exhibit)) ...  // a checked .dhm in the cache
#pragma once

#include <cstdint>
#include <future>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "client/core/asset_cache.h"
#include "net/protocol/asset_msgs.h"

namespace client {

enum class FetchState : uint8_t {
    Cached,       // in the cache before we asked: nothing to download
    Waiting,      // asked for; no byte yet
    Downloading,
    Checking,     // every byte is here; its BLAKE2b-256 is being checked (on a worker)
    Done,         // downloaded and checked in this session
    Failed,       // gave up: `error` says why
};

struct FetchFile {
    net::AssetHash hash;
    uint32_t size = 0;
    uint32_t have = 0;          // bytes held (including what a .part held before)
    uint32_t resumedFrom = 0;   // bytes the .part held when we asked
    FetchState state = FetchState::Waiting;
    int retries = 0;            // bad chunks or files fetched again
    bool asked = false;         // a request for it went out
    std::string error;          // when Failed (English and Chinese)
    uint16_t booth = 0;         // the first exhibit that shows it (for the progress view)
    uint8_t exhibit = 0;
};

struct FetchStats {
    uint64_t chunks = 0;
    uint64_t bytes = 0;          // chunk payload received in this session
    uint64_t badChunks = 0;      // out of place or failing their check
    uint64_t badFiles = 0;       // whole-file hash mismatches
    uint64_t filesDownloaded = 0;
};

struct FetcherDesc {
    bool checkInline = false;    // check whole files on the caller's thread (tests), not a worker
};

class AssetFetcher {
public:
    // The cache must outlive the fetcher. The destructor waits for checks still running.
    explicit AssetFetcher(AssetCache& cache, const FetcherDesc& desc = {}) : m_cache(cache), m_desc(desc) {}
    ~AssetFetcher();
    AssetFetcher(const AssetFetcher&) = delete;
    AssetFetcher& operator=(const AssetFetcher&) = delete;

    // A kChannelAssets message from the server. False: malformed (not an asset type, bad bytes).
    bool onPacket(net::MsgType type, std::span<const uint8_t> packet);
    std::vector<net::Bytes> takeOutbox();
    // Takes the whole-file checks the worker finished (a file becomes Done, or is fetched again).
    void poll();

    // The cached .dhm an exhibit shows, once it is there; nullopt while it is missing.
    std::optional<std::string> fileFor(uint16_t booth, uint8_t exhibit) const;
    // Whether the server named a file for this exhibit (false: the hall serves none for it).
    bool announced(uint16_t booth, uint8_t exhibit) const;
    std::optional<net::AssetHash> hashFor(uint16_t booth, uint8_t exhibit) const;
    // Upload outcomes (UploadResult) in arrival order.
    std::vector<net::UploadResult> takeUploadResults();

    const std::vector<FetchFile>& files() const { return m_files; }
    const FetchStats& stats() const { return m_stats; }
    // Bytes all the downloads of this session need in all, and hold now.
    uint64_t totalBytes() const;
    uint64_t heldBytes() const;
    bool busy() const;           // something is still Waiting, Downloading or Checking
    // Grows by one whenever a file becomes available (the renderer reloads its models then).
    uint64_t generation() const { return m_generation; }

    // Files asked for at once (the server serves them in turn; more are asked as they finish).
    static constexpr size_t kMaxAsked = 16;

private:
    bool handle(net::MsgType type, std::span<const uint8_t> packet);
    void askMore();
    void addRefs(const std::vector<net::AssetRef>& refs);
    void request(FetchFile& f, uint32_t offset);
    void fail(FetchFile& f, const std::string& why);
    void onChunk(const net::AssetChunk& c);
    // leftover: the .part is complete from an earlier run (a failed check costs no retry).
    void startCheck(FetchFile& f, bool leftover);
    void finishCheck(FetchFile& f, bool ok, const std::string& why, bool leftover);
    FetchFile* find(const net::AssetHash& h);

    struct Check {
        net::AssetHash hash;
        bool leftover = false;
        std::future<std::pair<bool, std::string>> result;  // ok, why not
    };
    AssetCache& m_cache;
    FetcherDesc m_desc;
    std::vector<Check> m_checks;   // running on workers
    std::vector<FetchFile> m_files;
    std::map<std::pair<uint16_t, uint8_t>, net::AssetHash> m_byExhibit;
    std::vector<net::Bytes> m_outbox;
    std::vector<net::UploadResult> m_uploadResults;
    std::map<net::AssetHash, bool> m_resyncing;  // a re-request is out: ignore chunks until it starts
    FetchStats m_stats;
    uint64_t m_generation = 0;
};

}  // namespace client
