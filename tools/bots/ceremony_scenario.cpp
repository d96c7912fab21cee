// ceremony_scenario.cpp: the scripted signing ceremony (ceremony_scenario.h).
#include "tools/bots/ceremony_scenario.h"

#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <memory>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "client/core/connection.h"
#include "client/core/keys.h"
#include "net/transport/enet_transport.h"

namespace tools {

namespace {

uint64_t monoMs() {
    using namespace std::chrono;
    return uint64_t(duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count());
}

struct Actor {
    const char* label;
    client::JoinRequest join;
    std::unique_ptr<net::EnetTransport> transport;
    std::unique_ptr<client::Connection> conn;
    client::AccountKey key;
};

const char* kForge = "嵊州市精工锻造有限公司";
const char* kCollege = "浙江工业职业技术学院";

}  // namespace

int runCeremonyScenario(const CeremonyScenarioDesc& desc) {
    std::string keyDir = desc.keyDir;
    if (keyDir.empty()) {
        std::string tmpl = (std::filesystem::temp_directory_path() / "dockhall-ceremony-XXXXXX").string();
        if (!mkdtemp(tmpl.data())) {
            std::perror("dockhall-bots: mkdtemp");
            return 1;
        }
        keyDir = tmpl;
    }
    Actor actors[3] = {
        {"organizer", {"陈主任", "嵊州市机械行业协会", net::Role::Organizer, desc.organizerPassword}, {}, {}, {}},
        {"representative 1", {"王磊", kForge, net::Role::Exhibitor, ""}, {}, {}, {}},
        {"representative 2", {"李敏", kCollege, net::Role::University, ""}, {}, {}, {}},
    };
    Actor& org = actors[0];
    for (Actor& a : actors) {
        std::string error;
        a.transport = net::EnetTransport::connect({.host = desc.host, .port = desc.port}, &error);
        if (!a.transport) {
            std::fprintf(stderr, "dockhall-bots: %s: %s\n", a.label, error.c_str());
            return 1;
        }
        a.conn = std::make_unique<client::Connection>(*a.transport, a.join, monoMs());
    }

    uint64_t deadline = monoMs() + uint64_t(desc.seconds * 1000);
    std::string failure;
    // Runs every connection until `done` holds; false (with `failure` set) on a deadline or a refusal.
    auto until = [&](const char* what, const std::function<bool()>& done) {
        while (!done()) {
            for (Actor& a : actors) {
                a.conn->update(monoMs());
                if (a.conn->state() == client::ConnState::Refused || a.conn->state() == client::ConnState::Lost) {
                    failure = std::string(a.label) + ": " + a.conn->refusalText();
                    return false;
                }
            }
            if (monoMs() > deadline) {
                failure = std::string("timed out waiting for: ") + what;
                return false;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        std::printf("ceremony: %s\n", what);
        return true;
    };
    // A request's reply; false (with `failure`) when it was refused.
    auto answered = [&](Actor& a, uint32_t req, const char* what) {
        if (!until(what, [&] { return a.conn->stage().reply(req) != nullptr; })) return false;
        const net::StageReply* r = a.conn->stage().reply(req);
        if (!r->ok) {
            failure = std::string(a.label) + ": " + what + ": " + r->en + " / " + r->zh;
            return false;
        }
        return true;
    };
    auto fail = [&] {
        std::fprintf(stderr, "dockhall-bots: ceremony failed: %s\n", failure.c_str());
        for (Actor& a : actors) a.conn->disconnect();
        return 1;
    };

    if (!until("everyone joined", [&] {
            for (Actor& a : actors)
                if (a.conn->state() != client::ConnState::Joined || a.conn->stage().account() == 0) return false;
            return true;
        }))
        return fail();

    // Each representative makes (or reads) a key and registers its public half.
    client::KeyStore keys(keyDir);
    for (int i = 1; i < 3; ++i) {
        Actor& a = actors[i];
        std::string error;
        const std::string label = desc.host + ":" + std::to_string(desc.port) + "/" + std::to_string(a.conn->stage().account());
        if (!keys.loadOrCreate(label, a.key, nullptr, error)) {
            failure = std::string(a.label) + ": " + error;
            return fail();
        }
        if (!answered(a, a.conn->stage().registerKey(a.key.publicKey), "signing key registered")) return fail();
    }

    // The organizer picks the representatives from the roster, as the console does.
    uint32_t accounts[3] = {0, 0, 0};
    if (!until("representatives found in the roster", [&] {
            const auto& f = org.conn->stage().figures();
            if (!f) return false;
            for (int i = 1; i < 3; ++i)
                for (const net::PersonFigure& p : f->roster)
                    if (p.name == actors[i].join.name && p.org == actors[i].join.org) accounts[i] = p.account;
            return accounts[1] != 0 && accounts[2] != 0;
        }))
        return fail();

    if (!desc.slidePath.empty()) {
        std::ifstream in(desc.slidePath, std::ios::binary);
        const std::vector<uint8_t> bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
        if (bytes.empty()) {
            failure = desc.slidePath + ": cannot be read";
            return fail();
        }
        const size_t before = org.conn->stage().slides().slides.size();
        if (!answered(org, org.conn->stage().uploadSlide(bytes), "slide uploaded")) return fail();
        if (!until("the slide listed", [&] { return org.conn->stage().slides().slides.size() > before; })) return fail();
        const size_t last = org.conn->stage().slides().slides.size() - 1;
        if (!answered(org, org.conn->stage().showSlide(uint8_t(last)), "slide on the big screen")) return fail();
        const uint64_t shownUntil = monoMs() + uint64_t(desc.slideSeconds * 1000);
        deadline += uint64_t(desc.slideSeconds * 1000);
        if (!until("the slide shown for a while", [&] { return monoMs() >= shownUntil; })) return fail();
    }

    net::Agreement a;
    a.title = {"锻件无损检测校企合作框架协议", "Framework agreement on non-destructive testing of forgings"};
    a.text = {"甲方嵊州市精工锻造有限公司与乙方浙江工业职业技术学院，就42CrMo曲轴锻件超声检测与裂纹识别开展合作。\n"
              "第一条 双方共建检测实验室。\n第二条 乙方为甲方培训检测人员。",
              "Shengzhou Precision Forging Co., Ltd. and Zhejiang Industry Polytechnic College cooperate on ultrasonic "
              "testing and crack detection of 42CrMo crankshaft forgings.\nArticle 1. The parties set up a testing lab together.\n"
              "Article 2. The college trains the company's inspectors."};
    a.parties.push_back({net::PartyRole::Party, {kForge, "Shengzhou Precision Forging Co., Ltd."}, net::OrgKind::Enterprise,
                         {accounts[1], actors[1].join.name}});
    a.parties.push_back({net::PartyRole::Party, {kCollege, "Zhejiang Industry Polytechnic College"}, net::OrgKind::University,
                         {accounts[2], actors[2].join.name}});
    const uint32_t draftReq = org.conn->stage().saveAgreement(a);
    if (!answered(org, draftReq, "agreement drafted")) return fail();
    const uint32_t id = org.conn->stage().reply(draftReq)->id;
    if (!answered(org, org.conn->stage().act(id, net::CeremonyAction::Finalize), "agreement finalized")) return fail();
    if (!answered(org, org.conn->stage().act(id, net::CeremonyAction::Start), "ceremony started")) return fail();

    // The representatives are brought to the signing table; the last to arrive opens signing.
    if (!until("representatives at the signing table", [&] {
            for (int i = 1; i < 3; ++i) {
                const net::CeremonyView* v = actors[i].conn->stage().ceremony(id);
                if (!v || v->state != net::CeremonyPhase::Signing) return false;
            }
            return true;
        }))
        return fail();
    for (int i = 1; i < 3; ++i) {
        Actor& rep = actors[i];
        const net::CeremonyView* v = rep.conn->stage().ceremony(id);
        if (!client::StageState::hashMatches(*v)) {
            failure = std::string(rep.label) + ": the agreement shown does not hash to the announced content hash";
            return fail();
        }
        if (!answered(rep, rep.conn->stage().sign(id, rep.key), "signed")) return fail();
    }
    if (!until("everyone saw the signed moment", [&] {
            for (Actor& x : actors)
                if (!x.conn->stage().signedMoment() || x.conn->stage().signedMoment()->ceremony != id) return false;
            return true;
        }))
        return fail();

    const net::CeremonyView* done = org.conn->stage().ceremony(id);
    std::string hashHex;
    for (uint8_t b : done->hash) {
        char buf[3];
        std::snprintf(buf, sizeof buf, "%02x", b);
        hashHex += buf;
    }
    std::printf("ceremony %u signed: %s\n", id, hashHex.c_str());
    if (!desc.jsonPath.empty()) {
        nlohmann::json j = {{"ceremony", id}, {"state", net::ceremonyPhaseName(done->state)}, {"contentHash", hashHex},
                            {"signedAtMs", done->signedAtMs}, {"parties", done->agreement.parties.size()}};
        std::ofstream(desc.jsonPath) << j.dump(2) << "\n";
    }
    if (desc.lingerSeconds > 0) {  // stay at the table for people (and screenshots) to see the moment
        const uint64_t leaveAt = monoMs() + uint64_t(desc.lingerSeconds * 1000);
        deadline = std::max(deadline, leaveAt + 1000);
        until("lingered after the moment", [&] { return monoMs() >= leaveAt; });
    }
    for (Actor& x : actors) x.conn->disconnect();
    return 0;
}

}  // namespace tools
