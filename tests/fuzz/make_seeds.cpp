// make_seeds.cpp: writes the seed corpora of the fuzz targets from real messages.
//
//   dockhall-fuzz-seeds tests/fuzz
//
// Each target gets a few inputs that decode (so fuzzing starts from deep inside the decoders)
// and a few that fail early. Files are named after what they hold; running it again rewrites
// them with the same bytes (but secure/, whose handshakes use fresh keys). The corpora are
// committed; run this after a wire format change.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "net/protocol/asset_msgs.h"
#include "net/protocol/messages.h"
#include "net/protocol/present_msgs.h"
#include "net/protocol/stage_msgs.h"
#include "net/transport/secure.h"
#ifdef DOCKHALL_FUZZ_BAKED
#include "net/asset/baked.h"
#endif

namespace fs = std::filesystem;
using net::Bytes;

namespace {

bool g_ok = true;

void write(const fs::path& dir, const std::string& name, const Bytes& bytes) {
    fs::create_directories(dir);
    std::ofstream f(dir / name, std::ios::binary | std::ios::trunc);
    f.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
    if (!f || bytes.empty()) {
        std::fprintf(stderr, "cannot write %s (%zu bytes)\n", (dir / name).c_str(), bytes.size());
        g_ok = false;
    }
}

Bytes fromText(const std::string& s) { return Bytes(s.begin(), s.end()); }

net::EventLayout smallLayout() {
    net::EventLayout ev;
    ev.name = {"嵊州机械产学研对接会", "Shengzhou Machinery Docking Meeting"};
    ev.dates = "2024-06-04";
    ev.hallSize = {90, 60};
    ev.spawn = {45, 56};
    ev.zones.push_back({net::ZoneKind::Enterprise, {"企业展区", "Enterprises"}, {{2, 2}, {40, 40}}});
    net::Booth b;
    b.id.v = 3;
    b.owner = {{"寧夏力成電氣集團有限公司", "Ningxia Licheng Electric Group"}, net::OrgKind::Enterprise};
    b.center = {10, 10};
    b.facing = 1;
    b.exhibits.push_back({"models/spur_gear.glb", {"齿轮", "Spur gear"}, "20CrMnTi",
                          {"闭式模锻", "closed-die forging"}, 2.5f, {}, {"", "A forged gear"}});
    ev.booths.push_back(b);
    ev.stage.area = {{60, 2}, {80, 10}};
    ev.tables.push_back({net::TableId{0}, {70, 40}, 4});
    ev.agenda.push_back({"2024-06-04 09:00", 30, {"开幕式", "Opening"}, {"舞台", "Stage"}});
    return ev;
}

net::SnapshotFrame frame(uint32_t tick, int n, float shift) {
    net::SnapshotFrame f;
    f.tick = tick;
    for (int i = 0; i < n; ++i) {
        net::AvatarState a;
        a.id.v = uint16_t(i * 3 + 1);
        a.x = 5.0f + float(i) * 1.5f + shift;
        a.z = 8.0f + float(i % 7) * 2.25f;
        a.yaw = float(i) * 0.4f;
        a.anim = net::Anim(i % int(net::Anim::Count));
        f.avatars.push_back(net::quantized(a));
    }
    return f;
}

Bytes snapshot(const net::SnapshotFrame& cur, const net::SnapshotFrame* base) {
    net::SnapshotMsg m{.tick = cur.tick, .baselineTick = base ? base->tick : 0, .lastInput = 41, .frame = cur};
    return net::encodeSnapshot(m, base);
}

void protocolSeeds(const fs::path& dir) {
    write(dir, "hello", net::encode(net::Hello{.name = "王磊", .org = "寧夏力成電氣集團", .role = net::Role::Exhibitor,
                                               .password = "秘密"}));
    write(dir, "hello_future_version", net::encode(net::Hello{.version = net::kProtocolVersion + 1, .name = "x"}));
    write(dir, "hello_account", net::encode(net::Hello{.email = "wanglei@example.com", .password = "correct horse"}));
    net::SessionToken token;
    for (size_t i = 0; i < token.bytes.size(); ++i) token.bytes[i] = uint8_t(i * 37 + 1);
    write(dir, "hello_token", net::encode(net::Hello{.name = "王磊", .token = token}));
    write(dir, "welcome_token", net::encode(net::Welcome{.you = {9}, .role = net::Role::Exhibitor, .serverTick = 77,
                                                         .event = smallLayout(), .token = token,
                                                         .tokenExpiresUnixMs = 1717506000000}));
    write(dir, "refuse_expired", net::encode(net::Refuse{net::RefuseReason::SessionExpired, "登录已过期 / session expired"}));
    write(dir, "welcome", net::encode(net::Welcome{.you = {7}, .role = net::Role::Organizer, .serverTick = 1234,
                                                   .event = smallLayout()}));
    write(dir, "refuse", net::encode(net::Refuse{net::RefuseReason::HallFull, "会场已满 / the hall is full"}));
    net::Input in{.ackSnapshot = 99, .inputs = {{.seq = 10, .moveX = 0.5f, .yaw = 1.0f},
                                                {.seq = 12, .moveZ = -1.0f, .run = true},
                                                {.seq = 13, .moveX = -0.25f, .moveZ = 0.75f}}};
    write(dir, "input", net::encode(in));
    write(dir, "presence_join", net::encode(net::Participant{{12}, "Ada Lovelace", "浙江大学 Zhejiang University",
                                                             net::Role::University}));
    write(dir, "presence_leave", net::encode(net::PresenceLeave{{12}}));
    write(dir, "chat_send", net::encode(net::ChatSend{"有人做42CrMo曲轴锻件的探伤吗？\nAnyone doing crankshaft NDT?"}));
    write(dir, "chat_line", net::encode(net::ChatLine{.id = 5, .from = {3}, .fromName = "李娜", .fromOrg = "嵊州市锻造行业协会",
                                                      .unixMs = 1717462800000, .text = "下午两点洽谈桌见"}));
    net::ChatLines lines;
    lines.lines.push_back({.id = 6, .from = {3}, .fromName = "李娜", .fromOrg = "嵊州市锻造行业协会", .unixMs = 1717462800000,
                           .text = "下午两点洽谈桌见"});
    lines.lines.push_back({.id = 7, .from = {12}, .fromName = "Ada Lovelace", .fromOrg = "Zhejiang University",
                           .unixMs = 1717462801000, .text = "See you at table 3"});
    write(dir, "chat_lines", net::encode(lines));
    write(dir, "notice", net::encode(net::Notice{net::NoticeCode::ChatRateLimited, "说得太快了 / slow down"}));
    write(dir, "snapshot_full", snapshot(frame(100, 12, 0), nullptr));
    write(dir, "empty_type_only", Bytes{0x0f});
    // The stage (stage_msgs.h).
    net::Agreement a;
    a.id = 3;
    a.title = {"校企合作框架协议", "Framework agreement"};
    a.text = {"第一条 双方合作。\n第二条 ……", "Article 1. The parties cooperate.\nArticle 2. ..."};
    a.parties.push_back({net::PartyRole::Party, {"嵊州市精工锻造有限公司", "Shengzhou Precision Forging"}, net::OrgKind::Enterprise, {4, "王磊"}});
    a.parties.push_back({net::PartyRole::Party, {"浙江工业职业技术学院", ""}, net::OrgKind::University, {9, "李敏"}});
    a.parties.push_back({net::PartyRole::Witness, {"嵊州市机械行业协会", ""}, net::OrgKind::Association, {2, "陈主任"}});
    a.createdMs = 1717462800000;
    net::SigningKey key{};
    key.fill(0x5a);
    // Present (present_msgs.h).
    net::PresentPose pose{.yaw = 0.6f, .pitch = 0.35f, .distance = 0.9f, .targetY = 0.05f, .sectionAxis = 1,
                          .sectionOffset = 0.012f, .explode = 0.4f};
    write(dir, "present_set", net::encodeDock(net::PresentSet{.active = true, .booth = 3, .exhibit = 1, .pose = pose}));
    write(dir, "present_view", net::encodeDock(net::PresentView{.presenter = {7}, .active = true, .booth = 3, .exhibit = 1, .pose = pose}));
    write(dir, "field_add", net::encodeDock(net::FieldAdd{.req = 5, .field = {"laser-cladding", "激光熔覆", "Laser cladding"}}));
    write(dir, "stage_key_register", net::encodeStage(net::KeyRegister{1, key}));
    write(dir, "stage_agreement_save", net::encodeStage(net::AgreementSave{2, a}));
    write(dir, "stage_ceremony_act", net::encodeStage(net::CeremonyAct{3, 3, net::CeremonyAction::Start}));
    write(dir, "stage_ceremony_sign", net::encodeStage(net::CeremonySign{4, 3, net::contentHash(a), {}}));
    net::CeremonyView view{.ceremony = 3, .state = net::CeremonyPhase::Signing, .agreement = a, .hash = net::contentHash(a)};
    view.seats = {{true, true, true, 1717462900000, key}, {true, false, false, 0, {}}, {true, true, false, 0, {}}};
    write(dir, "stage_ceremony_view", net::encodeStage(view));
    write(dir, "stage_ceremony_signed", net::encodeStage(net::CeremonySigned{3, net::contentHash(a), 1717463000000, a.title,
                                                                            {a.parties[0].organization, a.parties[1].organization}}));
    write(dir, "stage_announcement", net::encodeStage(net::Announcement{7, "陈主任", 1717462800000, {"签约仪式十四点开始", "Signing at 14:00"}}));
    write(dir, "stage_moderate", net::encodeStage(net::Moderate{8, net::ModerationAction::SetRole, 12, 0, net::Role::Exhibitor}));
    write(dir, "stage_moderate_speaker", net::encodeStage(net::Moderate{9, net::ModerationAction::SetRole, 14, 0, net::Role::Speaker}));
    write(dir, "stage_status_locked", net::encodeStage(net::StageStatus{12, true, net::Role::Speaker, false, {0, 3, 511}}));
    write(dir, "stage_slide_clear", net::encodeStage(net::SlideClear{10}));
    write(dir, "stage_live_figures", net::encodeStage(net::LiveFigures{3, {1, 2}, {0, 1, 0}, {1}, {{{1}, 2, "陈主任", "协会", net::Role::Organizer, false},
                                                                                          {{2}, 4, "王磊", "锻造", net::Role::Exhibitor, true}}}));
    write(dir, "stage_slide_upload", net::encodeStage(net::SlideUpload{9, 12, 0, {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13}}));
    write(dir, "stage_slide_state", net::encodeStage(net::SlideState{{{1, 120000}, {2, 80000}}, 1}));
    write(dir, "stage_slide_data", net::encodeStage(net::SlideData{2, 80000, 32768, {0xff, 0xd8, 0xff, 0xe0}}));
    write(dir, "stage_call", net::encodeStage(net::StageCall{net::StageCallKind::ToSigningTable, {30.5f, 4.0f}, {30, 4}}));
    // Asset delivery and uploads (asset_msgs.h).
    net::AssetHash h;
    for (size_t i = 0; i < h.b.size(); ++i) h.b[i] = uint8_t(i * 7 + 1);
    write(dir, "asset_list", net::encodeAsset(net::AssetList{.replace = true, .refs = {{0, 0, h, 25116}, {3, 2, h, 25116}}}));
    write(dir, "asset_request_resume", net::encodeAsset(net::AssetRequest{.hash = h, .offset = 65536}));
    write(dir, "asset_chunk", net::encodeAsset(net::AssetChunk{.hash = h, .offset = 1000, .total = 1100, .check = {1, 2, 3},
                                                              .data = Bytes(100, 0x5a)}));
    write(dir, "asset_ack", net::encodeAsset(net::AssetAck{.hash = h, .received = 131072}));
    write(dir, "asset_error", net::encodeAsset(net::AssetError{.hash = h, .code = net::AssetErrorCode::Unknown,
                                                              .text = "会场没有该模型文件 / no such model"}));
    net::Exhibit ex{.asset = "flange.stl", .title = {"法兰", "Flange"}, .material = "42CrMo",
                    .process = {"闭式模锻", "Closed-die forging"}, .massKg = 12.5f};
    write(dir, "upload_begin", net::encodeAsset(net::UploadBegin{.req = 1, .booth = 2, .exhibit = ex, .hash = h, .size = 4096}));
    write(dir, "upload_chunk", net::encodeAsset(net::UploadChunk{.req = 1, .offset = 0, .data = Bytes(64, 7)}));
    write(dir, "upload_result", net::encodeAsset(net::UploadResult{.req = 1, .ok = false, .text = "flange.stl: 不是有效的模型"}));
    write(dir, "exhibit_added", net::encodeAsset(net::ExhibitAdded{.booth = 2, .index = 0, .exhibit = ex, .ref = {2, 0, h, 4096}}));
}

// An input of fuzz_snapshot: u16 length + baseline packet, then the delta packet.
Bytes pair(const Bytes& base, const Bytes& delta) {
    Bytes out{uint8_t(base.size() & 0xff), uint8_t(base.size() >> 8)};
    out.insert(out.end(), base.begin(), base.end());
    out.insert(out.end(), delta.begin(), delta.end());
    return out;
}

void snapshotSeeds(const fs::path& dir) {
    net::SnapshotFrame a = frame(100, 16, 0), moved = frame(101, 16, 0.37f), fewer = frame(102, 9, 0),
                       more = frame(103, 30, 6.0f), none = frame(104, 0, 0);
    Bytes fullA = snapshot(a, nullptr);
    write(dir, "full_only", pair(fullA, snapshot(moved, nullptr)));
    write(dir, "delta_moved", pair(fullA, snapshot(moved, &a)));
    write(dir, "delta_removed", pair(fullA, snapshot(fewer, &a)));
    write(dir, "delta_added_far", pair(fullA, snapshot(more, &a)));
    write(dir, "delta_to_empty", pair(fullA, snapshot(none, &a)));
    write(dir, "delta_unchanged", pair(fullA, snapshot(net::SnapshotFrame{105, a.avatars}, &a)));
    // Two ticks in one packet (protocol 8): the second coded against the first.
    net::SnapshotFrame next = frame(102, 16, 0.41f);
    Bytes two = snapshot(moved, &a), second = snapshot(next, &moved);
    two.insert(two.end(), second.begin(), second.end());
    write(dir, "two_ticks", pair(fullA, two));
}

void eventSeeds(const fs::path& dir, const fs::path& source) {
    std::ifstream f(source / "assets/events/sample.json", std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    write(dir, "sample_event", fromText(ss.str()));
    write(dir, "minimal_event", fromText(R"({"name":{"zh":"对接会","en":"Meeting"},"hall":{"size":[40,30]},"booths":[]})"));
    write(dir, "one_booth", fromText(R"({"name":"Hall","hall":{"size":[40,30],"spawn":[20,27]},)"
                                     R"("zones":[{"kind":"enterprise","name":"E","area":[1,1,30,20]}],)"
                                     R"("stage":{"area":[32,2,39,8],"height":0.6,"facing":2},)"
                                     R"("booths":[{"org":{"zh":"宁波大学","en":"Ningbo University","kind":"university"},)"
                                     R"("center":[8,8],"size":[6,4],"facing":1,"zone":0,"brochure":"Lab",)"
                                     R"("exhibits":[{"asset":"models/shaft.glb","title":"Shaft","material":"42CrMo","massKg":12.5}]}],)"
                                     R"("tables":[{"center":[20,24],"seats":4}],)"
                                     R"("agenda":[{"start":"2024-06-04 09:00","minutes":30,"title":{"zh":"开幕","en":"Opening"}}]})"));
    write(dir, "overlap", fromText(R"({"name":"x","hall":{"size":[40,30]},"booths":[{"org":"a","center":[8,8]},{"org":"b","center":[9,8]}]})"));
    write(dir, "not_json", fromText("{\"name\": [1, 2"));
}

Bytes docking(uint8_t selector, const std::vector<std::string>& texts, const Bytes& tail = {}) {
    Bytes out{selector};
    for (const std::string& t : texts) {
        out.push_back(uint8_t(t.size() & 0xff));
        out.push_back(uint8_t(t.size() >> 8));
        out.insert(out.end(), t.begin(), t.end());
    }
    out.insert(out.end(), tail.begin(), tail.end());
    return out;
}

void dockingSeeds(const fs::path& dir) {
    write(dir, "text_mixed", docking(0, {}, fromText("42CrMo曲軸鍛件 crack detection，ＡＢＣ１２３ forgings 的 M10")));
    write(dir, "text_bad_utf8", docking(0, {}, Bytes{'a', 0xe4, 0xb8, ' ', 0xff, 0xc0, 0x80, 0xf0, 0x9f, 0x98, 0x80, '\t', 0}));
    // A need: title (zh, en), field count + keys, description, outcome, budget, deadline, contact.
    Bytes need = docking(1, {"大型曲轴锻件探伤", "Flaw detection for large crankshaft forgings"});
    Bytes fields{2, 7, 0, 'f', 'o', 'r', 'g', 'i', 'n', 'g', 7, 0, 't', 'e', 's', 't', 'i', 'n', 'g'};
    need.insert(need.end(), fields.begin(), fields.end());
    Bytes rest = docking(0, {"需要超声波探伤方案", "", "检测报告", "A report", }, Bytes(24, 0));
    need.insert(need.end(), rest.begin() + 1, rest.end());
    write(dir, "need", need);
    Bytes cap = docking(2, {"精密锻造成形", "Precision forming"});
    Bytes oneField{1, 9, 0, 'm', 'a', 't', 'e', 'r', 'i', 'a', 'l', 's'};
    cap.insert(cap.end(), oneField.begin(), oneField.end());
    write(dir, "capability", cap);
    write(dir, "field", docking(3, {"powder-metallurgy", "粉末冶金", "Powder metallurgy"}));
    write(dir, "field_bad_key", docking(3, {"Bad Key!", "", "x"}));
}

// fuzz_secure: selector 0 = a ClientHello, 1 = a ServerHello, 2 = a session script.
void secureSeeds(const fs::path& dir) {
    net::ClientHandshake c;
    Bytes hello = c.hello(), reply;
    net::LinkSession s;
    net::serverHandshake(net::generateLinkKeyPair(), hello, reply, s);
    Bytes h{0};
    h.insert(h.end(), hello.begin(), hello.end());
    write(dir, "client_hello", h);
    Bytes r{1};
    r.insert(r.end(), reply.begin(), reply.end());
    write(dir, "server_hello", r);
    // Seal on channel 1 ("hi"), replay it altered on channel 0, junk on channel 2, seal on 0.
    write(dir, "session", Bytes{2, 0x81, 2, 0, 'h', 'i', 0x40, 0, 1, 5, 0, 0x02, 4, 0, 0xD0, 1, 2, 3, 0x80, 1, 0, 'x'});
}

#ifdef DOCKHALL_FUZZ_BAKED
// fuzz_baked: a small baked part (a notched block, with UVs and LODs) and a bare triangle.
void bakedSeeds(const fs::path& dir) {
    net::asset::SourceModel src;
    src.nodes.push_back({"part", -1});
    net::asset::SourceMesh m;
    m.name = "block";
    const int n = 6;  // an n x n grid folded into a ridge: enough triangles for two LODs
    for (int z = 0; z <= n; ++z)
        for (int x = 0; x <= n; ++x) {
            m.positions.insert(m.positions.end(), {float(x) * 0.1f, float((x * 7 + z * 3) % 5) * 0.01f, float(z) * 0.1f});
            m.uvs.insert(m.uvs.end(), {float(x) / n, float(z) / n});
        }
    for (int z = 0; z < n; ++z)
        for (int x = 0; x < n; ++x) {
            uint32_t a = uint32_t(z * (n + 1) + x), b = a + 1, c = a + uint32_t(n + 1), d = c + 1;
            m.indices.insert(m.indices.end(), {a, c, b, b, c, d});
        }
    src.meshes.push_back(m);
    Bytes out;
    std::string error;
    if (!net::asset::bake(src, {.minLodTriangles = 8}, out, nullptr, &error)) {
        std::fprintf(stderr, "bake: %s\n", error.c_str());
        g_ok = false;
        return;
    }
    write(dir, "ridge", out);
    net::asset::SourceModel tri;
    tri.nodes.push_back({"root", -1});
    tri.meshes.push_back({.name = "tri", .positions = {0, 0, 0, 1, 0, 0, 0, 0, 1}, .indices = {0, 2, 1}});
    if (net::asset::bake(tri, {}, out, nullptr, &error)) write(dir, "triangle", out);
}
#endif

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s tests/fuzz   (writes protocol/, snapshot/, event_json/, docking/, secure/, baked/ there)\n", argv[0]);
        return 2;
    }
    fs::path root(argv[1]);
    protocolSeeds(root / "protocol");
    snapshotSeeds(root / "snapshot");
    eventSeeds(root / "event_json", fs::path(DOCKHALL_SOURCE_DIR));
    dockingSeeds(root / "docking");
    secureSeeds(root / "secure");
#ifdef DOCKHALL_FUZZ_BAKED
    bakedSeeds(root / "baked");
#endif
    return g_ok ? 0 : 1;
}
