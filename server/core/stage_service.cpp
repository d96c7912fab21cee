// stage_service.cpp: keys, ceremonies, announcements, moderation and live figures (stage_service.h).
#include "server/core/stage_service.h"

#include <algorithm>
#include <map>
#include <set>
#include <vector>

namespace server {

namespace {

using ceremony::Ceremony;
using ceremony::CeremonyState;
using ceremony::Outcome;

static_assert(int(CeremonyState::Count) == int(net::CeremonyPhase::Count), "CeremonyPhase mirrors CeremonyState");

constexpr uint32_t kNoStoreAccountBase = 1'000'000;  // accounts the service numbers itself without a store
constexpr int64_t kSignedRelevanceMs = 120'000;       // the table stays in view this long after the moment
constexpr int64_t kToldClosedEveryMs = 10'000;        // "this booth is closed" at most this often per person

std::string trim(const std::string& s) {
    size_t b = s.find_first_not_of(" \t\r\n"), e = s.find_last_not_of(" \t\r\n");
    return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

bool running(const Ceremony& c) {
    const CeremonyState s = c.state();
    return s == CeremonyState::CallingRepresentatives || s == CeremonyState::Signing ||
           (s == CeremonyState::Paused && c.pausedFrom() != CeremonyState::Ready);
}

net::Rect boothArea(const net::Booth& b) {
    net::Vec2 half{b.size.x * 0.5f, b.size.y * 0.5f};
    if (b.facing % 2) std::swap(half.x, half.y);
    return {{b.center.x - half.x, b.center.y - half.y}, {b.center.x + half.x, b.center.y + half.y}};
}

// The point in front of the stage the audience looks at, and the direction towards the audience.
net::Vec2 audienceDir(const net::Stage& st) {
    switch (st.facing % 4) {
        case 0: return {0, 1};
        case 1: return {1, 0};
        case 2: return {0, -1};
        default: return {-1, 0};
    }
}

}  // namespace

net::Vec2 signingSeat(const net::Stage& stage, size_t index, size_t count) {
    const net::Vec2 c = stage.area.center();
    const net::Vec2 d = audienceDir(stage);
    const net::Vec2 across{-d.y, d.x};
    const float spacing = 1.4f;
    const float offset = (float(index) - float(count - 1) * 0.5f) * spacing;
    return {c.x + across.x * offset, c.y + across.y * offset};
}

net::Vec2 audienceSeat(const net::Stage& stage, net::Vec2 hallSize, size_t index) {
    const net::Vec2 d = audienceDir(stage);
    const net::Vec2 across{-d.y, d.x};
    const net::Vec2 c = stage.area.center();
    const float width = std::max(4.0f, std::abs(d.x) > 0 ? stage.area.max.y - stage.area.min.y : stage.area.max.x - stage.area.min.x);
    const float depth = std::abs(d.x) > 0 ? (stage.area.max.x - stage.area.min.x) : (stage.area.max.y - stage.area.min.y);
    const float spacing = 1.2f;
    const size_t perRow = std::max<size_t>(1, size_t(width / spacing));
    const size_t row = index / perRow, col = index % perRow;
    const float along = depth * 0.5f + 2.0f + float(row) * spacing;
    const float offset = (float(col) - float(perRow - 1) * 0.5f) * spacing;
    net::Vec2 p{c.x + d.x * along + across.x * offset, c.y + d.y * along + across.y * offset};
    p.x = std::clamp(p.x, 0.5f, hallSize.x - 0.5f);
    p.y = std::clamp(p.y, 0.5f, hallSize.y - 0.5f);
    return p;
}

struct StageService::Impl {
    StageDesc desc;
    const net::EventLayout& layout;
    EventStore* store;
    StageLink& link;

    std::map<uint16_t, StagePerson> online;            // by participant id
    std::map<uint32_t, Ceremony> ceremonies;           // by id
    std::map<uint32_t, net::SigningKey> keys;          // by account
    std::map<uint32_t, ModerationRow> moderation;      // by account
    std::set<uint16_t> locked;                         // booth ids
    std::optional<net::Announcement> lastAnnouncement;
    uint32_t nextCeremony = 1, nextAnnouncement = 1;   // without a store
    int64_t lastFiguresMs = 0;
    struct Slide { uint32_t id = 0; std::vector<uint8_t> image; };
    std::vector<Slide> slides;
    uint8_t currentSlide = 0;
    std::map<uint16_t, std::vector<uint8_t>> uploads;  // by participant id: the image so far
    uint32_t nextSlide = 1;                            // without a store
    std::vector<uint16_t> relevant;                    // the people at the signing table now
    std::map<uint16_t, int64_t> toldClosedMs;          // by participant id: last "this booth is closed"

    Impl(const StageDesc& d, const net::EventLayout& l, EventStore* s, StageLink& k) : desc(d), layout(l), store(s), link(k) {}

    // --- replies ---------------------------------------------------------------------------
    void send(const StagePerson& p, const net::Bytes& b) { if (!b.empty()) link.send(p.id, b); }
    bool reply(const StagePerson& p, uint32_t req, bool ok, std::string zh, std::string en, uint32_t id = 0) {
        send(p, net::encodeStage(net::StageReply{req, ok, id, std::move(zh), std::move(en)}));
        return true;
    }
    bool refuse(const StagePerson& p, uint32_t req, std::string zh, std::string en) {
        return reply(p, req, false, std::move(zh), std::move(en));
    }
    bool storeFailed(const StagePerson& p, uint32_t req) {
        return refuse(p, req, "保存失败，请稍后重试；操作未生效。", "Could not be saved; nothing changed. Please try again.");
    }
    bool organizerOnly(const StagePerson& p, uint32_t req, const char* zh, const char* en) {
        return refuse(p, req, std::string("只有主办方可以") + zh + "。", std::string("Only the organizer may ") + en + ".");
    }
    // The big screen is the organizer's and the speaker's (the one giving the talk).
    static bool presents(const StagePerson& p) { return p.role == net::Role::Organizer || p.role == net::Role::Speaker; }
    bool presentersOnly(const StagePerson& p, uint32_t req, const char* zh, const char* en) {
        return refuse(p, req, std::string("只有主办方或演讲嘉宾可以") + zh + "。",
                      std::string("Only the organizer or a speaker may ") + en + ".");
    }
    void status(const StagePerson& p) {
        net::StageStatus st;
        st.account = p.account;
        st.keyRegistered = keys.count(p.account) > 0;
        st.role = p.role;
        auto m = moderation.find(p.account);
        st.muted = m != moderation.end() && m->second.muted;
        st.lockedBooths.assign(locked.begin(), locked.end());
        send(p, net::encodeStage(st));
    }
    ceremony::Actor actor(const StagePerson& p) const { return {p.account, p.role}; }

    // --- ceremonies ------------------------------------------------------------------------
    net::CeremonyView viewOf(const Ceremony& c) const {
        net::CeremonyView v;
        v.ceremony = c.id();
        v.state = net::CeremonyPhase(c.state());
        v.pausedFrom = net::CeremonyPhase(c.pausedFrom());
        v.agreement = c.agreement();
        v.hash = c.contentHash();
        v.signedAtMs = c.signedAtMs();
        for (const ceremony::Seat& s : c.seats()) {
            net::SeatView sv;
            sv.called = s.called;
            sv.present = s.present;
            if (s.signature) {
                sv.signedIt = true;
                sv.signedMs = s.signature->signedMs;
                sv.publicKey = s.signature->publicKey;
            }
            v.seats.push_back(sv);
        }
        return v;
    }
    // A draft is the organizers' and its representatives' business; from Ready on, everyone's.
    bool sees(const Ceremony& c, const StagePerson& p) const {
        return c.state() != CeremonyState::Draft || p.role == net::Role::Organizer || c.partyOf(p.account) >= 0;
    }
    void sendView(const Ceremony& c) {
        const net::Bytes b = net::encodeStage(viewOf(c));
        for (const auto& [id, p] : online)
            if (sees(c, p)) send(p, b);
    }

    // Stores `next` (the ceremony after an applied action), then makes it the ceremony and tells
    // everyone. False when the store failed: the ceremony stays as it was.
    bool commit(Ceremony next, const Outcome& o, int64_t now) {
        if (!o.applied()) return true;
        if (store && !store->updateCeremony(next.record(), now)) return false;
        const uint32_t id = next.id();
        ceremonies.insert_or_assign(id, std::move(next));
        const Ceremony& c = ceremonies.at(id);
        sendView(c);
        for (const ceremony::CeremonyEvent& e : o.events) {
            if (std::holds_alternative<ceremony::CeremonyStarted>(e)) bringRepresentatives(id, now);
            if (std::holds_alternative<ceremony::CeremonySigned>(e)) {
                net::CeremonySigned moment;
                moment.ceremony = id;
                moment.hash = c.contentHash();
                moment.atMs = c.signedAtMs();
                moment.title = c.agreement().title;
                for (const net::Party& party : c.agreement().parties) moment.parties.push_back(party.organization);
                const net::Bytes b = net::encodeStage(moment);
                for (const auto& [pid, p] : online) send(p, b);
            }
        }
        updateRelevance(now);
        return true;
    }

    // Brings a called representative to their seat at the signing table; their arrival may open
    // signing.
    void bringToTable(uint32_t id, const StagePerson& p, int64_t now) {
        auto it = ceremonies.find(id);
        if (it == ceremonies.end() || !running(it->second)) return;
        const int party = it->second.partyOf(p.account);
        if (party < 0) return;
        const net::Vec2 seat = signingSeat(layout.stage, size_t(party), it->second.agreement().parties.size());
        link.teleport(p.id, seat);
        send(p, net::encodeStage(net::StageCall{net::StageCallKind::ToSigningTable, seat, layout.stage.area.center()}));
        Ceremony next = it->second;
        Outcome o = next.arrive(actor(p), now);
        commit(std::move(next), o, now);
    }
    void bringRepresentatives(uint32_t id, int64_t now) {
        std::vector<StagePerson> reps;
        for (const auto& [pid, p] : online)
            if (ceremonies.at(id).partyOf(p.account) >= 0) reps.push_back(p);
        for (const StagePerson& p : reps) bringToTable(id, p, now);
    }

    void updateRelevance(int64_t now) {
        std::vector<uint16_t> ids;
        for (const auto& [cid, c] : ceremonies) {
            const bool justSigned = c.state() == CeremonyState::Signed && now - c.signedAtMs() < kSignedRelevanceMs;
            if (!running(c) && !justSigned) continue;
            for (const auto& [pid, p] : online)
                if (c.partyOf(p.account) >= 0) ids.push_back(pid);
        }
        std::sort(ids.begin(), ids.end());
        ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
        if (ids == relevant) return;
        relevant = ids;
        std::vector<net::ParticipantId> out;
        for (uint16_t i : ids) out.push_back({i});
        link.setAlwaysRelevant(out);
    }

    bool onKey(StagePerson& p, const net::KeyRegister& m, int64_t now) {
        if (std::all_of(m.publicKey.begin(), m.publicKey.end(), [](uint8_t b) { return b == 0; }))
            return refuse(p, m.req, "签名公钥无效，请重新生成密钥。", "That signing key is not valid; make a new key and register it.");
        if (store && !store->setSigningKey(p.account, m.publicKey, now)) return storeFailed(p, m.req);
        keys[p.account] = m.publicKey;
        reply(p, m.req, true, "签名公钥已登记（指纹 " + ceremony::keyFingerprint(m.publicKey) + "）。",
              "Your signing key is registered (fingerprint " + ceremony::keyFingerprint(m.publicKey) + ").");
        status(p);
        return true;
    }

    bool onAgreementSave(StagePerson& p, net::AgreementSave& m, int64_t now) {
        if (p.role != net::Role::Organizer) return organizerOnly(p, m.req, "起草签约协议", "draft an agreement");
        if (m.agreement.id == 0) {
            ceremony::CeremonyRecord r;
            r.agreement = std::move(m.agreement);
            if (r.agreement.createdMs <= 0) r.agreement.createdMs = now;
            if (store) {
                if (!store->insertCeremony(r, now)) return storeFailed(p, m.req);
            } else {
                r.id = r.agreement.id = nextCeremony++;
            }
            ceremonies.insert_or_assign(r.id, Ceremony(r.id, r.agreement));
            reply(p, m.req, true, "协议草稿已保存（编号 " + std::to_string(r.id) + "）。",
                  "The agreement draft is saved (no. " + std::to_string(r.id) + ").", r.id);
            sendView(ceremonies.at(r.id));
            return true;
        }
        auto it = ceremonies.find(m.agreement.id);
        if (it == ceremonies.end()) return refuse(p, m.req, "没有这份协议。", "There is no such agreement.");
        Ceremony next = it->second;
        if (m.agreement.createdMs <= 0) m.agreement.createdMs = it->second.agreement().createdMs;
        Outcome o = next.edit(actor(p), std::move(m.agreement));
        if (o.refused()) return refuse(p, m.req, o.zh, o.en);
        if (!commit(std::move(next), o, now)) return storeFailed(p, m.req);
        return reply(p, m.req, true, "协议草稿已保存。", "The agreement draft is saved.", it->first);
    }

    bool onAct(StagePerson& p, const net::CeremonyAct& m, int64_t now) {
        auto it = ceremonies.find(m.ceremony);
        if (it == ceremonies.end()) return refuse(p, m.req, "没有这个签约仪式。", "There is no such ceremony.");
        Ceremony next = it->second;
        Outcome o;
        switch (m.action) {
            case net::CeremonyAction::Finalize: o = next.finalize(actor(p), now); break;
            case net::CeremonyAction::Start: o = next.start(actor(p), now); break;
            case net::CeremonyAction::OpenSigning: o = next.openSigning(actor(p), now); break;
            case net::CeremonyAction::Pause: o = next.pause(actor(p), now); break;
            case net::CeremonyAction::Resume: o = next.resume(actor(p), now); break;
            case net::CeremonyAction::Cancel: o = next.cancel(actor(p), now); break;
            case net::CeremonyAction::Count: return false;
        }
        if (o.refused()) {
            std::string zh = o.zh, en = o.en;
            for (size_t i = 1; i < o.problems.size(); ++i) {
                zh += "；" + o.problems[i].zh;
                en += "; " + o.problems[i].en;
            }
            return refuse(p, m.req, zh, en);
        }
        if (!commit(std::move(next), o, now)) return storeFailed(p, m.req);
        if (!o.applied()) return reply(p, m.req, true, o.zh, o.en, m.ceremony);
        const CeremonyState s = ceremonies.at(m.ceremony).state();
        return reply(p, m.req, true, std::string("签约仪式：") + ceremony::ceremonyStateText(s, true) + "。",
                     std::string("The ceremony is ") + ceremony::ceremonyStateText(s, false) + ".", m.ceremony);
    }

    bool onSign(StagePerson& p, const net::CeremonySign& m, int64_t now) {
        auto it = ceremonies.find(m.ceremony);
        if (it == ceremonies.end()) return refuse(p, m.req, "没有这个签约仪式。", "There is no such ceremony.");
        const Ceremony& c = it->second;
        if (c.partyOf(p.account) >= 0 && c.state() != CeremonyState::Draft && m.hash != c.contentHash())
            return refuse(p, m.req, "你签署的文本与本协议的定稿不一致；请重新打开协议，核对后再签署。",
                          "What you signed is not this agreement's final text; open the agreement again, read it and sign.");
        Ceremony next = c;
        std::optional<ceremony::PublicKey> key;
        if (auto k = keys.find(p.account); k != keys.end()) key = k->second;
        Outcome o = next.sign(actor(p), m.signature, key, now);
        if (o.refused()) return refuse(p, m.req, o.zh, o.en);
        if (!o.applied()) return reply(p, m.req, true, o.zh, o.en, m.ceremony);  // already signed: it stands
        // Durable before anyone sees it: the view that shows the signature is its acknowledgement.
        if (!commit(std::move(next), o, now)) return storeFailed(p, m.req);
        return reply(p, m.req, true, "签名已验证并记录。", "Your signature is verified and recorded.", m.ceremony);
    }

    // --- announcements and moderation ------------------------------------------------------
    bool onAnnounce(StagePerson& p, const net::Announce& m, int64_t now) {
        if (p.role != net::Role::Organizer) return organizerOnly(p, m.req, "发布公告", "make announcements");
        net::Announcement a;
        a.fromName = p.name;
        a.atMs = now;
        a.text = {trim(m.text.zh), trim(m.text.en)};
        if (a.text.zh.empty() && a.text.en.empty()) return refuse(p, m.req, "公告为空。", "The announcement is empty.");
        if (a.text.zh.size() > net::kMaxAnnouncementBytes || a.text.en.size() > net::kMaxAnnouncementBytes)
            return refuse(p, m.req, "公告过长（每种语言最多 " + std::to_string(net::kMaxAnnouncementBytes) + " 字节），请缩短。",
                          "The announcement is too long (at most " + std::to_string(net::kMaxAnnouncementBytes) +
                              " bytes per language); shorten it.");
        if (store) {
            auto id = store->appendAnnouncement(a, p.account);
            if (!id) return storeFailed(p, m.req);
            a.id = *id;
        } else {
            a.id = nextAnnouncement++;
        }
        lastAnnouncement = a;
        const net::Bytes b = net::encodeStage(a);
        for (const auto& [id, o] : online) send(o, b);
        return reply(p, m.req, true, "公告已发布。", "The announcement is out.", a.id);
    }

    std::vector<StagePerson*> sessionsOf(uint32_t account) {
        std::vector<StagePerson*> out;
        for (auto& [id, o] : online)
            if (o.account == account) out.push_back(&o);
        return out;
    }

    bool saveModeration(ModerationRow row, int64_t now) {
        row.updatedMs = now;
        if (store && !store->setModeration(row)) return false;
        moderation[row.account] = row;
        return true;
    }

    bool onModerate(StagePerson& p, const net::Moderate& m, int64_t now) {
        if (p.role != net::Role::Organizer) return organizerOnly(p, m.req, "管理参会者", "moderate");
        using A = net::ModerationAction;
        if (m.action == A::LockBooth || m.action == A::UnlockBooth) {
            auto booth = std::find_if(layout.booths.begin(), layout.booths.end(), [&](const net::Booth& b) { return b.id.v == m.booth; });
            if (booth == layout.booths.end()) return refuse(p, m.req, "没有这个展位。", "There is no such booth.");
            const bool lock = m.action == A::LockBooth;
            if (store && !store->setBoothLocked(m.booth, lock, now)) return storeFailed(p, m.req);
            if (lock) locked.insert(m.booth); else locked.erase(m.booth);
            for (const auto& [id, o] : online) status(o);  // everyone's hall shows it closed, or open again
            return reply(p, m.req, true, lock ? "展位已关闭，访客将被请出。" : "展位已重新开放。",
                         lock ? "The booth is closed; visitors are shown out." : "The booth is open again.");
        }
        if (m.account == 0) return refuse(p, m.req, "请先选择一位参会者。", "Choose a participant first.");
        if (m.account == p.account && m.action != A::Summon && m.action != A::Unmute && m.action != A::Unban)
            return refuse(p, m.req, "不能对自己执行此操作。", "You cannot do that to yourself.");
        ModerationRow row = moderation.count(m.account) ? moderation[m.account] : ModerationRow{.account = m.account};
        std::vector<StagePerson*> targets = sessionsOf(m.account);
        switch (m.action) {
            case A::Mute:
            case A::Unmute:
                row.muted = m.action == A::Mute;
                if (!saveModeration(row, now)) return storeFailed(p, m.req);
                for (StagePerson* t : targets) status(*t);
                return reply(p, m.req, true, row.muted ? "已禁言。" : "已解除禁言。", row.muted ? "Muted." : "No longer muted.");
            case A::Ban:
            case A::Unban:
                row.banned = m.action == A::Ban;
                if (!saveModeration(row, now)) return storeFailed(p, m.req);
                if (row.banned)
                    for (StagePerson* t : targets)
                        link.remove(t->id, net::RefuseReason::Banned, "The organizer has removed you from this event. 主办方已将你移出本次活动。");
                return reply(p, m.req, true, row.banned ? "已禁止此人参加本次活动。" : "已解除禁止。",
                             row.banned ? "Banned from this event." : "No longer banned.");
            case A::Kick:
                if (targets.empty()) return refuse(p, m.req, "此人不在会场。", "That person is not in the hall.");
                for (StagePerson* t : targets)
                    link.remove(t->id, net::RefuseReason::Removed, "The organizer asked you to leave the hall. 主办方请你离开会场。");
                return reply(p, m.req, true, "已请此人离开会场。", "They were asked to leave the hall.");
            case A::SetRole:
                row.roleSet = true;
                row.role = m.role;
                if (!saveModeration(row, now)) return storeFailed(p, m.req);
                for (StagePerson* t : targets) {
                    t->role = m.role;
                    link.setRole(t->id, m.role);
                    status(*t);
                }
                return reply(p, m.req, true, std::string("角色已改为 ") + net::roleName(m.role) + "。",
                             std::string("Role changed to ") + net::roleName(m.role) + ".");
            case A::Summon: {
                if (targets.empty()) return refuse(p, m.req, "此人不在会场。", "That person is not in the hall.");
                const net::Vec2 at = layout.stage.area.center();
                for (StagePerson* t : targets) {
                    link.teleport(t->id, at);
                    send(*t, net::encodeStage(net::StageCall{net::StageCallKind::Summoned, at, audienceSeat(layout.stage, layout.hallSize, 0)}));
                }
                return reply(p, m.req, true, "已请此人上台。", "They are on the stage.");
            }
            case A::LockBooth:
            case A::UnlockBooth:
            case A::Count: break;
        }
        return false;
    }

    bool onEyes(StagePerson& p, const net::EyesOnStage& m) {
        if (p.role != net::Role::Organizer) return organizerOnly(p, m.req, "请全场关注舞台", "draw everyone's eyes to the stage");
        size_t seat = 0;
        const net::Vec2 look = layout.stage.area.center();
        for (auto& [id, o] : online) {
            if (std::binary_search(relevant.begin(), relevant.end(), id)) continue;  // at the signing table
            if (o.id == p.id) continue;  // the organizer stays where they are
            const net::Vec2 at = audienceSeat(layout.stage, layout.hallSize, seat++);
            link.teleport(o.id, at);
            send(o, net::encodeStage(net::StageCall{net::StageCallKind::EyesOnStage, at, look}));
        }
        return reply(p, m.req, true, "全场已就座，关注舞台。", "Everyone is seated, facing the stage.");
    }

    // --- slides -----------------------------------------------------------------------------
    net::SlideState slideState() const {
        net::SlideState st;
        for (const Slide& x : slides) st.slides.push_back({x.id, uint32_t(x.image.size())});
        st.current = currentSlide;
        return st;
    }
    void sendSlides() {
        const net::Bytes b = net::encodeStage(slideState());
        for (const auto& [id, o] : online) send(o, b);
    }
    static bool isImage(const std::vector<uint8_t>& b) {
        static const uint8_t png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
        const bool isPng = b.size() >= 8 && std::equal(png, png + 8, b.begin());
        const bool isJpeg = b.size() >= 3 && b[0] == 0xff && b[1] == 0xd8 && b[2] == 0xff;
        return isPng || isJpeg;
    }

    bool onSlideUpload(StagePerson& p, net::SlideUpload& m, int64_t now) {
        if (!presents(p)) return presentersOnly(p, m.req, "上传幻灯片", "upload slides");
        std::vector<uint8_t>& buf = uploads[p.id.v];
        if (m.offset == 0) buf.clear();
        if (m.offset != buf.size() || m.offset + m.chunk.size() > m.total) {
            buf.clear();
            return refuse(p, m.req, "幻灯片上传中断，请重新上传。", "The slide upload was interrupted; upload it again.");
        }
        buf.insert(buf.end(), m.chunk.begin(), m.chunk.end());
        if (buf.size() < m.total) return true;  // more chunks to come
        std::vector<uint8_t> image;
        image.swap(buf);
        uploads.erase(p.id.v);
        if (!isImage(image))
            return refuse(p, m.req, "幻灯片只能是 PNG 或 JPEG 图片，请导出为图片后上传。",
                          "A slide must be a PNG or JPEG image; export your slides as images and upload those.");
        if (slides.size() >= net::kMaxSlides)
            return refuse(p, m.req, "幻灯片已达上限（" + std::to_string(net::kMaxSlides) + " 张）。",
                          "There are already " + std::to_string(net::kMaxSlides) + " slides, the most the big screen holds.");
        uint32_t id = 0;
        if (store) {
            auto stored = store->appendSlide(image, p.account, now);
            if (!stored) return storeFailed(p, m.req);
            id = *stored;
        } else {
            id = nextSlide++;
        }
        slides.push_back({id, std::move(image)});
        sendSlides();
        return reply(p, m.req, true, "幻灯片已上传（第 " + std::to_string(slides.size()) + " 张）。",
                     "The slide is uploaded (no. " + std::to_string(slides.size()) + ").", id);
    }

    bool onSlideShow(StagePerson& p, const net::SlideShow& m) {
        if (!presents(p)) return presentersOnly(p, m.req, "切换幻灯片", "change the slide");
        if (m.index >= slides.size()) return refuse(p, m.req, "没有这张幻灯片。", "There is no such slide.");
        currentSlide = m.index;
        sendSlides();
        return reply(p, m.req, true, "大屏幕已切换。", "The big screen shows it now.");
    }

    bool onSlideClear(StagePerson& p, const net::SlideClear& m) {
        if (!presents(p)) return presentersOnly(p, m.req, "清空幻灯片", "clear the slides");
        if (store && !store->clearSlides()) return storeFailed(p, m.req);
        slides.clear();
        currentSlide = 0;
        sendSlides();
        return reply(p, m.req, true, "幻灯片已清空，大屏幕空出给下一位演讲者。", "The slides are cleared; the big screen is free for the next talk.");
    }

    bool onSlideFetch(StagePerson& p, const net::SlideFetch& m) {
        auto it = std::find_if(slides.begin(), slides.end(), [&](const Slide& x) { return x.id == m.slide; });
        if (it == slides.end() || m.offset >= it->image.size()) return true;  // gone or done: nothing to send
        net::SlideData d;
        d.slide = m.slide;
        d.total = uint32_t(it->image.size());
        d.offset = m.offset;
        const size_t n = std::min<size_t>(net::kSlideChunkBytes, it->image.size() - m.offset);
        d.chunk.assign(it->image.begin() + long(m.offset), it->image.begin() + long(m.offset + n));
        const net::Bytes b = net::encodeStage(d);
        if (!b.empty()) link.sendBulk(p.id, b);
        return true;
    }

    // --- live figures and locked booths ----------------------------------------------------
    bool memberOf(const StagePerson& p, const net::Booth& b) const {
        return p.role == net::Role::Organizer || (!p.org.empty() && (p.org == b.owner.name.zh || p.org == b.owner.name.en));
    }

    void figures(int64_t now, std::span<const net::AvatarState> avatars) {
        if (now - lastFiguresMs < int64_t(desc.figuresEveryMs)) return;
        lastFiguresMs = now;
        updateRelevance(now);
        bool anyOrganizer = false;
        for (const auto& [id, p] : online) anyOrganizer |= p.role == net::Role::Organizer;
        if (!anyOrganizer) return;
        net::LiveFigures f;
        f.people = uint16_t(online.size());
        f.perZone.assign(layout.zones.size(), 0);
        f.perBooth.assign(layout.booths.size(), 0);
        for (const net::AvatarState& a : avatars) {
            const net::Vec2 at{a.x, a.z};
            for (size_t z = 0; z < layout.zones.size(); ++z)
                if (layout.zones[z].area.contains(at)) ++f.perZone[z];
            for (size_t b = 0; b < layout.booths.size(); ++b)
                if (boothArea(layout.booths[b]).contains(at)) ++f.perBooth[b];
        }
        f.lockedBooths.assign(locked.begin(), locked.end());
        for (const auto& [id, p] : online) {
            auto m = moderation.find(p.account);
            f.roster.push_back({p.id, p.account, p.name, p.org, p.role, m != moderation.end() && m->second.muted});
        }
        const net::Bytes b = net::encodeStage(f);
        for (const auto& [id, p] : online)
            if (p.role == net::Role::Organizer) send(p, b);
    }

    static std::string closedText(const net::Booth& b) {
        return "The booth of " + (b.owner.name.en.empty() ? b.owner.name.zh : b.owner.name.en) +
               " is closed for now (the organizer closed it); you can look at it from the aisle. " +
               (b.owner.name.zh.empty() ? b.owner.name.en : b.owner.name.zh) + " 展位暂停开放（主办方已关闭），请在通道上参观。";
    }

    void enforceLocks(std::span<const net::AvatarState> avatars, int64_t now) {
        if (locked.empty()) return;
        for (const net::AvatarState& a : avatars) {
            auto who = online.find(a.id.v);
            if (who == online.end()) continue;
            for (const net::Booth& b : layout.booths) {
                if (!locked.count(b.id.v) || memberOf(who->second, b)) continue;
                const net::Rect r = boothArea(b);
                if (!r.contains({a.x, a.z})) continue;
                // Shown out to the aisle in front of the booth, and told why.
                const net::Vec2 d = audienceDir(net::Stage{.facing = b.facing});
                const float reach = (b.facing % 2 ? r.max.x - r.min.x : r.max.y - r.min.y) * 0.5f + 1.0f;
                link.teleport(a.id, {b.center.x + d.x * reach, b.center.y + d.y * reach});
                // Told once a while, not every tick they push against it.
                int64_t& told = toldClosedMs[a.id.v];
                if (told == 0 || now - told >= kToldClosedEveryMs) {
                    told = now;
                    send(who->second, net::encode(net::Notice{net::NoticeCode::NotAllowed, closedText(b)}));
                }
            }
        }
    }
};

StageService::StageService(const StageDesc& desc, const net::EventLayout& layout, EventStore* store, StageLink& link)
    : m_impl(std::make_unique<Impl>(desc, layout, store, link)) {
    if (!store) return;
    m_impl->keys = store->signingKeys();
    for (const ModerationRow& r : store->moderation()) m_impl->moderation[r.account] = r;
    for (uint16_t b : store->lockedBooths()) m_impl->locked.insert(b);
    for (auto& [id, image] : store->slides()) m_impl->slides.push_back({id, std::move(image)});
    auto announcements = store->announcements();
    if (!announcements.empty()) m_impl->lastAnnouncement = announcements.back();
    for (const ceremony::CeremonyRecord& r : store->ceremonies()) {
        std::string error;
        if (auto c = Ceremony::fromRecord(r, error)) m_impl->ceremonies.insert_or_assign(r.id, std::move(*c));
    }
}

StageService::~StageService() = default;

std::optional<std::string> StageService::refusalFor(uint32_t account) const {
    auto it = m_impl->moderation.find(account);
    if (account == 0 || it == m_impl->moderation.end() || !it->second.banned) return std::nullopt;
    return "The organizer has removed you from this event. 主办方已将你移出本次活动。";
}

net::Role StageService::roleFor(uint32_t account, net::Role asked) const {
    auto it = m_impl->moderation.find(account);
    if (account == 0 || it == m_impl->moderation.end() || !it->second.roleSet) return asked;
    return it->second.role;
}

std::optional<std::string> StageService::mutedText(uint32_t account) const {
    auto it = m_impl->moderation.find(account);
    if (account == 0 || it == m_impl->moderation.end() || !it->second.muted) return std::nullopt;
    return "The organizer has muted you in the hall chat. 主办方已将你禁言。";
}

void StageService::onJoin(const StagePerson& who, int64_t unixMs) {
    StagePerson p = who;
    if (p.account == 0) p.account = kNoStoreAccountBase + p.id.v;
    m_impl->online[p.id.v] = p;
    m_impl->status(p);
    if (m_impl->lastAnnouncement) m_impl->send(p, net::encodeStage(*m_impl->lastAnnouncement));
    if (!m_impl->slides.empty()) m_impl->send(p, net::encodeStage(m_impl->slideState()));
    std::vector<uint32_t> toSeat;
    for (const auto& [id, c] : m_impl->ceremonies) {
        if (m_impl->sees(c, p)) m_impl->send(p, net::encodeStage(m_impl->viewOf(c)));
        if (running(c) && c.partyOf(p.account) >= 0 && c.seats()[size_t(c.partyOf(p.account))].called) toSeat.push_back(id);
    }
    for (uint32_t id : toSeat) m_impl->bringToTable(id, p, unixMs);
    m_impl->updateRelevance(unixMs);
}

void StageService::onLeave(net::ParticipantId id, int64_t unixMs) {
    auto it = m_impl->online.find(id.v);
    if (it == m_impl->online.end()) return;
    const uint32_t account = it->second.account;
    m_impl->online.erase(it);
    m_impl->uploads.erase(id.v);
    m_impl->toldClosedMs.erase(id.v);
    for (auto& [cid, c] : m_impl->ceremonies) {
        if (c.partyOf(account) < 0) continue;
        Ceremony next = c;
        Outcome o = next.away(account, unixMs);
        m_impl->commit(std::move(next), o, unixMs);
    }
    m_impl->updateRelevance(unixMs);
}

bool StageService::onMessage(net::ParticipantId from, net::MsgType type, std::span<const uint8_t> packet, int64_t now) {
    auto it = m_impl->online.find(from.v);
    if (it == m_impl->online.end()) return false;
    StagePerson& p = it->second;
    switch (type) {
        case net::MsgType::KeyRegister: { net::KeyRegister x; return net::decodeStage(packet, x) && m_impl->onKey(p, x, now); }
        case net::MsgType::AgreementSave: { net::AgreementSave x; return net::decodeStage(packet, x) && m_impl->onAgreementSave(p, x, now); }
        case net::MsgType::CeremonyAct: { net::CeremonyAct x; return net::decodeStage(packet, x) && m_impl->onAct(p, x, now); }
        case net::MsgType::CeremonySign: { net::CeremonySign x; return net::decodeStage(packet, x) && m_impl->onSign(p, x, now); }
        case net::MsgType::Announce: { net::Announce x; return net::decodeStage(packet, x) && m_impl->onAnnounce(p, x, now); }
        case net::MsgType::Moderate: { net::Moderate x; return net::decodeStage(packet, x) && m_impl->onModerate(p, x, now); }
        case net::MsgType::EyesOnStage: { net::EyesOnStage x; return net::decodeStage(packet, x) && m_impl->onEyes(p, x); }
        case net::MsgType::SlideUpload: { net::SlideUpload x; return net::decodeStage(packet, x) && m_impl->onSlideUpload(p, x, now); }
        case net::MsgType::SlideShow: { net::SlideShow x; return net::decodeStage(packet, x) && m_impl->onSlideShow(p, x); }
        case net::MsgType::SlideFetch: { net::SlideFetch x; return net::decodeStage(packet, x) && m_impl->onSlideFetch(p, x); }
        case net::MsgType::SlideClear: { net::SlideClear x; return net::decodeStage(packet, x) && m_impl->onSlideClear(p, x); }
        default: return false;  // server-to-client types
    }
}

void StageService::update(int64_t unixMs, std::span<const net::AvatarState> avatars) {
    m_impl->enforceLocks(avatars, unixMs);
    m_impl->figures(unixMs, avatars);
}

size_t StageService::ceremonyCount() const { return m_impl->ceremonies.size(); }

std::optional<ceremony::SignedAgreement> StageService::signedAgreement(uint32_t id) const {
    auto it = m_impl->ceremonies.find(id);
    if (it == m_impl->ceremonies.end()) return std::nullopt;
    return it->second.signedAgreement();
}

std::optional<ceremony::CeremonyState> StageService::ceremonyState(uint32_t id) const {
    auto it = m_impl->ceremonies.find(id);
    if (it == m_impl->ceremonies.end()) return std::nullopt;
    return it->second.state();
}

}  // namespace server
