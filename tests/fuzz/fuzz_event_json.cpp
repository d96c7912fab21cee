// fuzz_event_json: the event definition loader (server/core/event_loader.h) on arbitrary text.
//
// Checks: loading never crashes or throws past loadEventJson, whatever the text; a refusal
// comes with an error message; an event that loads can be sent to clients, i.e. a Welcome
// carrying it encodes and decodes (a hall the server accepts but cannot describe to anyone
// would strand every attendee at the door).
#include <cstdint>
#include <string>

#include "net/protocol/messages.h"
#include "server/core/event_loader.h"
#include "tests/fuzz/fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string text(reinterpret_cast<const char*>(data), size);
    net::EventLayout layout;
    std::string error;
    if (!server::loadEventJson(text, layout, error)) {
        FUZZ_CHECK(!error.empty());
        return 0;
    }
    net::Welcome w;
    w.you.v = 1;
    w.event = layout;
    net::Bytes packet = net::encode(w);
    FUZZ_CHECK(!packet.empty());
    net::Welcome back;
    FUZZ_CHECK(net::decode(packet, back));
    FUZZ_CHECK(back.event.booths.size() == layout.booths.size());
    return 0;
}
