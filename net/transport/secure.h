// secure.h: the encrypted link between a Dockhall client and its server (netcode.io style),
// as keys, a handshake and per-packet sealing over byte buffers: no sockets, no clock.
//
// Keys. The server has a long-term X25519 key pair, kept in a key file (loadOrCreateKeyFile).
// Its public key travels in the event invitation (dockhall --server-key HEX); a client without
// one pins the key it meets first per server address (KnownServers) and refuses to connect when
// it later changes, saying so in words.
//
// Handshake, two packets on the reliable channel before any message:
//
//   ClientHello = 0xD1 | version:8 | client ephemeral public key:32 | zero padding   (kClientHelloBytes)
//   ServerHello = 0xD2 | version:8 | server long-term public key:32 | server ephemeral public key:32
//                 | proof:16                                                        (kServerHelloBytes)
//
//   keys  = BLAKE2b-512("dockhall link v1" | X25519(ce, se) | X25519(ce, S) | ce.pk | se.pk | S.pk)
//           first half client->server, second half server->client
//   proof = ChaCha20-Poly1305 tag, server->client key, over nothing, with the ServerHello's first
//           66 bytes as additional data and the reserved nonce kProofChannel.
//
// Only the holder of S's secret key can compute X25519(ce, S), so a proof that opens tells the
// client it talks to the server the key names; the server learns that the client holds the
// same keys from its first data packet that opens (the client sends one, empty, at once). A
// ServerHello (82 bytes) is smaller than the ClientHello it answers (128): before the handshake
// completes the server never sends more than it was sent (no amplification).
//
// Data, every packet after the handshake, both directions:
//
//   Data = 0xD0 | counter:16 (the low 16 bits, little-endian) | ciphertext | tag:16
//   AEAD ChaCha20-Poly1305 (IETF): nonce = counter:64 LE | channel:8 | 0:24, additional data =
//   0xD0 | counter:16 LE | channel (the packet's first 3 bytes, then the channel).
//
// Each channel has its own 64-bit counter; only its low 16 bits travel, as QUIC truncates packet
// numbers (link version 1 sent all 64: 6 bytes more on every packet, about 1.4 kbps per client
// each way at 30 packets a second). The receiver rebuilds the full counter from those bits and
// the highest counter it has opened on the channel (expandLinkCounter: the candidate closest to
// highest + 1), then checks it against the channel's replay window of the last kReplayWindow
// counters and opens with the nonce of the rebuilt counter. A packet outside the window, seen
// before, from another channel, or altered in any bit does not open; an old packet rebuilt to
// another counter does not open either, since its nonce is then wrong. Up to 32,768 packets in
// a row may be lost on a channel (18 minutes at 30 a second; ENet drops the peer long before).
#pragma once

#include <array>
#include <bitset>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace net {

constexpr size_t kLinkKeyBytes = 32;
constexpr size_t kLinkTagBytes = 16;
constexpr size_t kLinkCounterBytes = 2;  // the counter's low 16 bits on the wire
constexpr size_t kLinkDataOverhead = 1 + kLinkCounterBytes + kLinkTagBytes;  // kind + counter + tag: 19 bytes
constexpr size_t kClientHelloBytes = 128;
constexpr size_t kServerHelloBytes = 1 + 1 + 32 + 32 + kLinkTagBytes;  // 82
constexpr uint8_t kLinkVersion = 2;  // 1: the data packet carried the whole 64-bit counter
constexpr uint8_t kLinkMaxChannels = 8;        // channels a session keeps counters for
constexpr uint64_t kReplayWindow = 256;        // counters remembered per channel
static_assert(kServerHelloBytes <= kClientHelloBytes, "a ServerHello must not outgrow the request");

enum class LinkPacket : uint8_t {
    Data = 0xD0,         // sealed message bytes
    ClientHello = 0xD1,  // client -> server, opens the handshake
    ServerHello = 0xD2,  // server -> client, answers it
};

// Why a handshake or a packet was refused. Stable: also sent as ENet disconnect reasons
// (kLinkDisconnectBase + code) so a client can say why the server closed the door.
enum class LinkError : uint8_t {
    None,
    Malformed,        // wrong size or kind byte
    BadVersion,       // another link version: update the client or the server
    WeakKey,          // a public key of small order (an all-zero shared secret)
    BadProof,         // the ServerHello's proof does not open: not the server its key names
    KeyMismatch,      // the server's key is not the one in the invitation
    KeyChanged,       // the server's key differs from the one pinned on first use
    Replayed,         // counter seen before or older than the replay window
    Forged,           // authentication failed: altered, wrong key, or moved between channels
    BadChannel,       // channel >= kLinkMaxChannels
    NoSession,        // data before the handshake completed, or from an unknown peer
    HandshakeTimeout, // the handshake did not complete in time
    Count
};
const char* linkErrorName(LinkError e);   // "replayed", "forged", ...
// A sentence for people, in Chinese or English: what happened and what to do.
std::string linkErrorText(LinkError e, bool chinese = false);
constexpr uint32_t kLinkDisconnectBase = 0x4C4B0000;  // "LK" << 16: reasons in this range are LinkErrors
inline uint32_t linkDisconnectReason(LinkError e) { return kLinkDisconnectBase + uint32_t(e); }
// The LinkError a disconnect reason carries, or LinkError::None for other reasons.
LinkError linkErrorFromReason(uint32_t reason);

// --- keys ------------------------------------------------------------------------------------
using LinkPublicKey = std::array<uint8_t, kLinkKeyBytes>;

struct LinkKeyPair {
    LinkPublicKey publicKey{};
    std::array<uint8_t, kLinkKeyBytes> secretKey{};
};

// False only if libsodium cannot start (no entropy source).
bool linkCryptoInit();
LinkKeyPair generateLinkKeyPair();

std::string publicKeyHex(const LinkPublicKey& key);                // 64 lowercase hex digits
bool parsePublicKeyHex(std::string_view hex, LinkPublicKey& out);  // accepts upper and lower case

// Key file: "dockhall-server-key 1\nsecret HEX\npublic HEX\n", written 0600. Loads `path`, or
// creates it with a new pair when it does not exist (*created = true). False with a message
// naming the file when it cannot be read or written, or does not hold a matching pair.
bool loadOrCreateKeyFile(const std::string& path, LinkKeyPair& out, bool* created, std::string& error);

// Pins on first use: one "HOST:PORT HEX" line per server. Not thread-safe; one per client.
class KnownServers {
public:
    enum class Check : uint8_t {
        Pinned,    // the key matches the one pinned for this server
        FirstUse,  // no key was pinned for this server; pin() it
        Changed,   // a different key was pinned: refuse, and tell the user
    };
    // Reads `path`; a missing file is an empty list. False with a message on a bad file.
    bool load(const std::string& path, std::string& error);
    Check check(const std::string& server, const LinkPublicKey& key, LinkPublicKey* pinned = nullptr) const;
    // Pins (or re-pins) the key and rewrites the file. False with a message when it cannot.
    bool pin(const std::string& server, const LinkPublicKey& key, std::string& error);
    const std::string& path() const { return m_path; }

private:
    std::string m_path;
    std::vector<std::pair<std::string, LinkPublicKey>> m_entries;
};

// --- replay window ---------------------------------------------------------------------------
// The full counter a Data packet's 16 wire bits stand for: of the counters with those low bits,
// the one closest to highestSeen + 1 (0 when nothing was seen yet on the channel), as in
// RFC 9000 appendix A.3. Exact while the real counter is within 32,768 of that.
uint64_t expandLinkCounter(uint64_t highestSeen, bool anySeen, uint16_t wire);

// The last kReplayWindow counters of one channel (netcode.io's replay protection).
class ReplayWindow {
public:
    // True if `counter` is new and inside the window. Does not record it.
    bool fresh(uint64_t counter) const;
    // Records `counter` (call only after the packet authenticated).
    void accept(uint64_t counter);
    // The full counter a packet's wire bits stand for on this channel (expandLinkCounter).
    uint64_t expand(uint16_t wire) const { return expandLinkCounter(m_highest, m_any, wire); }

private:
    bool m_any = false;
    uint64_t m_highest = 0;
    std::bitset<kReplayWindow> m_seen;  // bit i: m_highest - i was received
};

// --- sessions ----------------------------------------------------------------------------------
struct LinkCounters {
    uint64_t sealed = 0, opened = 0;
    uint64_t replayed = 0, forged = 0, malformed = 0;
};

// One end's keys after the handshake: seals what it sends, opens what it receives.
class LinkSession {
public:
    LinkSession() = default;
    LinkSession(const uint8_t* sendKey, const uint8_t* receiveKey);

    bool ready() const { return m_ready; }
    // Appends the Data packet for `plain` on `channel` to `out`. False for a bad channel or
    // before the handshake (out unchanged).
    bool seal(uint8_t channel, std::span<const uint8_t> plain, std::vector<uint8_t>& out);
    // Opens a Data packet that arrived on `channel`; on success `out` holds the plaintext
    // (replaced). A refusal leaves the session as it was, clears `out`, counts, and says why.
    LinkError open(uint8_t channel, std::span<const uint8_t> packet, std::vector<uint8_t>& out);
    const LinkCounters& counters() const { return m_counters; }

    // Tests and the fuzz target: the next counter this end will seal on `channel`.
    uint64_t nextCounter(uint8_t channel) const { return channel < kLinkMaxChannels ? m_sendCounter[channel] : 0; }

private:
    bool m_ready = false;
    std::array<uint8_t, kLinkKeyBytes> m_sendKey{}, m_receiveKey{};
    std::array<uint64_t, kLinkMaxChannels> m_sendCounter{};
    std::array<ReplayWindow, kLinkMaxChannels> m_window{};
    LinkCounters m_counters;
};

// The client's side of the handshake.
class ClientHandshake {
public:
    ClientHandshake();  // makes the ephemeral key pair
    // The ClientHello to send first (kClientHelloBytes).
    std::vector<uint8_t> hello() const;
    // Checks the server's answer. `expected`: the key from the invitation or a pin (nullptr:
    // accept any, and read it from serverKey() to pin it). On success `session` is ready.
    LinkError finish(std::span<const uint8_t> serverHello, const LinkPublicKey* expected, LinkSession& session);
    const LinkPublicKey& serverKey() const { return m_serverKey; }  // after finish() read it

private:
    LinkKeyPair m_ephemeral;
    LinkPublicKey m_serverKey{};
};

// The server's side: answers a ClientHello with a ServerHello (`reply`, replaced) and readies
// `session`. Refused hellos get no reply. Never produces a reply longer than the hello.
LinkError serverHandshake(const LinkKeyPair& server, std::span<const uint8_t> clientHello,
                          std::vector<uint8_t>& reply, LinkSession& session);

// The kind byte of a link packet (nullopt-like: 0 for an empty packet).
inline uint8_t linkPacketKind(std::span<const uint8_t> p) { return p.empty() ? 0 : p[0]; }

}  // namespace net
