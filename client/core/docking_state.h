// docking_state.h: what a client knows of the docking board, its meetings, contacts and leads.
//
// The Connection hands it every docking message (docking_msgs.h) and sends what it queues. The
// request methods queue one message each and return its request id; the server answers every
// request with a DockReply of that id (reply(id)), after the store committed the change:
//
//   uint32_t req = conn.docking().savePost(view);
//   ... conn.update(now) ...
//   if (const net::DockReply* r = conn.docking().reply(req)) show(r->ok, r->zh, r->en);
//
// No GL, no ImGui: bots and tests use it as the app does.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "net/protocol/docking_msgs.h"

namespace client {

class DockingState {
public:
    // --- incoming --------------------------------------------------------------------------------
    // Applies a docking message. False: malformed or not a server-to-client docking message.
    bool onPacket(net::MsgType type, std::span<const uint8_t> packet);
    // Forgets everything (a new connection).
    void clear();

    // --- requests (queued; Connection sends them) ------------------------------------------------
    uint32_t savePost(const net::PostView& post);          // id 0: a new post
    uint32_t withdrawPost(uint32_t post);
    uint32_t hidePost(uint32_t post, bool hidden);         // organizer
    uint32_t addField(const net::DockField& field);        // organizer: extend the taxonomy
    uint32_t search(net::BoardSearch query);               // query.req is set here
    uint32_t fetchPost(uint32_t post);                     // the full post, into post(id)
    uint32_t askMeeting(uint32_t post, net::SlotRef slot);
    uint32_t answerMeeting(uint32_t meeting, net::MeetingAction action, net::SlotRef slot = {});
    uint32_t scheduleMeeting(uint32_t need, uint32_t capability, net::SlotRef slot);  // organizer
    uint32_t saveNotes(uint32_t meeting, const std::string& notes, net::MeetingOutcome outcome);
    uint32_t goToTable(uint32_t meeting);
    void sendTableChat(uint32_t meeting, const std::string& text);
    uint32_t askCard(net::ParticipantId to);
    uint32_t answerCard(uint32_t card, bool accept);
    uint32_t setCard(const net::BusinessCard& card);

    // Packets queued since the last call (the Connection sends them on the events channel).
    std::vector<net::Bytes> takeOutbox();

    // --- what is known ---------------------------------------------------------------------------
    const std::vector<net::MeetingSession>& sessions() const { return m_setup.sessions; }
    uint16_t tables() const { return m_setup.tables; }
    const std::vector<net::DockField>& taxonomy() const { return m_setup.taxonomy; }
    const net::DockField* field(const std::string& key) const;
    // Every slot of every session, in time order.
    struct Slot { net::SlotRef ref; int64_t startMs = 0; uint16_t minutes = 0; };
    std::vector<Slot> slots() const;

    const std::vector<net::ForYouEntry>& forYou() const { return m_forYou; }
    const net::BoardResults& results() const { return m_results; }  // the latest search's answer
    uint32_t resultsReq() const { return m_results.req; }
    const net::PostView* post(uint32_t id) const;                    // from results, saves, fetches
    const std::vector<net::MatchView>* savedMatches(uint32_t post) const;  // a save's matches

    const net::DockReply* reply(uint32_t req) const;
    const net::DockReply* lastReply() const { return m_lastReply ? &m_replies.at(m_lastReply) : nullptr; }

    const std::map<uint32_t, net::MeetingView>& meetings() const { return m_meetings; }
    const net::MeetingView* meeting(uint32_t id) const;
    // The meetings of `account` (0: all I know of, as the organizer), by start time; cancelled and
    // declined last.
    std::vector<const net::MeetingView*> schedule(uint32_t account) const;
    const std::vector<net::MeetingCall>& calls() const { return m_calls; }  // reminders and calls, oldest first
    const std::vector<net::TableChatLine>& tableChat() const { return m_tableChat; }

    const std::map<uint32_t, net::ContactUpdate>& contacts() const { return m_contacts; }  // by exchange id
    // The exchanged contacts as one vCard file (RFC 2426), in exchange order.
    std::string contactsVCard() const;
    const std::vector<net::Lead>& leads() const { return m_leads; }

    uint32_t account() const { return m_setup.account; }  // mine, as the server numbers people
    uint32_t version() const { return m_version; }  // increases with every change (for views)

private:
    template <typename T> uint32_t queue(T msg);

    net::DockSessions m_setup;
    std::vector<net::ForYouEntry> m_forYou;
    net::BoardResults m_results;
    std::map<uint32_t, net::PostView> m_posts;
    std::map<uint32_t, std::vector<net::MatchView>> m_saved;
    std::map<uint32_t, net::DockReply> m_replies;
    uint32_t m_lastReply = 0;
    std::map<uint32_t, net::MeetingView> m_meetings;
    std::vector<net::MeetingCall> m_calls;
    std::vector<net::TableChatLine> m_tableChat;
    std::map<uint32_t, net::ContactUpdate> m_contacts;
    std::vector<net::Lead> m_leads;
    std::vector<net::Bytes> m_outbox;
    uint32_t m_nextReq = 0;
    uint32_t m_version = 0;
};

}  // namespace client
