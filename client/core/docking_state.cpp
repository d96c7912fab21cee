// docking_state.cpp: applying docking messages and queueing docking requests.
#include "client/core/docking_state.h"

#include <algorithm>

namespace client {

namespace {
constexpr size_t kMaxTableChat = 200;
constexpr size_t kMaxCalls = 50;
constexpr size_t kMaxReplies = 200;
}  // namespace

template <typename T> uint32_t DockingState::queue(T msg) {
    msg.req = ++m_nextReq;
    net::Bytes b = net::encodeDock(msg);
    if (b.empty()) {
        // Out of range on our side: answer locally so the form shows why.
        m_replies[msg.req] = {msg.req, false, "内容超出限制，请精简后重试。", "Too long or out of range; shorten it and try again."};
        m_lastReply = msg.req;
        ++m_version;
        return msg.req;
    }
    m_outbox.push_back(std::move(b));
    return msg.req;
}

bool DockingState::onPacket(net::MsgType type, std::span<const uint8_t> packet) {
    bool ok = false;
    switch (type) {
        case net::MsgType::DockSessions: ok = net::decodeDock(packet, m_setup); break;
        case net::MsgType::ForYou: {
            net::ForYou fy;
            if ((ok = net::decodeDock(packet, fy))) m_forYou = std::move(fy.posts);
            break;
        }
        case net::MsgType::BoardResults: {
            net::BoardResults r;
            if ((ok = net::decodeDock(packet, r))) {
                for (const auto& x : r.results) m_posts[x.post.id] = x.post;
                m_results = std::move(r);
            }
            break;
        }
        case net::MsgType::PostSaved: {
            net::PostSaved s;
            if ((ok = net::decodeDock(packet, s))) {
                m_posts[s.post.id] = s.post;
                m_saved[s.post.id] = std::move(s.matches);
            }
            break;
        }
        case net::MsgType::DockReply: {
            net::DockReply r;
            if ((ok = net::decodeDock(packet, r))) {
                if (m_replies.size() >= kMaxReplies) m_replies.erase(m_replies.begin());
                m_lastReply = r.req;
                m_replies[r.req] = std::move(r);
            }
            break;
        }
        case net::MsgType::MeetingUpdate: {
            net::MeetingUpdate u;
            if ((ok = net::decodeDock(packet, u))) m_meetings[u.meeting.id] = std::move(u.meeting);
            break;
        }
        case net::MsgType::MeetingCall: {
            net::MeetingCall c;
            if ((ok = net::decodeDock(packet, c))) {
                if (m_calls.size() >= kMaxCalls) m_calls.erase(m_calls.begin());
                m_calls.push_back(c);
            }
            break;
        }
        case net::MsgType::TableChatLine: {
            net::TableChatLine l;
            if ((ok = net::decodeDock(packet, l))) {
                if (m_tableChat.size() >= kMaxTableChat) m_tableChat.erase(m_tableChat.begin());
                m_tableChat.push_back(std::move(l));
            }
            break;
        }
        case net::MsgType::ContactUpdate: {
            net::ContactUpdate c;
            if ((ok = net::decodeDock(packet, c))) m_contacts[c.card] = std::move(c);
            break;
        }
        case net::MsgType::VisitLeads: {
            net::VisitLeads l;
            if ((ok = net::decodeDock(packet, l))) m_leads = std::move(l.leads);
            break;
        }
        default: return false;
    }
    if (ok) ++m_version;
    return ok;
}

void DockingState::clear() { *this = DockingState(); }

uint32_t DockingState::savePost(const net::PostView& post) { return queue(net::PostSave{0, post}); }
uint32_t DockingState::withdrawPost(uint32_t post) { return queue(net::PostWithdraw{0, post}); }
uint32_t DockingState::hidePost(uint32_t post, bool hidden) { return queue(net::PostHide{0, post, hidden}); }
uint32_t DockingState::addField(const net::DockField& field) { return queue(net::FieldAdd{0, field}); }
uint32_t DockingState::search(net::BoardSearch query) { return queue(std::move(query)); }
uint32_t DockingState::fetchPost(uint32_t post) {
    net::BoardSearch q;
    q.fetch = post;
    return queue(q);
}
uint32_t DockingState::askMeeting(uint32_t post, net::SlotRef slot) { return queue(net::MeetingAsk{0, post, slot, 0}); }
uint32_t DockingState::answerMeeting(uint32_t meeting, net::MeetingAction action, net::SlotRef slot) {
    return queue(net::MeetingAnswer{0, meeting, action, slot});
}
uint32_t DockingState::scheduleMeeting(uint32_t need, uint32_t capability, net::SlotRef slot) {
    return queue(net::MeetingSchedule{0, need, capability, slot});
}
uint32_t DockingState::saveNotes(uint32_t meeting, const std::string& notes, net::MeetingOutcome outcome) {
    return queue(net::MeetingNotes{0, meeting, notes, outcome});
}
uint32_t DockingState::goToTable(uint32_t meeting) { return queue(net::GoToTable{0, meeting}); }
void DockingState::sendTableChat(uint32_t meeting, const std::string& text) {
    net::Bytes b = net::encodeDock(net::TableChatSend{meeting, text});
    if (!b.empty()) m_outbox.push_back(std::move(b));
}
uint32_t DockingState::askCard(net::ParticipantId to) { return queue(net::CardAsk{0, to}); }
uint32_t DockingState::answerCard(uint32_t card, bool accept) { return queue(net::CardAnswer{0, card, accept}); }
uint32_t DockingState::setCard(const net::BusinessCard& card) { return queue(net::CardSet{0, card}); }

std::vector<net::Bytes> DockingState::takeOutbox() {
    std::vector<net::Bytes> out;
    out.swap(m_outbox);
    return out;
}

const net::DockField* DockingState::field(const std::string& key) const {
    for (const auto& f : m_setup.taxonomy)
        if (f.key == key) return &f;
    return nullptr;
}

std::vector<DockingState::Slot> DockingState::slots() const {
    std::vector<Slot> out;
    for (size_t s = 0; s < m_setup.sessions.size(); ++s) {
        const auto& ses = m_setup.sessions[s];
        if (ses.slotMinutes == 0) continue;
        int n = std::min<int>(ses.minutes / ses.slotMinutes, net::kMaxSlotsPerSession);
        for (int i = 0; i < n; ++i)
            out.push_back({{uint8_t(s), uint16_t(i)}, ses.startMs + int64_t(i) * ses.slotMinutes * 60'000, ses.slotMinutes});
    }
    std::stable_sort(out.begin(), out.end(), [](const Slot& a, const Slot& b) { return a.startMs < b.startMs; });
    return out;
}

const net::PostView* DockingState::post(uint32_t id) const {
    auto it = m_posts.find(id);
    return it == m_posts.end() ? nullptr : &it->second;
}

const std::vector<net::MatchView>* DockingState::savedMatches(uint32_t post) const {
    auto it = m_saved.find(post);
    return it == m_saved.end() ? nullptr : &it->second;
}

const net::DockReply* DockingState::reply(uint32_t req) const {
    auto it = m_replies.find(req);
    return it == m_replies.end() ? nullptr : &it->second;
}

const net::MeetingView* DockingState::meeting(uint32_t id) const {
    auto it = m_meetings.find(id);
    return it == m_meetings.end() ? nullptr : &it->second;
}

std::vector<const net::MeetingView*> DockingState::schedule(uint32_t account) const {
    std::vector<const net::MeetingView*> out;
    for (const auto& [id, m] : m_meetings)
        if (account == 0 || m.requester.account == account || m.responder.account == account) out.push_back(&m);
    auto closed = [](const net::MeetingView* m) {
        return m->state == net::MeetingState::Declined || m->state == net::MeetingState::Cancelled;
    };
    std::stable_sort(out.begin(), out.end(), [&](const net::MeetingView* a, const net::MeetingView* b) {
        if (closed(a) != closed(b)) return !closed(a);
        return a->startMs < b->startMs;
    });
    return out;
}

std::string DockingState::contactsVCard() const {
    std::string out;
    for (const auto& [id, c] : m_contacts)
        if (c.state == net::ContactState::Exchanged) out += net::toVCard(c.other);
    return out;
}

}  // namespace client
