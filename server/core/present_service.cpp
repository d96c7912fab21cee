// present_service.cpp: booth presentations: who may present, who watches, what they are sent.
#include "server/core/present_service.h"

#include <map>
#include <set>
#include <unordered_map>

#include "net/protocol/hall.h"
#include "net/protocol/present_msgs.h"

namespace server {

struct PresentService::Impl {
    struct Show {
        net::ParticipantId presenter;
        uint8_t exhibit = 0;
        net::PresentPose pose;
        bool dirty = true;                      // the pose changed since it was last forwarded
        std::set<uint16_t> audience;            // ids that were sent this presentation
    };

    const net::EventLayout& layout;
    DockingLink& link;
    std::vector<net::Organization> orgs;        // the booths' owners, for orgKeyFor
    std::unordered_map<uint16_t, PresentPerson> people;
    std::map<uint16_t, Show> shows;             // by booth index

    Impl(const net::EventLayout& l, DockingLink& k) : layout(l), link(k) {
        for (const auto& b : layout.booths) orgs.push_back(b.owner);
    }

    void notice(net::ParticipantId to, const std::string& zh, const std::string& en) {
        link.send(to, net::encode(net::Notice{net::NoticeCode::NotAllowed, en + " " + zh}));
    }

    bool standsAt(net::ParticipantId id, uint16_t booth) const {
        auto at = link.position(id);
        return at && net::atBooth(layout.booths[booth], *at, net::kAtBoothMargin);
    }

    net::PresentView viewOf(uint16_t booth, const Show& s, bool active) const {
        return {s.presenter, active, booth, s.exhibit, s.pose};
    }

    void end(uint16_t booth) {
        auto it = shows.find(booth);
        if (it == shows.end()) return;
        net::Bytes bye = net::encodeDock(viewOf(booth, it->second, false));
        for (uint16_t id : it->second.audience) link.send({id}, bye);
        link.send(it->second.presenter, bye);  // the presenter's own client learns it ended too
        shows.erase(it);
    }

    void onSet(const PresentPerson& p, const net::PresentSet& m) {
        if (m.booth >= layout.booths.size()) return notice(p.id, "没有这个展位。", "No such booth.");
        const net::Booth& booth = layout.booths[m.booth];
        auto current = shows.find(m.booth);
        if (!m.active) {
            if (current != shows.end() && current->second.presenter == p.id) end(m.booth);
            return;
        }
        if (m.exhibit >= booth.exhibits.size()) return notice(p.id, "该展位没有这件展品。", "That booth has no such exhibit.");
        const bool member = (p.role == net::Role::Exhibitor || p.role == net::Role::University) &&
                            orgKeyFor(p.org, orgs) == orgKeyFor(booth.owner.name.zh, orgs);
        if (!member)
            return notice(p.id, "只有本展位单位的参展人员可以为观众讲解展品。",
                          "Only the booth's own exhibitors may present its exhibits.");
        if (!standsAt(p.id, m.booth))
            return notice(p.id, "请先走到自己的展位，再开始讲解。", "Walk to your booth first, then present.");
        if (current != shows.end() && current->second.presenter != p.id) {
            auto who = people.find(current->second.presenter.v);
            std::string name = who != people.end() ? who->second.name : "?";
            return notice(p.id, name + " 正在讲解本展位的展品。", name + " is presenting at this booth already.");
        }
        // A presenter presents at one booth at a time.
        for (auto& [b, s] : shows)
            if (s.presenter == p.id && b != m.booth) {
                end(b);
                break;
            }
        Show& s = shows[m.booth];
        if (s.presenter.v != 0 && s.exhibit != m.exhibit) s.dirty = true;
        s.presenter = p.id;
        s.exhibit = m.exhibit;
        net::PresentPose pose = net::clampPose(m.pose);
        if (!(pose == s.pose)) s.dirty = true;
        s.pose = pose;
    }

    void update() {
        std::vector<uint16_t> ended;
        for (auto& [booth, s] : shows) {
            if (!standsAt(s.presenter, booth)) {
                ended.push_back(booth);  // walked away from the booth
                continue;
            }
            net::Bytes now = net::encodeDock(viewOf(booth, s, true));
            net::Bytes bye = net::encodeDock(viewOf(booth, s, false));
            std::set<uint16_t> here;
            for (const auto& [id, p] : people)
                if (p.id != s.presenter && standsAt(p.id, booth)) here.insert(id);
            for (uint16_t id : here)
                if (s.dirty || !s.audience.count(id)) link.send({id}, now);
            for (uint16_t id : s.audience)
                if (!here.count(id) && people.count(id)) link.send({id}, bye);
            s.audience = std::move(here);
            s.dirty = false;
        }
        for (uint16_t b : ended) end(b);
    }
};

PresentService::PresentService(const net::EventLayout& layout, DockingLink& link) : m_impl(std::make_unique<Impl>(layout, link)) {}
PresentService::~PresentService() = default;

void PresentService::onJoin(const PresentPerson& who) { m_impl->people[who.id.v] = who; }

void PresentService::onLeave(net::ParticipantId id) {
    m_impl->people.erase(id.v);
    std::vector<uint16_t> ended;
    for (auto& [booth, s] : m_impl->shows) {
        if (s.presenter == id) ended.push_back(booth);
        s.audience.erase(id.v);
    }
    for (uint16_t b : ended) m_impl->end(b);
}

bool PresentService::onMessage(net::ParticipantId from, net::MsgType type, std::span<const uint8_t> packet) {
    auto it = m_impl->people.find(from.v);
    if (it == m_impl->people.end() || type != net::MsgType::PresentSet) return false;
    net::PresentSet msg;
    if (!net::decodeDock(packet, msg)) return false;
    m_impl->onSet(it->second, msg);
    return true;
}

void PresentService::update() { m_impl->update(); }

std::optional<net::ParticipantId> PresentService::presenter(uint16_t booth) const {
    auto it = m_impl->shows.find(booth);
    if (it == m_impl->shows.end()) return std::nullopt;
    return it->second.presenter;
}

}  // namespace server
