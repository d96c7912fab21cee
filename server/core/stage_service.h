// stage_service.h: the stage of one event on the server: signing keys, agreements and signing
// ceremonies, announcements, moderation, live figures and "all eyes on stage".
//
// The EventServer hands it every stage message (stage_msgs.h) of a joined participant, asks it
// whether an account may join (ban), with which role (role change) and whether it may chat
// (mute), and tells it who joined and left. It answers through a StageLink. Time is passed in;
// storage is the EventStore (may be null: nothing survives the process).
//
// Who may do what (docs/protocol.md, "Stage"):
//   KeyRegister                      anyone, for their own account
//   AgreementSave, CeremonyAct       organizer
//   CeremonySign                     the representative a party of that agreement names
//   Announce, Moderate, EyesOnStage  organizer
//   SlideUpload, SlideShow, SlideClear  organizer, speaker
//   SlideFetch                       anyone
// Everyone's StageStatus names the locked booths; it is sent again to everyone when a lock
// changes. Someone the lock turns out of a booth is told why (a Notice in both languages).
// A refusal is a StageReply with ok = false and the reason in Chinese and English. A write is
// acknowledged (StageReply ok, CeremonyView, Announcement) only after the store committed it.
//
// The ceremony (server/ceremony/ceremony.h) runs here: on start every representative in the hall
// is brought to the signing table on stage (and whoever comes in later while they are called);
// the last to arrive opens signing. Each signature is verified as it arrives, against the key
// the signer's account registered; a second one changes nothing. A representative who
// disconnects and comes back signs as before. While a ceremony runs, the people at the signing
// table are in everyone's interest, whatever the distance.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "net/protocol/stage_msgs.h"
#include "server/core/store.h"

namespace server {

// What the service needs of the server around it.
class StageLink {
public:
    virtual ~StageLink() = default;
    virtual void send(net::ParticipantId to, const net::Bytes& packet) = 0;
    // Bulk data (slide chunks) on the asset channel, so it does not hold up chat and the ceremony.
    virtual void sendBulk(net::ParticipantId to, const net::Bytes& packet) = 0;
    virtual void teleport(net::ParticipantId who, net::Vec2 to) = 0;
    virtual std::optional<net::Vec2> position(net::ParticipantId who) const = 0;
    // Disconnect now with this text (English and Chinese) shown to the person.
    virtual void remove(net::ParticipantId who, net::RefuseReason reason, const std::string& text) = 0;
    // The person's role changed: the server updates the session and tells the others.
    virtual void setRole(net::ParticipantId who, net::Role role) = 0;
    // People everyone hears about whatever the distance (replaces the previous set).
    virtual void setAlwaysRelevant(std::span<const net::ParticipantId> ids) = 0;
};

struct StageDesc {
    uint32_t figuresEveryMs = 1000;  // LiveFigures to the organizers this often
};

struct StagePerson {
    net::ParticipantId id;
    uint32_t account = 0;  // 0: the server has no store; the service numbers people itself
    std::string name;
    std::string org;
    net::Role role = net::Role::Attendee;
};

class StageService {
public:
    // `layout`, `store` and `link` must outlive the service. Restores keys, ceremonies,
    // announcements and moderation from the store.
    StageService(const StageDesc& desc, const net::EventLayout& layout, EventStore* store, StageLink& link);
    ~StageService();

    // Before a join: the refusal text when the account is banned (nullopt: welcome).
    std::optional<std::string> refusalFor(uint32_t account) const;
    // The role the account is to have: the organizer's change, else the one asked for.
    net::Role roleFor(uint32_t account, net::Role asked) const;
    // Whether the account may not chat (the text says so, in both languages).
    std::optional<std::string> mutedText(uint32_t account) const;

    void onJoin(const StagePerson& who, int64_t unixMs);
    void onLeave(net::ParticipantId id, int64_t unixMs);
    // A stage message from a joined participant. False: malformed (the caller counts it).
    bool onMessage(net::ParticipantId from, net::MsgType type, std::span<const uint8_t> packet, int64_t unixMs);
    // Live figures for the organizers. Call every tick with the avatars (sorted by id).
    void update(int64_t unixMs, std::span<const net::AvatarState> avatars);

    size_t ceremonyCount() const;
    // The agreement of a ceremony with its signatures and keys, as export writes it (nullopt: none).
    std::optional<ceremony::SignedAgreement> signedAgreement(uint32_t ceremony) const;
    std::optional<ceremony::CeremonyState> ceremonyState(uint32_t ceremony) const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

// Where representative `index` of `count` stands at the signing table, and the audience seat
// `index` in front of the stage (rows across the stage's width, facing it).
net::Vec2 signingSeat(const net::Stage& stage, size_t index, size_t count);
net::Vec2 audienceSeat(const net::Stage& stage, net::Vec2 hallSize, size_t index);

}  // namespace server
