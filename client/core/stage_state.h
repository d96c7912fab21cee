// stage_state.h: what a client knows of the stage: my account and key, the ceremonies with their
// agreements, the announcement banner, the signed moment, calls to the stage, and (organizers)
// the live figures.
//
// The Connection hands it every stage message (stage_msgs.h) and sends what it queues. Requests
// return a request id; the server answers each with a StageReply of that id (reply(id)) once the
// store committed the change.
//
//   uint32_t req = conn.stage().registerKey(key.publicKey);
//   ...
//   uint32_t sig = conn.stage().sign(ceremonyId, key);   // hashes the agreement it was shown
//
// No GL, no ImGui: bots and tests use it as the app does.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "client/core/keys.h"
#include "net/protocol/stage_msgs.h"

namespace client {

class StageState {
public:
    // --- incoming --------------------------------------------------------------------------------
    // Applies a stage message. False: malformed or not a server-to-client stage message.
    bool onPacket(net::MsgType type, std::span<const uint8_t> packet);
    void clear();

    // --- requests (queued; Connection sends them) ------------------------------------------------
    uint32_t registerKey(const net::SigningKey& publicKey);
    uint32_t saveAgreement(const net::Agreement& agreement);  // organizer; id 0: a new draft
    uint32_t act(uint32_t ceremony, net::CeremonyAction action);  // organizer
    // Signs the ceremony's agreement as this client shows it: the content hash is computed here
    // from the agreement text received, then signed with `key`. 0 when the ceremony is unknown.
    uint32_t sign(uint32_t ceremony, const AccountKey& key);
    // Signs a given hash (tests: a hash of other text must be refused).
    uint32_t signHash(uint32_t ceremony, const net::ContentHash& hash, const AccountKey& key);
    uint32_t announce(const net::LocalText& text);             // organizer
    uint32_t moderate(net::Moderate m);                        // organizer; m.req is set here
    uint32_t eyesOnStage();                                    // organizer
    // Organizer or speaker: a PNG or JPEG for the big screen, sent in chunks (all with the returned request id;
    // the server answers once, after the last).
    uint32_t uploadSlide(const std::vector<uint8_t>& image);
    uint32_t showSlide(uint8_t index);                         // organizer, speaker
    uint32_t clearSlides();                                    // organizer, speaker: the screen is emptied

    std::vector<net::Bytes> takeOutbox();

    // --- what is known ---------------------------------------------------------------------------
    const net::StageStatus& status() const { return m_status; }
    uint32_t account() const { return m_status.account; }
    const std::map<uint32_t, net::CeremonyView>& ceremonies() const { return m_ceremonies; }
    const net::CeremonyView* ceremony(uint32_t id) const;
    // The ceremony that asks something of me now: one I represent a party of, open for signing
    // (or calling), that I have not signed. nullptr when none.
    const net::CeremonyView* toSign() const;
    // The party I represent in a ceremony, or -1.
    int myParty(const net::CeremonyView& c) const;
    // Whether the agreement as received hashes to the hash the server announced.
    static bool hashMatches(const net::CeremonyView& c);

    const net::StageReply* reply(uint32_t req) const;
    const net::StageReply* lastReply() const { return m_lastReply ? &m_replies.at(m_lastReply) : nullptr; }
    const std::optional<net::Announcement>& announcement() const { return m_announcement; }
    const std::optional<net::CeremonySigned>& signedMoment() const { return m_moment; }
    void dismissMoment() { m_moment.reset(); ++m_version; }
    // The ceremony signed last while connected; unlike signedMoment() it stays when the moment
    // window is closed (the hall's big screen still shows its certificate).
    const std::optional<net::CeremonySigned>& lastSigned() const { return m_lastSigned; }

    // What the stage's big screen shows: the certificate of the ceremony signed last, from that
    // moment until the organizer puts another slide up; else the current slide; else the event's
    // name. (Slide: its image may still be arriving, see currentSlideImage().)
    enum class BigScreen : uint8_t {
        EventName,    // no slide, nothing signed
        Slide,        // the current slide
        Certificate,  // lastSigned()'s certificate
    };
    BigScreen bigScreen() const;
    const std::vector<net::StageCall>& calls() const { return m_calls; }  // the latest ones, oldest first
    uint32_t callsReceived() const { return m_callsReceived; }           // all calls so far (to notice a new one)
    const std::optional<net::LiveFigures>& figures() const { return m_figures; }
    const net::SlideState& slides() const { return m_slides; }
    // The image on the big screen once it has arrived (fetched chunk by chunk), else nullptr.
    const std::vector<uint8_t>* currentSlideImage() const;
    uint32_t currentSlideId() const;  // 0: none
    // Whether I may put slides on the big screen (organizer, speaker).
    bool maySlide() const { return m_status.role == net::Role::Organizer || m_status.role == net::Role::Speaker; }
    // The booths closed to visitors now (booth ids, ascending), as the server last said.
    const std::vector<uint16_t>& lockedBooths() const { return m_status.lockedBooths; }
    bool boothLocked(uint16_t boothId) const;
    uint32_t version() const { return m_version; }

private:
    template <typename T> uint32_t queue(T msg);

    net::StageStatus m_status;
    std::map<uint32_t, net::CeremonyView> m_ceremonies;
    std::map<uint32_t, net::StageReply> m_replies;
    uint32_t m_lastReply = 0;
    std::optional<net::Announcement> m_announcement;
    std::optional<net::CeremonySigned> m_moment;
    std::optional<net::CeremonySigned> m_lastSigned;
    bool m_certificateUp = false;   // the big screen shows m_lastSigned's certificate
    std::vector<net::StageCall> m_calls;
    uint32_t m_callsReceived = 0;
    std::optional<net::LiveFigures> m_figures;
    void fetchCurrentSlide();
    net::SlideState m_slides;
    std::map<uint32_t, std::vector<uint8_t>> m_slideImages;   // complete images by slide id (a few)
    std::map<uint32_t, std::vector<uint8_t>> m_slideParts;    // images arriving
    std::vector<net::Bytes> m_outbox;
    uint32_t m_nextReq = 0;
    uint32_t m_version = 0;
};

// Per booth index of `ev`: whether that booth is closed now (for the hall, the directory, the map).
std::vector<bool> closedBooths(const net::EventLayout& ev, const StageState& stage);

}  // namespace client
