// ceremony.h: the signing ceremony as a state machine: who may do what, and what everyone in
// the hall is told when it happens.
//
//   Draft --finalize--> Ready --start--> CallingRepresentatives --all arrived / openSigning--> Signing
//     |                   |                      |                                              |
//     |                   +------pause/resume----+-------------- Paused ------------------------+
//     +------------------------------- cancel --> Cancelled                 last signature --> Signed
//
// Draft: the organizer edits the agreement. finalize validates it and freezes its content hash
// (Ready). start calls every representative to the signing table (RepresentativeCalled); once
// all have arrived at the table, or the organizer opens it, signing is open (Signing). Each
// representative signs the content hash with their own key; the server passes the key it has
// registered for that account, and the signature is checked on arrival. The last valid
// signature makes the ceremony Signed, with the time.
//
// Rules: only the organizer finalizes, starts, opens, pauses, resumes and cancels; only a named
// representative arrives and signs; signing needs no presence, so a representative who
// disconnected and came back signs as before; a second signature by the same person changes
// nothing and says so (Outcome::Unchanged, Reason::AlreadySigned).
//
// Every action returns an Outcome: Applied (with the events to broadcast), Unchanged, or
// Refused with a reason code and a sentence in Chinese and English. Pure: time is passed in.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "net/protocol/domain.h"
#include "server/ceremony/agreement.h"

namespace server::ceremony {

enum class CeremonyState : uint8_t {
    Draft,                   // the organizer drafts the agreement
    Ready,                   // the agreement is final: its content hash is fixed
    CallingRepresentatives,  // representatives are called to the signing table
    Signing,                 // signatures are accepted
    Signed,                  // every representative has signed (final)
    Paused,                  // held by the organizer; resumes where it was
    Cancelled,               // called off by the organizer (final)
    Count
};
const char* ceremonyStateName(CeremonyState s);             // "draft", "calling-representatives", ...
const char* ceremonyStateText(CeremonyState s, bool chinese);  // "起草中" / "being drafted"

// Who acts: the account (as the store numbers accounts) and the role of their session.
struct Actor {
    uint32_t account = 0;
    net::Role role = net::Role::Attendee;
};

enum class Reason : uint8_t {
    None,               // applied
    NotOrganizer,       // only the organizer may do this
    NotRepresentative,  // only a named representative may do this
    WrongState,         // not at this point of the ceremony
    Paused,             // the ceremony is paused
    Finished,           // the ceremony is signed or cancelled
    InvalidAgreement,   // the draft cannot be signed as it is (see the text)
    KeyUnknown,         // no public key is registered for the signer's account
    SignatureInvalid,   // the signature does not verify over the content hash
    AlreadySigned,      // (Unchanged) this representative has signed already
    AlreadyThere,       // (Unchanged) nothing to change: already arrived, already away
    Count
};
const char* reasonName(Reason r);  // "not-organizer", ...

// --- events the server broadcasts ------------------------------------------------------------
struct AgreementFinalized { ContentHash hash{}; int64_t atMs = 0; };
struct CeremonyStarted { ContentHash hash{}; int64_t atMs = 0; };
struct RepresentativeCalled { int party = 0; uint32_t account = 0; std::string name; net::LocalText organization; };
struct RepresentativeArrived { int party = 0; uint32_t account = 0; };
struct RepresentativeAway { int party = 0; uint32_t account = 0; };
struct SigningOpened { int64_t atMs = 0; };
struct SignatureAccepted {
    int party = 0;
    uint32_t account = 0;
    PublicKey publicKey{};
    int64_t atMs = 0;
    uint32_t signedCount = 0;  // signatures so far, this one included
    uint32_t totalCount = 0;   // signatures needed
};
struct CeremonyPaused { CeremonyState from = CeremonyState::Ready; int64_t atMs = 0; };
struct CeremonyResumed { CeremonyState to = CeremonyState::Ready; int64_t atMs = 0; };
struct CeremonyCancelled { int64_t atMs = 0; };
struct CeremonySigned { ContentHash hash{}; int64_t atMs = 0; std::vector<net::LocalText> parties; };

using CeremonyEvent = std::variant<AgreementFinalized, CeremonyStarted, RepresentativeCalled, RepresentativeArrived,
                                   RepresentativeAway, SigningOpened, SignatureAccepted, CeremonyPaused,
                                   CeremonyResumed, CeremonyCancelled, CeremonySigned>;

struct Outcome {
    enum class Status : uint8_t {
        Applied,    // the ceremony changed; broadcast `events`
        Unchanged,  // allowed, but nothing changed (reason says why); no events
        Refused,    // not allowed; tell the actor `zh` / `en`
    };
    Status status = Status::Applied;
    Reason reason = Reason::None;
    std::string zh, en;                    // for Unchanged and Refused
    std::vector<AgreementProblem> problems;  // for InvalidAgreement: every problem of the draft
    std::vector<CeremonyEvent> events;     // for Applied, in order

    bool applied() const { return status == Status::Applied; }
    bool refused() const { return status == Status::Refused; }
};

// One party's place at the signing table.
struct Seat {
    bool called = false;
    bool present = false;  // at the table now
    std::optional<AgreementSignature> signature;
};

// Everything a ceremony is, for the store: saved after each applied action, restored on start.
struct CeremonyRecord {
    uint32_t id = 0;
    CeremonyState state = CeremonyState::Draft;
    CeremonyState pausedFrom = CeremonyState::Ready;
    Agreement agreement;
    ContentHash contentHash{};   // meaningful from Ready on
    std::vector<AgreementSignature> signatures;  // in party order, those given so far
    int64_t signedAtMs = 0;
};

class Ceremony {
public:
    Ceremony(uint32_t id, Agreement draft);

    // The ceremony a record describes, checked as if it happened again: the hash must be the
    // agreement's, every signature must be a representative's and verify. Presence at the table
    // is not kept (after a restart nobody is seated). nullopt with a message otherwise.
    static std::optional<Ceremony> fromRecord(const CeremonyRecord& r, std::string& error);
    CeremonyRecord record() const;

    uint32_t id() const { return m_id; }
    CeremonyState state() const { return m_state; }
    CeremonyState pausedFrom() const { return m_pausedFrom; }  // meaningful while Paused
    const Agreement& agreement() const { return m_agreement; }
    const ContentHash& contentHash() const { return m_hash; }  // fixed from Ready on
    const std::vector<Seat>& seats() const { return m_seats; }  // one per party
    uint32_t signedCount() const;
    int64_t signedAtMs() const { return m_signedAtMs; }  // 0 until Signed
    // The index of the party `account` represents, or -1.
    int partyOf(uint32_t account) const;

    // Organizer: replace the draft (Draft only).
    Outcome edit(const Actor& actor, Agreement draft);
    // Organizer: validate and freeze the draft (Draft -> Ready).
    Outcome finalize(const Actor& actor, int64_t nowMs);
    // Organizer: call the representatives (Ready -> CallingRepresentatives).
    Outcome start(const Actor& actor, int64_t nowMs);
    // Representative: reached the signing table. The last to arrive opens signing.
    Outcome arrive(const Actor& actor, int64_t nowMs);
    // Server: the representative's session ended (disconnect). Never refused.
    Outcome away(uint32_t account, int64_t nowMs);
    // Organizer: open signing without waiting for everyone at the table.
    Outcome openSigning(const Actor& actor, int64_t nowMs);
    // Representative: sign. `registeredKey` is the public key the server holds for the actor's
    // account (nullopt when none is registered).
    Outcome sign(const Actor& actor, const Signature& signature, const std::optional<PublicKey>& registeredKey, int64_t nowMs);
    // Organizer: hold (Ready, CallingRepresentatives or Signing), resume where it was, or call off.
    Outcome pause(const Actor& actor, int64_t nowMs);
    Outcome resume(const Actor& actor, int64_t nowMs);
    Outcome cancel(const Actor& actor, int64_t nowMs);

    // The agreement with the signatures so far and the keys they were checked against.
    SignedAgreement signedAgreement() const;

private:
    bool finished() const { return m_state == CeremonyState::Signed || m_state == CeremonyState::Cancelled; }
    std::optional<Outcome> refuseUnlessOrganizer(const Actor& actor) const;
    bool allPresent() const;
    void openSigningInto(Outcome& out, int64_t nowMs);

    uint32_t m_id = 0;
    CeremonyState m_state = CeremonyState::Draft;
    CeremonyState m_pausedFrom = CeremonyState::Ready;
    Agreement m_agreement;
    ContentHash m_hash{};
    std::vector<Seat> m_seats;
    int64_t m_signedAtMs = 0;
};

}  // namespace server::ceremony
