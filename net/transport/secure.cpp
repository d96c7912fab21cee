// secure.cpp: keys, handshake and packet sealing of the encrypted link (secure.h), on libsodium.
#include "net/transport/secure.h"

#include <sodium.h>
#include <sys/stat.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

namespace net {
namespace {

constexpr char kKdfContext[] = "dockhall link v1";
constexpr char kKeyFileHeader[] = "dockhall-server-key 1";
constexpr size_t kHelloPrefixBytes = 1 + 1 + 32 + 32;  // the ServerHello before its proof
constexpr uint8_t kProofChannel = 0xFF;                 // a nonce no data packet uses
constexpr size_t kHeaderBytes = 1 + kLinkCounterBytes;  // a Data packet before its ciphertext

static_assert(crypto_scalarmult_BYTES == kLinkKeyBytes && crypto_scalarmult_SCALARBYTES == kLinkKeyBytes);
static_assert(crypto_aead_chacha20poly1305_ietf_KEYBYTES == kLinkKeyBytes);
static_assert(crypto_aead_chacha20poly1305_ietf_ABYTES == kLinkTagBytes);
static_assert(crypto_aead_chacha20poly1305_ietf_NPUBBYTES == 12);

using Nonce = std::array<uint8_t, 12>;

Nonce makeNonce(uint64_t counter, uint8_t channel) {
    Nonce n{};
    for (int i = 0; i < 8; ++i) n[size_t(i)] = uint8_t(counter >> (8 * i));
    n[8] = channel;
    return n;
}

// A Data packet's additional data: its first 3 bytes (kind, the counter's low 16 bits), then
// the channel it travels on.
using DataAd = std::array<uint8_t, 1 + kLinkCounterBytes + 1>;

DataAd dataAd(uint64_t counter, uint8_t channel) {
    return {uint8_t(LinkPacket::Data), uint8_t(counter), uint8_t(counter >> 8), channel};
}

// Both halves of the session key from the two shared secrets and the three public keys.
void deriveKeys(const uint8_t* dhEphemeral, const uint8_t* dhStatic, const LinkPublicKey& clientEphemeral,
                const LinkPublicKey& serverEphemeral, const LinkPublicKey& serverStatic, uint8_t out[64]) {
    crypto_generichash_state st;
    crypto_generichash_init(&st, nullptr, 0, 64);
    crypto_generichash_update(&st, reinterpret_cast<const uint8_t*>(kKdfContext), sizeof kKdfContext - 1);
    crypto_generichash_update(&st, dhEphemeral, 32);
    crypto_generichash_update(&st, dhStatic, 32);
    crypto_generichash_update(&st, clientEphemeral.data(), 32);
    crypto_generichash_update(&st, serverEphemeral.data(), 32);
    crypto_generichash_update(&st, serverStatic.data(), 32);
    crypto_generichash_final(&st, out, 64);
}

// The proof tag: an AEAD over nothing, keyed server->client, binding the hello's first bytes.
void proofTag(const uint8_t* serverToClientKey, const uint8_t* helloPrefix, uint8_t tag[kLinkTagBytes]) {
    Nonce n = makeNonce(~uint64_t(0), kProofChannel);
    unsigned long long tagLen = 0;
    uint8_t none[1];  // no ciphertext, but libsodium wants a place for it
    crypto_aead_chacha20poly1305_ietf_encrypt_detached(none, tag, &tagLen, nullptr, 0, helloPrefix, kHelloPrefixBytes,
                                                       nullptr, n.data(), serverToClientKey);
}

bool isHex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

bool parseHex(std::string_view hex, uint8_t* out, size_t n) {
    if (hex.size() != n * 2) return false;
    for (char c : hex)
        if (!isHex(c)) return false;
    size_t got = 0;
    return sodium_hex2bin(out, n, hex.data(), hex.size(), nullptr, &got, nullptr) == 0 && got == n;
}

std::string toHex(const uint8_t* p, size_t n) {
    std::string s(n * 2 + 1, '\0');
    sodium_bin2hex(s.data(), s.size(), p, n);
    s.pop_back();
    return s;
}

}  // namespace

// --- errors ----------------------------------------------------------------------------------

const char* linkErrorName(LinkError e) {
    switch (e) {
    case LinkError::None: return "none";
    case LinkError::Malformed: return "malformed";
    case LinkError::BadVersion: return "bad-version";
    case LinkError::WeakKey: return "weak-key";
    case LinkError::BadProof: return "bad-proof";
    case LinkError::KeyMismatch: return "key-mismatch";
    case LinkError::KeyChanged: return "key-changed";
    case LinkError::Replayed: return "replayed";
    case LinkError::Forged: return "forged";
    case LinkError::BadChannel: return "bad-channel";
    case LinkError::NoSession: return "no-session";
    case LinkError::HandshakeTimeout: return "handshake-timeout";
    case LinkError::Count: break;
    }
    return "?";
}

std::string linkErrorText(LinkError e, bool chinese) {
    auto pick = [chinese](const char* zh, const char* en) { return std::string(chinese ? zh : en); };
    switch (e) {
    case LinkError::None: return pick("没有错误", "no error");
    case LinkError::Malformed:
        return pick("对方发来的安全连接数据包格式不对；它是 Dockhall 会场服务器吗？",
                    "the other side sent a malformed link packet; is it a Dockhall server?");
    case LinkError::BadVersion:
        return pick("会场服务器使用另一版本的安全连接；请更新 Dockhall。",
                    "the server speaks another link version; update Dockhall");
    case LinkError::WeakKey:
        return pick("对方提供的密钥无效，连接已拒绝。", "the other side offered an invalid key; the connection was refused");
    case LinkError::BadProof:
        return pick("会场服务器无法证明它持有自己的密钥：中间可能有人冒充。请不要继续。",
                    "the server could not prove it holds its key: someone may be in between; do not continue");
    case LinkError::KeyMismatch:
        return pick("会场服务器的密钥与邀请中的不一致：中间可能有人冒充，或邀请已过期。请向主办方索取当前密钥。",
                    "the server's key is not the one in the invitation: someone may be in between, or the "
                    "invitation is old; ask the organizer for the current key");
    case LinkError::KeyChanged:
        return pick("会场服务器的密钥与上次加入时不同：中间可能有人冒充。如主办方确认更换了密钥，"
                    "请从 known-servers 文件中删除该服务器的那一行。",
                    "the server's key changed since you last joined it: someone may be in between; if the "
                    "organizer confirms a new key, remove the server's line from the known-servers file");
    case LinkError::Replayed: return pick("重放的数据包已丢弃。", "a replayed packet was dropped");
    case LinkError::Forged: return pick("未通过认证的数据包已丢弃。", "a packet that failed authentication was dropped");
    case LinkError::BadChannel: return pick("未知通道上的数据包已丢弃。", "a packet on an unknown channel was dropped");
    case LinkError::NoSession:
        return pick("安全握手完成前到达的数据包已丢弃。", "a packet came before the secure handshake and was dropped");
    case LinkError::HandshakeTimeout:
        return pick("安全握手未能按时完成。", "the secure handshake did not complete in time");
    case LinkError::Count: break;
    }
    return pick("未知的连接错误", "unknown link error");
}

LinkError linkErrorFromReason(uint32_t reason) {
    if (reason <= kLinkDisconnectBase || reason >= kLinkDisconnectBase + uint32_t(LinkError::Count)) return LinkError::None;
    return LinkError(reason - kLinkDisconnectBase);
}

// --- keys ------------------------------------------------------------------------------------

bool linkCryptoInit() { return sodium_init() >= 0; }

LinkKeyPair generateLinkKeyPair() {
    linkCryptoInit();
    LinkKeyPair kp;
    randombytes_buf(kp.secretKey.data(), kp.secretKey.size());
    crypto_scalarmult_base(kp.publicKey.data(), kp.secretKey.data());
    return kp;
}

std::string publicKeyHex(const LinkPublicKey& key) { return toHex(key.data(), key.size()); }

bool parsePublicKeyHex(std::string_view hex, LinkPublicKey& out) {
    LinkPublicKey k{};
    if (!parseHex(hex, k.data(), k.size())) return false;
    out = k;
    return true;
}

bool loadOrCreateKeyFile(const std::string& path, LinkKeyPair& out, bool* created, std::string& error) {
    linkCryptoInit();
    if (created) *created = false;
    std::ifstream in(path);
    if (!in) {
        struct stat st{};
        if (::stat(path.c_str(), &st) == 0) {
            error = path + ": cannot read the server key file; check its permissions";
            return false;
        }
        LinkKeyPair kp = generateLinkKeyPair();
        std::string tmp = path + ".tmp";
        std::FILE* f = std::fopen(tmp.c_str(), "w");
        if (!f) {
            error = path + ": cannot create the server key file; check the folder exists and is writable";
            return false;
        }
        ::chmod(tmp.c_str(), 0600);
        std::string text = std::string(kKeyFileHeader) + "\nsecret " + toHex(kp.secretKey.data(), 32) +
                           "\npublic " + publicKeyHex(kp.publicKey) + "\n";
        bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
        ok = std::fclose(f) == 0 && ok;
        sodium_memzero(text.data(), text.size());
        if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
            std::remove(tmp.c_str());
            error = path + ": cannot write the server key file";
            return false;
        }
        out = kp;
        if (created) *created = true;
        return true;
    }
    std::string header, secretWord, secretHex, publicWord, publicHex;
    std::getline(in, header);
    in >> secretWord >> secretHex >> publicWord >> publicHex;
    LinkKeyPair kp;
    if (header != kKeyFileHeader || secretWord != "secret" || publicWord != "public" ||
        !parseHex(secretHex, kp.secretKey.data(), 32) || !parsePublicKeyHex(publicHex, kp.publicKey)) {
        error = path + ": not a Dockhall server key file (expected \"" + kKeyFileHeader +
                "\", then \"secret HEX\" and \"public HEX\" lines); move it away to make a new key";
        return false;
    }
    LinkPublicKey derived{};
    crypto_scalarmult_base(derived.data(), kp.secretKey.data());
    sodium_memzero(secretHex.data(), secretHex.size());
    if (derived != kp.publicKey) {
        error = path + ": the public key does not belong to the secret key; the file is damaged";
        return false;
    }
    out = kp;
    return true;
}

bool KnownServers::load(const std::string& path, std::string& error) {
    m_path = path;
    m_entries.clear();
    std::ifstream in(path);
    if (!in) return true;  // nothing pinned yet
    std::string line;
    for (int n = 1; std::getline(in, line); ++n) {
        if (line.empty() || line[0] == '#') continue;
        std::istringstream ss(line);
        std::string server, hex;
        LinkPublicKey key{};
        if (!(ss >> server >> hex) || !parsePublicKeyHex(hex, key)) {
            error = path + ":" + std::to_string(n) + ": expected \"HOST:PORT KEY\" (64 hex digits); fix or delete the line";
            return false;
        }
        m_entries.emplace_back(server, key);
    }
    return true;
}

KnownServers::Check KnownServers::check(const std::string& server, const LinkPublicKey& key, LinkPublicKey* pinned) const {
    for (const auto& [name, k] : m_entries) {
        if (name != server) continue;
        if (pinned) *pinned = k;
        return k == key ? Check::Pinned : Check::Changed;
    }
    return Check::FirstUse;
}

bool KnownServers::pin(const std::string& server, const LinkPublicKey& key, std::string& error) {
    bool found = false;
    for (auto& [name, k] : m_entries)
        if (name == server) { k = key; found = true; }
    if (!found) m_entries.emplace_back(server, key);
    if (m_path.empty()) return true;
    std::string tmp = m_path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::trunc);
        out << "# Dockhall servers and the keys first seen for them (HOST:PORT KEY)\n";
        for (const auto& [name, k] : m_entries) out << name << ' ' << publicKeyHex(k) << '\n';
        if (!out) {
            error = m_path + ": cannot write the known-servers file";
            return false;
        }
    }
    if (std::rename(tmp.c_str(), m_path.c_str()) != 0) {
        error = m_path + ": cannot replace the known-servers file";
        return false;
    }
    return true;
}

// --- replay window ---------------------------------------------------------------------------

uint64_t expandLinkCounter(uint64_t highestSeen, bool anySeen, uint16_t wire) {
    constexpr uint64_t win = uint64_t(1) << 16, half = win / 2, mask = win - 1;
    const uint64_t expected = anySeen ? highestSeen + 1 : 0;
    const uint64_t candidate = (expected & ~mask) | wire;
    // RFC 9000's `candidate <= expected - half` and `candidate > expected + half`, as distances
    // so that nothing wraps around.
    if (candidate < expected && expected - candidate >= half && candidate <= ~uint64_t(0) - win) return candidate + win;
    if (candidate > expected && candidate - expected > half && candidate >= win) return candidate - win;
    return candidate;
}

bool ReplayWindow::fresh(uint64_t counter) const {
    if (!m_any || counter > m_highest) return true;
    uint64_t age = m_highest - counter;
    return age < kReplayWindow && !m_seen[size_t(age)];
}

void ReplayWindow::accept(uint64_t counter) {
    if (!m_any) {
        m_any = true;
        m_highest = counter;
        m_seen.reset();
        m_seen.set(0);
        return;
    }
    if (counter > m_highest) {
        uint64_t shift = counter - m_highest;
        if (shift >= kReplayWindow) m_seen.reset();
        else m_seen <<= size_t(shift);
        m_seen.set(0);
        m_highest = counter;
        return;
    }
    uint64_t age = m_highest - counter;
    if (age < kReplayWindow) m_seen.set(size_t(age));
}

// --- sessions --------------------------------------------------------------------------------

LinkSession::LinkSession(const uint8_t* sendKey, const uint8_t* receiveKey) : m_ready(true) {
    std::memcpy(m_sendKey.data(), sendKey, kLinkKeyBytes);
    std::memcpy(m_receiveKey.data(), receiveKey, kLinkKeyBytes);
}

bool LinkSession::seal(uint8_t channel, std::span<const uint8_t> plain, std::vector<uint8_t>& out) {
    if (!m_ready || channel >= kLinkMaxChannels) return false;
    const uint64_t counter = m_sendCounter[channel]++;
    const DataAd ad = dataAd(counter, channel);
    const Nonce nonce = makeNonce(counter, channel);  // the whole counter, though 16 bits travel
    const size_t at = out.size();
    out.resize(at + kLinkDataOverhead + plain.size());
    uint8_t* p = out.data() + at;
    std::memcpy(p, ad.data(), kHeaderBytes);  // kind, counter's low 16 bits
    unsigned long long tagLen = 0;
    crypto_aead_chacha20poly1305_ietf_encrypt_detached(p + kHeaderBytes, p + kHeaderBytes + plain.size(), &tagLen,
                                                       plain.data(), plain.size(), ad.data(), ad.size(), nullptr,
                                                       nonce.data(), m_sendKey.data());
    m_counters.sealed += 1;
    return true;
}

LinkError LinkSession::open(uint8_t channel, std::span<const uint8_t> packet, std::vector<uint8_t>& out) {
    out.clear();  // keeps its capacity
    if (!m_ready) return LinkError::NoSession;
    if (channel >= kLinkMaxChannels) {
        m_counters.malformed += 1;
        return LinkError::BadChannel;
    }
    if (packet.size() < kLinkDataOverhead || packet[0] != uint8_t(LinkPacket::Data)) {
        m_counters.malformed += 1;
        return LinkError::Malformed;
    }
    ReplayWindow& window = m_window[channel];
    // An old packet may be rebuilt to another counter than it was sealed with: its nonce is then
    // wrong and it does not open (Forged), or the counter is one seen before (Replayed).
    const uint64_t counter = window.expand(uint16_t(packet[1] | packet[2] << 8));
    if (!window.fresh(counter)) {
        m_counters.replayed += 1;
        return LinkError::Replayed;
    }
    const size_t n = packet.size() - kLinkDataOverhead;
    const DataAd ad = dataAd(counter, channel);  // the packet's own first 3 bytes, then the channel
    const Nonce nonce = makeNonce(counter, channel);
    out.resize(n);  // reuses the caller's buffer: no allocation per packet in a steady stream
    if (crypto_aead_chacha20poly1305_ietf_decrypt_detached(out.data(), nullptr, packet.data() + kHeaderBytes, n,
                                                           packet.data() + kHeaderBytes + n, ad.data(), ad.size(),
                                                           nonce.data(), m_receiveKey.data()) != 0) {
        out.clear();
        m_counters.forged += 1;
        return LinkError::Forged;
    }
    window.accept(counter);
    m_counters.opened += 1;
    return LinkError::None;
}

// --- handshake -------------------------------------------------------------------------------

ClientHandshake::ClientHandshake() : m_ephemeral(generateLinkKeyPair()) {}

std::vector<uint8_t> ClientHandshake::hello() const {
    std::vector<uint8_t> h(kClientHelloBytes, 0);
    h[0] = uint8_t(LinkPacket::ClientHello);
    h[1] = kLinkVersion;
    std::memcpy(h.data() + 2, m_ephemeral.publicKey.data(), kLinkKeyBytes);
    return h;
}

LinkError ClientHandshake::finish(std::span<const uint8_t> reply, const LinkPublicKey* expected, LinkSession& session) {
    if (reply.size() != kServerHelloBytes || reply[0] != uint8_t(LinkPacket::ServerHello)) return LinkError::Malformed;
    if (reply[1] != kLinkVersion) return LinkError::BadVersion;
    LinkPublicKey serverStatic{}, serverEphemeral{};
    std::memcpy(serverStatic.data(), reply.data() + 2, 32);
    std::memcpy(serverEphemeral.data(), reply.data() + 34, 32);
    if (expected && *expected != serverStatic) return LinkError::KeyMismatch;
    uint8_t dhE[32], dhS[32];
    if (crypto_scalarmult(dhE, m_ephemeral.secretKey.data(), serverEphemeral.data()) != 0 ||
        crypto_scalarmult(dhS, m_ephemeral.secretKey.data(), serverStatic.data()) != 0)
        return LinkError::WeakKey;
    uint8_t keys[64];
    deriveKeys(dhE, dhS, m_ephemeral.publicKey, serverEphemeral, serverStatic, keys);
    uint8_t tag[kLinkTagBytes];
    proofTag(keys + 32, reply.data(), tag);
    LinkError result = LinkError::BadProof;
    if (sodium_memcmp(tag, reply.data() + kHelloPrefixBytes, kLinkTagBytes) == 0) {
        session = LinkSession(keys, keys + 32);  // client sends with client->server
        m_serverKey = serverStatic;
        result = LinkError::None;
    }
    sodium_memzero(dhE, sizeof dhE);
    sodium_memzero(dhS, sizeof dhS);
    sodium_memzero(keys, sizeof keys);
    return result;
}

LinkError serverHandshake(const LinkKeyPair& server, std::span<const uint8_t> hello, std::vector<uint8_t>& reply,
                          LinkSession& session) {
    reply.clear();
    if (hello.size() != kClientHelloBytes || hello[0] != uint8_t(LinkPacket::ClientHello)) return LinkError::Malformed;
    if (hello[1] != kLinkVersion) return LinkError::BadVersion;
    for (size_t i = 2 + kLinkKeyBytes; i < hello.size(); ++i)
        if (hello[i] != 0) return LinkError::Malformed;  // padding is zero: room for later fields
    LinkPublicKey clientEphemeral{};
    std::memcpy(clientEphemeral.data(), hello.data() + 2, 32);
    const LinkKeyPair ephemeral = generateLinkKeyPair();
    uint8_t dhE[32], dhS[32];
    if (crypto_scalarmult(dhE, ephemeral.secretKey.data(), clientEphemeral.data()) != 0 ||
        crypto_scalarmult(dhS, server.secretKey.data(), clientEphemeral.data()) != 0)
        return LinkError::WeakKey;
    uint8_t keys[64];
    deriveKeys(dhE, dhS, clientEphemeral, ephemeral.publicKey, server.publicKey, keys);
    reply.resize(kServerHelloBytes);
    reply[0] = uint8_t(LinkPacket::ServerHello);
    reply[1] = kLinkVersion;
    std::memcpy(reply.data() + 2, server.publicKey.data(), 32);
    std::memcpy(reply.data() + 34, ephemeral.publicKey.data(), 32);
    proofTag(keys + 32, reply.data(), reply.data() + kHelloPrefixBytes);
    session = LinkSession(keys + 32, keys);  // server sends with server->client
    sodium_memzero(dhE, sizeof dhE);
    sodium_memzero(dhS, sizeof dhS);
    sodium_memzero(keys, sizeof keys);
    return LinkError::None;
}

}  // namespace net
