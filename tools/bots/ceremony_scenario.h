// ceremony_scenario.h: `dockhall-bots --scenario ceremony`: an organizer and two representatives
// hold a whole signing ceremony against a running hall, for tests and demos.
//
// The organizer finds the representatives in the live figures' roster, drafts a two-party
// agreement naming them (after showing a slide on the big screen, if given), finalizes and starts it; each representative makes a signing key
// (client::KeyStore in keyDir), registers it, is brought to the signing table, checks that the
// agreement it was shown hashes to the announced hash, and signs. It succeeds when all three
// have seen the signed moment.
#pragma once

#include <cstdint>
#include <string>

namespace tools {

struct CeremonyScenarioDesc {
    std::string host = "127.0.0.1";
    uint16_t port = 7777;
    std::string organizerPassword;
    std::string keyDir;            // where the representatives keep their keys ("" = a new temporary folder)
    double seconds = 30;           // give up after this long
    std::string jsonPath;          // write what happened here ("" = don't)
    std::string slidePath;         // a PNG/JPEG the organizer puts on the big screen first ("" = none)
    double slideSeconds = 0;       // how long it stays up before the ceremony starts
    double lingerSeconds = 0;      // stay in the hall this long after the moment (demos, screenshots)
};

// 0 when the agreement was signed and everyone saw it; 1 with a message on stderr otherwise.
int runCeremonyScenario(const CeremonyScenarioDesc& desc);

}  // namespace tools
