// fuzz_secure: the encrypted link's decoders (net/transport/secure.h) on arbitrary packets.
//
// Input: a selector byte, then packets. Checks:
//   - serverHandshake on any bytes: never crashes; a refusal sends nothing back, an answer is
//     never longer than the hello (no amplification);
//   - ClientHandshake::finish on any bytes: never crashes; only a real server's answer opens;
//   - LinkSession::open on any sequence of packets and channels: never crashes, never accepts a
//     packet that was not sealed by the other end, never accepts one twice; and what the other
//     end seals after the junk still opens (junk burns no counter and breaks no window).
#include <cstdint>
#include <vector>

#include "net/transport/secure.h"
#include "tests/fuzz/fuzz_common.h"

namespace {

using Bytes = std::vector<uint8_t>;

struct Fixture {
    net::LinkKeyPair serverKey = net::generateLinkKeyPair();
};

const Fixture& fixture() {
    static const Fixture f;
    return f;
}

void fuzzServerHello(fuzz::InputReader& in) {
    auto hello = in.rest();
    Bytes reply{9, 9};
    net::LinkSession s;
    net::LinkError e = net::serverHandshake(fixture().serverKey, hello, reply, s);
    FUZZ_CHECK(reply.size() <= hello.size());
    FUZZ_CHECK((e == net::LinkError::None) == s.ready());
    if (e != net::LinkError::None) FUZZ_CHECK(reply.empty());
}

void fuzzClientFinish(fuzz::InputReader& in) {
    net::ClientHandshake c;
    net::LinkSession s;
    auto reply = in.rest();
    // Random bytes never carry a proof made with this client's fresh keys.
    FUZZ_CHECK(c.finish(reply, nullptr, s) != net::LinkError::None);
    FUZZ_CHECK(!s.ready());
}

void fuzzSession(fuzz::InputReader& in) {
    net::ClientHandshake c;
    net::LinkSession client, server;
    Bytes reply;
    FUZZ_CHECK(net::serverHandshake(fixture().serverKey, c.hello(), reply, server) == net::LinkError::None);
    FUZZ_CHECK(c.finish(reply, &fixture().serverKey.publicKey, client) == net::LinkError::None);

    Bytes out, sealed;
    std::vector<Bytes> genuine;
    for (int n = 0; n < 64; ++n) {
        uint8_t op = in.byte();
        uint8_t channel = uint8_t(op & 0x0f);
        if (op & 0x80) {  // the client seals a genuine packet; the fuzzer may replay it later
            sealed.clear();
            auto plain = in.slice(2000);
            bool ok = client.seal(channel, plain, sealed);
            FUZZ_CHECK(ok == (channel < net::kLinkMaxChannels));
            if (!ok) continue;
            genuine.push_back(sealed);
            FUZZ_CHECK(server.open(channel, sealed, out) == net::LinkError::None);
            FUZZ_CHECK(Bytes(plain.begin(), plain.end()) == out);
            FUZZ_CHECK(server.open(channel, sealed, out) == net::LinkError::Replayed);
        } else if (op & 0x40 && !genuine.empty()) {  // replay, possibly altered and on another channel
            Bytes p = genuine[in.byte() % genuine.size()];
            uint8_t flip = in.byte();
            if (flip && !p.empty()) p[in.u16() % p.size()] ^= flip;
            FUZZ_CHECK(server.open(channel, p, out) != net::LinkError::None);
            FUZZ_CHECK(out.empty());
        } else {  // junk
            auto junk = in.slice(3000);
            FUZZ_CHECK(server.open(channel, junk, out) != net::LinkError::None);
        }
        if (in.atEnd()) break;
    }
    // Whatever came before, the next genuine packet on each channel opens.
    for (uint8_t ch = 0; ch < net::kLinkMaxChannels; ++ch) {
        sealed.clear();
        FUZZ_CHECK(client.seal(ch, Bytes{1, 2, 3}, sealed));
        FUZZ_CHECK(server.open(ch, sealed, out) == net::LinkError::None);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    fuzz::InputReader in(data, size);
    switch (in.byte() % 3) {
    case 0: fuzzServerHello(in); break;
    case 1: fuzzClientFinish(in); break;
    case 2: fuzzSession(in); break;
    }
    return 0;
}
