// The encrypted link (net/transport/secure.h): handshake, sealing, replay window, key files and
// pinning as pure functions; then the same link inside EnetTransport on 127.0.0.1, where a peer
// that does not speak it, a client expecting another key and a changed pinned key are refused.
#include <gtest/gtest.h>

#include <enet/enet.h>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "net/protocol/messages.h"
#include "net/transport/enet_transport.h"
#include "net/transport/secure.h"

namespace net {
namespace {

using Bytes = std::vector<uint8_t>;
using Kind = TransportEvent::Kind;
using Clock = std::chrono::steady_clock;

Bytes text(const std::string& s) { return Bytes(s.begin(), s.end()); }

// A completed handshake: the client's and the server's sessions.
struct Pair {
    LinkKeyPair serverKey = generateLinkKeyPair();
    LinkSession client, server;
    Bytes hello, reply;
};

void handshake(Pair& p) {
    ClientHandshake c;
    p.hello = c.hello();
    ASSERT_EQ(serverHandshake(p.serverKey, p.hello, p.reply, p.server), LinkError::None);
    ASSERT_EQ(c.finish(p.reply, &p.serverKey.publicKey, p.client), LinkError::None);
    EXPECT_EQ(c.serverKey(), p.serverKey.publicKey);
}

Bytes seal(LinkSession& s, uint8_t channel, const Bytes& plain) {
    Bytes out;
    EXPECT_TRUE(s.seal(channel, plain, out));
    return out;
}

std::filesystem::path tempPath(const std::string& name) {
    auto p = std::filesystem::temp_directory_path() /
             ("dockhall_secure_" + std::to_string(::getpid()) + "_" + name);
    std::filesystem::remove(p);
    return p;
}

// --- handshake and sealing ------------------------------------------------------------------

TEST(SecureLink, BothSidesReadWhatTheOtherSealsOnEveryChannel) {
    Pair p;
    handshake(p);
    for (uint8_t ch = 0; ch < kChannelCount; ++ch) {
        Bytes up = seal(p.client, ch, text("你好，展台 " + std::to_string(ch)));
        Bytes got;
        ASSERT_EQ(p.server.open(ch, up, got), LinkError::None);
        EXPECT_EQ(got, text("你好，展台 " + std::to_string(ch)));
        Bytes down = seal(p.server, ch, text("welcome"));
        ASSERT_EQ(p.client.open(ch, down, got), LinkError::None);
        EXPECT_EQ(got, text("welcome"));
    }
    // Nothing readable travels: the plaintext does not appear in the packet.
    Bytes secret = text("agreement draft: price 1,200,000 yuan");
    Bytes sealed = seal(p.client, 1, secret);
    EXPECT_EQ(sealed.size(), secret.size() + kLinkDataOverhead);
    EXPECT_EQ(std::search(sealed.begin(), sealed.end(), secret.begin(), secret.begin() + 9), sealed.end());
    // An empty message seals too (the client's confirmation packet is one).
    Bytes empty = seal(p.client, 1, {}), got;
    EXPECT_EQ(p.server.open(1, empty, got), LinkError::None);
    EXPECT_TRUE(got.empty());
}

TEST(SecureLink, ReplayedPacketIsRefusedButReorderingInsideTheWindowIsNot) {
    Pair p;
    handshake(p);
    std::vector<Bytes> packets;
    for (int i = 0; i < 10; ++i) packets.push_back(seal(p.server, 0, text("snapshot " + std::to_string(i))));
    Bytes got;
    ASSERT_EQ(p.client.open(0, packets[5], got), LinkError::None);
    EXPECT_EQ(p.client.open(0, packets[5], got), LinkError::Replayed);  // the same packet again
    EXPECT_TRUE(got.empty());
    EXPECT_EQ(p.client.open(0, packets[2], got), LinkError::None);      // late, but new
    EXPECT_EQ(got, text("snapshot 2"));
    EXPECT_EQ(p.client.open(0, packets[2], got), LinkError::Replayed);
    EXPECT_EQ(p.client.counters().replayed, 2u);

    // Older than the window: refused even if never seen.
    Bytes old = packets[0];
    for (uint64_t i = 0; i < kReplayWindow + 5; ++i) ASSERT_EQ(p.client.open(0, seal(p.server, 0, {1}), got), LinkError::None);
    EXPECT_EQ(p.client.open(0, old, got), LinkError::Replayed);
    // Each channel counts on its own: channel 1 starts fresh.
    EXPECT_EQ(p.client.open(1, seal(p.server, 1, {7}), got), LinkError::None);
}

TEST(SecureLink, TamperedOrForgedPacketIsRefusedAndChangesNothing) {
    Pair p;
    handshake(p);
    Bytes good = seal(p.client, 1, text("need: 42CrMo crankshaft forging, budget 300k"));
    Bytes got;
    for (size_t i = 0; i < good.size(); ++i) {
        Bytes bad = good;
        bad[i] ^= 0x01;
        LinkError e = p.server.open(1, bad, got);
        EXPECT_TRUE(e == LinkError::Forged || e == LinkError::Malformed) << "byte " << i << ": " << linkErrorName(e);
        EXPECT_TRUE(got.empty());
    }
    // Moved to another channel: refused (the channel is authenticated).
    EXPECT_EQ(p.server.open(0, good, got), LinkError::Forged);
    // Truncated, or not a data packet at all.
    EXPECT_EQ(p.server.open(1, Bytes(good.begin(), good.begin() + kLinkDataOverhead - 1), got), LinkError::Malformed);
    EXPECT_EQ(p.server.open(1, encode(ChatSend{"plain text"}), got), LinkError::Malformed);
    EXPECT_EQ(p.server.open(9, good, got), LinkError::BadChannel);
    // The forgeries did not burn the counter: the genuine packet still opens, once.
    EXPECT_EQ(p.server.open(1, good, got), LinkError::None);
    EXPECT_EQ(p.server.open(1, good, got), LinkError::Replayed);
    EXPECT_GE(p.server.counters().forged, good.size() - 1);  // every byte but the kind byte
}

// --- the counter's low 16 bits on the wire ---------------------------------------------------

TEST(SecureLink, DataPacketCarriesOnlyTheCountersLow16Bits) {
    EXPECT_EQ(kLinkDataOverhead, 19u);  // kind, 2 counter bytes, tag: 6 bytes less than version 1
    Pair p;
    handshake(p);
    Bytes got;
    for (int i = 0; i < 300; ++i) ASSERT_EQ(p.client.open(0, seal(p.server, 0, {}), got), LinkError::None);
    const Bytes plain = text("snapshot");
    Bytes sealed = seal(p.server, 0, plain);  // counter 300 = 0x012C
    ASSERT_EQ(sealed.size(), plain.size() + kLinkDataOverhead);
    EXPECT_EQ(sealed[0], uint8_t(LinkPacket::Data));
    EXPECT_EQ(sealed[1], 0x2C);
    EXPECT_EQ(sealed[2], 0x01);
    ASSERT_EQ(p.client.open(0, sealed, got), LinkError::None);
    EXPECT_EQ(got, plain);
}

TEST(SecureLink, CounterIsRebuiltFromItsLow16BitsAcrossTheWrap) {
    // Nothing seen yet: the counter nearest 0, which the first packets' bits name exactly.
    EXPECT_EQ(expandLinkCounter(0, false, 0x0000), 0x0u);
    EXPECT_EQ(expandLinkCounter(0, false, 0x0005), 0x5u);
    EXPECT_EQ(expandLinkCounter(0, false, 0xFFFF), 0xFFFFu);  // no counter below 0 to pick
    // Forward across the wrap, and a late packet from before it.
    EXPECT_EQ(expandLinkCounter(0xFFFF, true, 0x0001), 0x10001u);
    EXPECT_EQ(expandLinkCounter(0x10001, true, 0xFFFF), 0xFFFFu);
    EXPECT_EQ(expandLinkCounter(0xFFFF, true, 0xFFFF), 0xFFFFu);  // the highest itself (a replay)
    // The candidate nearest highest + 1, up to 32,768 either way.
    const uint64_t h = 0x3'0000'1234;
    EXPECT_EQ(expandLinkCounter(h, true, 0x1235), h + 1);
    EXPECT_EQ(expandLinkCounter(h, true, uint16_t(h + 1 + 32768)), h + 1 + 32768);   // 32,768 lost
    EXPECT_EQ(expandLinkCounter(h, true, uint16_t(h + 1 + 32769)), h + 1 + 32769 - 65536);  // too far
    EXPECT_EQ(expandLinkCounter(h, true, uint16_t(h + 1 - 32767)), h + 1 - 32767);
    EXPECT_EQ(expandLinkCounter(h, true, uint16_t(h + 1 - 32768)), h + 1 - 32768 + 65536);
    // Every one of the 65,536 wire values names a counter within half the range of highest + 1.
    for (uint32_t w = 0; w <= 0xFFFF; ++w) {
        uint64_t c = expandLinkCounter(0xFFF0, true, uint16_t(w));
        ASSERT_EQ(c & 0xFFFF, w);
        ASSERT_TRUE(c + 32768 > 0xFFF1 && c <= 0xFFF1 + 32768u) << w << " -> " << c;
    }
}

TEST(SecureLink, PacketsReorderedAcrossTheWrapOpenOnceEach) {
    Pair p;
    handshake(p);
    Bytes got;
    // Bring the channel to just before its counter's low 16 bits wrap; the client opens every
    // 1,000th packet, the rest are lost.
    while (p.server.nextCounter(0) < 0xFFF8) {
        Bytes packet = seal(p.server, 0, {});
        if (p.server.nextCounter(0) % 1000 == 0) {
            ASSERT_EQ(p.client.open(0, packet, got), LinkError::None);
        }
    }
    std::vector<Bytes> packets;  // counters 0xFFF8 ... 0x10007
    for (int i = 0; i < 16; ++i) packets.push_back(seal(p.server, 0, text("snapshot " + std::to_string(i))));
    const int order[16] = {9, 3, 15, 0, 8, 7, 12, 1, 14, 2, 6, 11, 4, 13, 5, 10};
    for (int i : order) {
        ASSERT_EQ(p.client.open(0, packets[size_t(i)], got), LinkError::None) << i;
        EXPECT_EQ(got, text("snapshot " + std::to_string(i)));
    }
    for (int i : order) EXPECT_EQ(p.client.open(0, packets[size_t(i)], got), LinkError::Replayed) << i;
    EXPECT_EQ(p.client.counters().forged, 0u);
    EXPECT_EQ(p.client.open(0, seal(p.server, 0, {1}), got), LinkError::None);
}

TEST(SecureLink, PacketAfterTensOfThousandsLostStillOpens) {
    Pair p;
    handshake(p);
    Bytes got, lost;
    ASSERT_EQ(p.client.open(0, seal(p.server, 0, {}), got), LinkError::None);
    for (int gap : {30000, 32767, 32768}) {  // 32,768 in a row is the most the 16 bits can bridge
        for (int i = 0; i < gap; ++i) {
            lost.clear();
            ASSERT_TRUE(p.server.seal(0, {}, lost));
        }
        ASSERT_EQ(p.client.open(0, seal(p.server, 0, text("still here")), got), LinkError::None) << gap;
        EXPECT_EQ(got, text("still here"));
    }
    EXPECT_EQ(p.server.nextCounter(0), 1u + 30001 + 32768 + 32769);
}

TEST(SecureLink, PacketReplayedFromTensOfThousandsOfPacketsAgoDoesNotOpen) {
    Pair p;
    handshake(p);
    Bytes got, lostOne;
    // 70,001 packets, counters 0 ... 70,000, all opened but one, 69,990, which is lost. Then
    // packets of several ages are replayed. Their 16 bits name the counter nearest 70,001 with
    // those bits: their own (seen, or older than the window: replayed), or another one, whose
    // nonce is not theirs (forged), even where the window has not seen that counter.
    const uint64_t highest = 70000, lost = highest - 10;
    const std::vector<std::pair<uint64_t, LinkError>> ages = {
        {70000, LinkError::Replayed},  // counter 0 is named 65,536: far older than the window
        {65546, LinkError::Forged},    // counter 4,454 is named 69,990, the lost one
        {65536, LinkError::Replayed},  // counter 4,464 is named 70,000, seen
        {40000, LinkError::Forged},    // counter 30,000 is named 95,536, not sealed yet
        {32768, LinkError::Forged},    // counter 37,232 is named 102,768
        {300, LinkError::Replayed},
        {1, LinkError::Replayed},
    };
    std::vector<Bytes> kept(ages.size());
    for (uint64_t c = 0; c <= highest; ++c) {
        Bytes packet = seal(p.server, 0, text("bid " + std::to_string(c)));
        for (size_t k = 0; k < ages.size(); ++k)
            if (highest - c == ages[k].first) kept[k] = packet;
        if (c == lost) {
            lostOne = packet;
            continue;
        }
        ASSERT_EQ(p.client.open(0, packet, got), LinkError::None) << c;
    }
    for (size_t k = 0; k < ages.size(); ++k) {
        ASSERT_FALSE(kept[k].empty());
        EXPECT_EQ(p.client.open(0, kept[k], got), ages[k].second) << "age " << ages[k].first;
        EXPECT_TRUE(got.empty());
    }
    EXPECT_EQ(p.client.counters().forged, 3u);
    // The refusals moved nothing: the lost packet still opens late, and the next one too.
    ASSERT_EQ(p.client.open(0, lostOne, got), LinkError::None);
    EXPECT_EQ(got, text("bid " + std::to_string(lost)));
    EXPECT_EQ(p.client.open(0, seal(p.server, 0, {1}), got), LinkError::None);
}

TEST(SecureLink, PacketFromAnotherPeerOrBeforeTheHandshakeIsRefused) {
    Pair a, b;
    handshake(a);
    handshake(b);
    Bytes got;
    // Sealed by another client (another session's keys): does not open.
    EXPECT_EQ(a.server.open(1, seal(b.client, 1, text("hi")), got), LinkError::Forged);
    // Sealed with the server's own key for the same client against itself (reflection): refused.
    EXPECT_EQ(a.server.open(1, seal(a.server, 1, text("hi")), got), LinkError::Forged);
    // A session without a handshake neither seals nor opens.
    LinkSession none;
    Bytes out;
    EXPECT_FALSE(none.seal(1, text("x"), out));
    EXPECT_TRUE(out.empty());
    EXPECT_EQ(none.open(1, seal(a.client, 1, text("x")), got), LinkError::NoSession);
}

TEST(SecureLink, HandshakeRefusesBadHellosWithoutAnyReply) {
    LinkKeyPair key = generateLinkKeyPair();
    ClientHandshake c;
    Bytes good = c.hello(), reply;
    LinkSession s;
    auto refused = [&](Bytes hello, LinkError want) {
        reply = {1, 2, 3};
        EXPECT_EQ(serverHandshake(key, hello, reply, s), want);
        EXPECT_TRUE(reply.empty()) << "a refused hello got " << reply.size() << " bytes back";
        EXPECT_FALSE(s.ready());
    };
    refused(Bytes(good.begin(), good.begin() + 40), LinkError::Malformed);  // short: would amplify
    refused({}, LinkError::Malformed);
    Bytes v = good;
    v[1] = kLinkVersion + 1;
    refused(v, LinkError::BadVersion);
    Bytes kind = good;
    kind[0] = uint8_t(LinkPacket::Data);
    refused(kind, LinkError::Malformed);
    Bytes padding = good;
    padding[100] = 1;  // inside the zero padding
    refused(padding, LinkError::Malformed);
    Bytes weak = good;
    std::fill(weak.begin() + 2, weak.begin() + 34, 0);  // a small-order key: an all-zero secret
    refused(weak, LinkError::WeakKey);
}

TEST(SecureLink, ClientRefusesAServerThatIsNotTheOneItExpects) {
    LinkKeyPair real = generateLinkKeyPair(), impostor = generateLinkKeyPair();
    LinkSession server, client;
    Bytes reply;
    {  // The impostor answers with its own key: not the invitation's.
        ClientHandshake c;
        ASSERT_EQ(serverHandshake(impostor, c.hello(), reply, server), LinkError::None);
        EXPECT_EQ(c.finish(reply, &real.publicKey, client), LinkError::KeyMismatch);
        EXPECT_FALSE(client.ready());
    }
    {  // The impostor claims the real key but cannot compute the proof without its secret.
        ClientHandshake c;
        ASSERT_EQ(serverHandshake(impostor, c.hello(), reply, server), LinkError::None);
        std::copy(real.publicKey.begin(), real.publicKey.end(), reply.begin() + 2);
        EXPECT_EQ(c.finish(reply, &real.publicKey, client), LinkError::BadProof);
    }
    {  // A tampered ephemeral key breaks the proof too.
        ClientHandshake c;
        ASSERT_EQ(serverHandshake(real, c.hello(), reply, server), LinkError::None);
        reply[40] ^= 0x80;
        EXPECT_EQ(c.finish(reply, &real.publicKey, client), LinkError::BadProof);
    }
    {  // Malformed answers.
        ClientHandshake c;
        EXPECT_EQ(c.finish(Bytes(10, 0xD2), nullptr, client), LinkError::Malformed);
        EXPECT_FALSE(client.ready());
    }
}

TEST(SecureLink, NoReplyBeforeTheHandshakeIsLargerThanItsRequest) {
    LinkKeyPair key = generateLinkKeyPair();
    for (int i = 0; i < 20; ++i) {
        ClientHandshake c;
        Bytes hello = c.hello(), reply;
        LinkSession s;
        ASSERT_EQ(serverHandshake(key, hello, reply, s), LinkError::None);
        EXPECT_LE(reply.size(), hello.size());
        EXPECT_EQ(reply.size(), kServerHelloBytes);
    }
}

TEST(SecureLink, ErrorsHaveNamesSentencesAndSurviveADisconnectReason) {
    for (int i = 1; i < int(LinkError::Count); ++i) {
        LinkError e = LinkError(i);
        EXPECT_STRNE(linkErrorName(e), "?");
        EXPECT_GT(linkErrorText(e).size(), 20u);
        EXPECT_NE(linkErrorText(e, true), linkErrorText(e));  // and in Chinese
        EXPECT_EQ(linkErrorFromReason(linkDisconnectReason(e)), e);
    }
    EXPECT_EQ(linkErrorFromReason(0), LinkError::None);
    EXPECT_EQ(linkErrorFromReason(5), LinkError::None);
}

// --- keys on disk -------------------------------------------------------------------------------

TEST(SecureLink, KeyFileIsCreatedOnceThenLoadedAndDamageIsNamed) {
    auto path = tempPath("server.key");
    LinkKeyPair first, again;
    bool created = false;
    std::string error;
    ASSERT_TRUE(loadOrCreateKeyFile(path.string(), first, &created, error)) << error;
    EXPECT_TRUE(created);
    EXPECT_EQ(std::filesystem::status(path).permissions() & std::filesystem::perms::group_read, std::filesystem::perms::none);
    ASSERT_TRUE(loadOrCreateKeyFile(path.string(), again, &created, error)) << error;
    EXPECT_FALSE(created);
    EXPECT_EQ(first.publicKey, again.publicKey);
    EXPECT_EQ(first.secretKey, again.secretKey);

    LinkPublicKey parsed{};
    ASSERT_TRUE(parsePublicKeyHex(publicKeyHex(first.publicKey), parsed));
    EXPECT_EQ(parsed, first.publicKey);
    EXPECT_FALSE(parsePublicKeyHex("abc", parsed));
    EXPECT_FALSE(parsePublicKeyHex(std::string(64, 'g'), parsed));

    {  // A public key that does not belong to the secret: refused, file left alone.
        std::ofstream f(path, std::ios::trunc);
        f << "dockhall-server-key 1\nsecret " << std::string(64, '1') << "\npublic " << publicKeyHex(first.publicKey) << "\n";
    }
    error.clear();
    EXPECT_FALSE(loadOrCreateKeyFile(path.string(), again, &created, error));
    EXPECT_NE(error.find(path.string()), std::string::npos) << error;
    EXPECT_NE(error.find("damaged"), std::string::npos) << error;
    {
        std::ofstream f(path, std::ios::trunc);
        f << "hello\n";
    }
    EXPECT_FALSE(loadOrCreateKeyFile(path.string(), again, &created, error));
    EXPECT_NE(error.find("not a Dockhall server key file"), std::string::npos) << error;
    std::filesystem::remove(path);
}

TEST(SecureLink, KnownServersPinOnFirstUseAndNoticeAChange) {
    auto path = tempPath("known_servers");
    LinkKeyPair a = generateLinkKeyPair(), b = generateLinkKeyPair();
    std::string error;
    {
        KnownServers k;
        ASSERT_TRUE(k.load(path.string(), error)) << error;  // no file yet: nothing pinned
        EXPECT_EQ(k.check("hall.example:7777", a.publicKey), KnownServers::Check::FirstUse);
        ASSERT_TRUE(k.pin("hall.example:7777", a.publicKey, error)) << error;
    }
    KnownServers k;
    ASSERT_TRUE(k.load(path.string(), error)) << error;
    EXPECT_EQ(k.check("hall.example:7777", a.publicKey), KnownServers::Check::Pinned);
    LinkPublicKey pinned{};
    EXPECT_EQ(k.check("hall.example:7777", b.publicKey, &pinned), KnownServers::Check::Changed);
    EXPECT_EQ(pinned, a.publicKey);
    EXPECT_EQ(k.check("other.example:7777", b.publicKey), KnownServers::Check::FirstUse);
    {
        std::ofstream f(path, std::ios::app);
        f << "broken line\n";
    }
    KnownServers bad;
    EXPECT_FALSE(bad.load(path.string(), error));
    EXPECT_NE(error.find(":3:"), std::string::npos) << error;
    std::filesystem::remove(path);
}

// --- inside EnetTransport ----------------------------------------------------------------------

struct Node {
    Transport* t = nullptr;
    std::vector<TransportEvent> events;
};

bool pumpUntil(std::vector<Node*> nodes, const std::function<bool()>& done, int limitMs = 5000) {
    const auto deadline = Clock::now() + std::chrono::milliseconds(limitMs);
    while (!done()) {
        if (Clock::now() > deadline) return false;
        for (Node* n : nodes) n->t->service(0, n->events, 1);
    }
    return true;
}

size_t count(const Node& n, Kind k) {
    return size_t(std::count_if(n.events.begin(), n.events.end(), [&](const TransportEvent& e) { return e.kind == k; }));
}

TEST(SecureEnet, ClientWithTheInvitationKeyConnectsAndTrafficIsSealed) {
    std::string error;
    LinkKeyPair key = generateLinkKeyPair();
    auto server = EnetTransport::listen({.bindAddress = "127.0.0.1", .key = key}, &error);
    ASSERT_TRUE(server) << error;
    EXPECT_EQ(server->linkKey(), key.publicKey);
    auto client = EnetTransport::connect({.port = server->port(), .serverKey = key.publicKey}, &error);
    ASSERT_TRUE(client) << error;
    Node s{server.get()}, c{client.get()};
    ASSERT_TRUE(pumpUntil({&s, &c}, [&] { return count(s, Kind::Connect) == 1 && count(c, Kind::Connect) == 1; }));
    EXPECT_EQ(client->linkKey(), key.publicKey);
    ASSERT_TRUE(client->send(client->serverPeer(), kChannelEvents, text("hello hall")));
    ASSERT_TRUE(client->send(client->serverPeer(), kChannelState, text("input")));
    ASSERT_TRUE(pumpUntil({&s, &c}, [&] { return count(s, Kind::Receive) == 2; }));
    EXPECT_GE(server->linkCounters().opened, 3u);  // the confirmation, then the two messages
    EXPECT_EQ(server->linkCounters().forged, 0u);
    EXPECT_EQ(client->linkError(), LinkError::None);
}

TEST(SecureEnet, ClientExpectingAnotherKeyRefusesAndSaysWhy) {
    std::string error;
    auto server = EnetTransport::listen({.bindAddress = "127.0.0.1"}, &error);
    ASSERT_TRUE(server) << error;
    LinkKeyPair other = generateLinkKeyPair();
    auto client = EnetTransport::connect({.port = server->port(), .serverKey = other.publicKey}, &error);
    ASSERT_TRUE(client) << error;
    Node s{server.get()}, c{client.get()};
    ASSERT_TRUE(pumpUntil({&s, &c}, [&] { return count(c, Kind::Disconnect) == 1; }));
    pumpUntil({&s, &c}, [] { return false; }, 200);
    EXPECT_EQ(count(c, Kind::Connect), 0u);
    EXPECT_EQ(count(s, Kind::Connect), 0u);  // the server's caller never saw this peer
    EXPECT_EQ(client->linkError(), LinkError::KeyMismatch);
    EXPECT_EQ(linkErrorFromReason(c.events.back().reason), LinkError::KeyMismatch);
    EXPECT_FALSE(client->send(client->serverPeer(), kChannelEvents, text("x")));
}

TEST(SecureEnet, PinnedKeyThatChangesIsRefused) {
    auto path = tempPath("known_enet");
    std::string error;
    LinkKeyPair first = generateLinkKeyPair(), second = generateLinkKeyPair();
    auto server = EnetTransport::listen({.bindAddress = "127.0.0.1", .key = first}, &error);
    ASSERT_TRUE(server) << error;
    const uint16_t port = server->port();
    {
        auto client = EnetTransport::connect({.port = port, .knownServersPath = path.string()}, &error);
        ASSERT_TRUE(client) << error;
        Node s{server.get()}, c{client.get()};
        ASSERT_TRUE(pumpUntil({&s, &c}, [&] { return count(c, Kind::Connect) == 1; }));
        EXPECT_TRUE(client->linkKeyPinnedNow());
    }
    server.reset();  // the hall restarts on the same port with another key
    server = EnetTransport::listen({.bindAddress = "127.0.0.1", .port = port, .key = second}, &error);
    ASSERT_TRUE(server) << error;
    auto client = EnetTransport::connect({.port = port, .knownServersPath = path.string()}, &error);
    ASSERT_TRUE(client) << error;
    Node s{server.get()}, c{client.get()};
    ASSERT_TRUE(pumpUntil({&s, &c}, [&] { return count(c, Kind::Disconnect) == 1; }));
    EXPECT_EQ(count(c, Kind::Connect), 0u);
    EXPECT_EQ(client->linkError(), LinkError::KeyChanged);
    EXPECT_NE(linkErrorText(LinkError::KeyChanged).find("known-servers"), std::string::npos);
    std::filesystem::remove(path);
}

// A peer that connects with plain ENet but never speaks the link: its packets never reach the
// server's caller, it is dropped when the handshake times out, and a real client still gets in.
TEST(SecureEnet, PeerThatSkipsTheHandshakeIsNeverHeardAndIsDropped) {
    std::string error;
    auto server = EnetTransport::listen({.bindAddress = "127.0.0.1", .handshakeTimeoutMs = 300}, &error);
    ASSERT_TRUE(server) << error;
    ASSERT_EQ(enet_initialize(), 0);
    ENetHost* raw = enet_host_create(nullptr, 1, kChannelCount, 0, 0);
    ASSERT_NE(raw, nullptr);
    ENetAddress address{};
    enet_address_set_host(&address, "127.0.0.1");
    address.port = server->port();
    ENetPeer* peer = enet_host_connect(raw, &address, kChannelCount, 0);
    ASSERT_NE(peer, nullptr);
    Node s{server.get()};
    bool rawConnected = false, rawDropped = false;
    uint32_t dropReason = 0;
    auto pumpRaw = [&] {
        ENetEvent ev;
        while (enet_host_service(raw, &ev, 0) > 0) {
            if (ev.type == ENET_EVENT_TYPE_CONNECT) rawConnected = true;
            if (ev.type == ENET_EVENT_TYPE_DISCONNECT) { rawDropped = true; dropReason = ev.data; }
            if (ev.type == ENET_EVENT_TYPE_RECEIVE) enet_packet_destroy(ev.packet);
        }
    };
    ASSERT_TRUE(pumpUntil({&s}, [&] { pumpRaw(); return rawConnected; }));
    // Plain messages, as an old or hostile client would send them, on every channel.
    Bytes chat = encode(ChatSend{"unencrypted"});
    for (uint8_t ch = 0; ch < kChannelCount; ++ch)
        enet_peer_send(peer, ch, enet_packet_create(chat.data(), chat.size(), ch ? ENET_PACKET_FLAG_RELIABLE : 0));
    enet_host_flush(raw);
    ASSERT_TRUE(pumpUntil({&s}, [&] { pumpRaw(); return rawDropped; }));
    EXPECT_EQ(count(s, Kind::Connect), 0u);
    EXPECT_EQ(count(s, Kind::Receive), 0u);
    EXPECT_NE(linkErrorFromReason(dropReason), LinkError::None) << dropReason;
    enet_host_destroy(raw);
    enet_deinitialize();

    auto client = EnetTransport::connect({.port = server->port()}, &error);
    ASSERT_TRUE(client) << error;
    Node c{client.get()};
    ASSERT_TRUE(pumpUntil({&s, &c}, [&] { return count(s, Kind::Connect) == 1 && count(c, Kind::Connect) == 1; }));
}

TEST(SecureEnet, SilentPeerIsDroppedWhenTheHandshakeTimesOut) {
    std::string error;
    auto server = EnetTransport::listen({.bindAddress = "127.0.0.1", .handshakeTimeoutMs = 200}, &error);
    ASSERT_TRUE(server) << error;
    ASSERT_EQ(enet_initialize(), 0);
    ENetHost* raw = enet_host_create(nullptr, 1, kChannelCount, 0, 0);
    ASSERT_NE(raw, nullptr);
    ENetAddress address{};
    enet_address_set_host(&address, "127.0.0.1");
    address.port = server->port();
    ASSERT_NE(enet_host_connect(raw, &address, kChannelCount, 0), nullptr);
    Node s{server.get()};
    bool connected = false, dropped = false;
    uint32_t reason = 0;
    ASSERT_TRUE(pumpUntil({&s}, [&] {
        ENetEvent ev;
        while (enet_host_service(raw, &ev, 0) > 0) {
            if (ev.type == ENET_EVENT_TYPE_CONNECT) connected = true;
            if (ev.type == ENET_EVENT_TYPE_DISCONNECT) { dropped = true; reason = ev.data; }
            if (ev.type == ENET_EVENT_TYPE_RECEIVE) enet_packet_destroy(ev.packet);
        }
        return dropped;
    }));
    EXPECT_TRUE(connected);
    EXPECT_EQ(linkErrorFromReason(reason), LinkError::HandshakeTimeout);
    EXPECT_EQ(server->peerCount(), 0u);  // the slot is free again
    EXPECT_EQ(count(s, Kind::Connect), 0u);
    enet_host_destroy(raw);
    enet_deinitialize();
}

}  // namespace
}  // namespace net
