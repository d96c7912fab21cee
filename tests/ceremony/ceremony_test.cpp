// ceremony_test.cpp: the signing ceremony's state machine: every action by every role in every
// state, signing after a reconnect, a second signature changing nothing, refused signatures.
#include <gtest/gtest.h>

#include <functional>
#include <map>

#include "server/ceremony/ceremony.h"
#include "tests/ceremony/fixture.h"

namespace {

namespace cer = server::ceremony;
using St = cer::CeremonyState;
using Status = cer::Outcome::Status;
using cer::Reason;

const cer::Actor kOrganizer{fixture::kOrganizer, net::Role::Organizer};
const cer::Actor kEnterprise{fixture::kEnterpriseRep, net::Role::Exhibitor};
const cer::Actor kUniversity{fixture::kUniversityRep, net::Role::University};
const cer::Actor kWitness{fixture::kWitnessRep, net::Role::Attendee};  // role does not matter: the account does
const cer::Actor kAttendee{fixture::kAttendee, net::Role::Attendee};
const cer::Actor kOtherExhibitor{505, net::Role::Exhibitor};
const cer::Actor kRepresentatives[] = {kEnterprise, kUniversity, kWitness};

int64_t g_now = fixture::kCreatedMs;
int64_t now() { return g_now += 1000; }

std::optional<cer::PublicKey> keyOf(uint32_t account) { return fixture::keyFor(account).publicKey; }

cer::Outcome signAs(cer::Ceremony& c, const cer::Actor& a) {
    return c.sign(a, cer::signHash(c.contentHash(), fixture::keyFor(a.account).secretKey), keyOf(a.account), now());
}

template <typename E>
size_t count(const cer::Outcome& o) {
    size_t n = 0;
    for (const auto& e : o.events) n += std::holds_alternative<E>(e);
    return n;
}

void expectRefused(const cer::Outcome& o, Reason r) {
    EXPECT_EQ(o.status, Status::Refused) << cer::reasonName(o.reason);
    EXPECT_EQ(o.reason, r) << "got " << cer::reasonName(o.reason) << ": " << o.en;
    EXPECT_FALSE(o.zh.empty());
    EXPECT_FALSE(o.en.empty());
    EXPECT_TRUE(o.events.empty());
}

// A ceremony brought to `s` the way the hall would: Signing is opened by the organizer with
// nobody at the table yet; Paused is paused from Signing.
cer::Ceremony at(St s) {
    cer::Ceremony c(1, fixture::agreement());
    if (s == St::Draft) return c;
    if (s == St::Cancelled) {
        c.cancel(kOrganizer, now());
        return c;
    }
    EXPECT_TRUE(c.finalize(kOrganizer, now()).applied());
    if (s == St::Ready) return c;
    EXPECT_TRUE(c.start(kOrganizer, now()).applied());
    if (s == St::CallingRepresentatives) return c;
    EXPECT_TRUE(c.openSigning(kOrganizer, now()).applied());
    if (s == St::Paused) {
        EXPECT_TRUE(c.pause(kOrganizer, now()).applied());
    }
    if (s == St::Signed) {
        for (const auto& r : kRepresentatives) EXPECT_TRUE(signAs(c, r).applied());
    }
    EXPECT_EQ(c.state(), s);
    return c;
}

constexpr St kAllStates[] = {St::Draft, St::Ready, St::CallingRepresentatives, St::Signing,
                             St::Signed, St::Paused, St::Cancelled};

using Action = std::function<cer::Outcome(cer::Ceremony&, const cer::Actor&)>;
const std::map<std::string, Action>& organizerActions() {
    static const std::map<std::string, Action> actions = {
        {"edit", [](cer::Ceremony& c, const cer::Actor& a) { return c.edit(a, fixture::agreement()); }},
        {"finalize", [](cer::Ceremony& c, const cer::Actor& a) { return c.finalize(a, now()); }},
        {"start", [](cer::Ceremony& c, const cer::Actor& a) { return c.start(a, now()); }},
        {"openSigning", [](cer::Ceremony& c, const cer::Actor& a) { return c.openSigning(a, now()); }},
        {"pause", [](cer::Ceremony& c, const cer::Actor& a) { return c.pause(a, now()); }},
        {"resume", [](cer::Ceremony& c, const cer::Actor& a) { return c.resume(a, now()); }},
        {"cancel", [](cer::Ceremony& c, const cer::Actor& a) { return c.cancel(a, now()); }},
    };
    return actions;
}

// --- the whole ceremony ----------------------------------------------------------------------

TEST(Ceremony, AFullCeremonyFromDraftToSigned) {
    cer::Ceremony c(9, fixture::agreement());
    EXPECT_EQ(c.state(), St::Draft);

    cer::Outcome o = c.finalize(kOrganizer, now());
    ASSERT_TRUE(o.applied()) << o.en;
    EXPECT_EQ(c.state(), St::Ready);
    EXPECT_EQ(c.contentHash(), cer::contentHash(fixture::agreement()));

    o = c.start(kOrganizer, now());
    ASSERT_TRUE(o.applied());
    EXPECT_EQ(c.state(), St::CallingRepresentatives);
    ASSERT_EQ(o.events.size(), 4u);
    EXPECT_TRUE(std::holds_alternative<cer::CeremonyStarted>(o.events[0]));
    const auto& called = std::get<cer::RepresentativeCalled>(o.events[2]);
    EXPECT_EQ(called.account, fixture::kUniversityRep);
    EXPECT_EQ(called.name, "李晓梅");
    EXPECT_EQ(called.organization.zh, "寧夏大學機械工程學院");

    EXPECT_EQ(count<cer::RepresentativeArrived>(c.arrive(kEnterprise, now())), 1u);
    EXPECT_EQ(count<cer::SigningOpened>(c.arrive(kWitness, now())), 0u);
    EXPECT_EQ(c.state(), St::CallingRepresentatives);
    o = c.arrive(kUniversity, now());  // the last one at the table opens signing
    EXPECT_EQ(count<cer::SigningOpened>(o), 1u);
    EXPECT_EQ(c.state(), St::Signing);

    o = signAs(c, kUniversity);
    ASSERT_TRUE(o.applied()) << o.en;
    const auto& accepted = std::get<cer::SignatureAccepted>(o.events[0]);
    EXPECT_EQ(accepted.party, 1);
    EXPECT_EQ(accepted.signedCount, 1u);
    EXPECT_EQ(accepted.totalCount, 3u);
    EXPECT_TRUE(signAs(c, kWitness).applied());
    EXPECT_EQ(c.state(), St::Signing);
    const int64_t lastAt = g_now + 1000;
    o = signAs(c, kEnterprise);
    ASSERT_EQ(o.events.size(), 2u);
    const auto& done = std::get<cer::CeremonySigned>(o.events[1]);
    EXPECT_EQ(done.atMs, lastAt);
    EXPECT_EQ(done.hash, c.contentHash());
    ASSERT_EQ(done.parties.size(), 3u);
    EXPECT_EQ(done.parties[0].zh, "宁夏力成电气集团有限公司");
    EXPECT_EQ(c.state(), St::Signed);
    EXPECT_EQ(c.signedAtMs(), lastAt);

    // What the ceremony produced verifies offline.
    const cer::SignedAgreement doc = c.signedAgreement();
    EXPECT_EQ(doc.signedMs, lastAt);
    EXPECT_TRUE(cer::verifySigned(doc).ok());
}

// --- who may do what -------------------------------------------------------------------------

TEST(Ceremony, OnlyTheOrganizerDraftsStartsOpensPausesResumesAndCancels) {
    const cer::Actor others[] = {kEnterprise, kUniversity, kWitness, kAttendee, kOtherExhibitor,
                                 {fixture::kOrganizer, net::Role::Exhibitor}};  // the organizer's account, another role
    for (St s : kAllStates)
        for (const auto& [name, act] : organizerActions())
            for (const cer::Actor& who : others) {
                SCOPED_TRACE(std::string(name) + " in " + cer::ceremonyStateName(s) + " by account " + std::to_string(who.account));
                cer::Ceremony c = at(s);
                expectRefused(act(c, who), Reason::NotOrganizer);
                EXPECT_EQ(c.state(), s);
            }
}

TEST(Ceremony, TheOrganizerActionsInEveryState) {
    // Expected status and reason for each organizer action in each state.
    struct Want { Status status; Reason reason; };
    const Want ok{Status::Applied, Reason::None}, wrong{Status::Refused, Reason::WrongState},
        over{Status::Refused, Reason::Finished}, held{Status::Refused, Reason::Paused},
        same{Status::Unchanged, Reason::AlreadyThere};
    //                                  Draft  Ready  Calling Signing Signed Paused Cancelled
    const std::map<std::string, std::vector<Want>> table = {
        {"edit",        {ok,    wrong, wrong,  wrong,  over,  held,  over}},
        {"finalize",    {ok,    wrong, wrong,  wrong,  over,  held,  over}},
        {"start",       {wrong, ok,    wrong,  wrong,  over,  held,  over}},
        {"openSigning", {wrong, wrong, ok,     same,   over,  held,  over}},
        {"pause",       {wrong, ok,    ok,     ok,     over,  same,  over}},
        {"resume",      {same,  same,  same,   same,   over,  ok,    over}},
        {"cancel",      {ok,    ok,    ok,     ok,     over,  ok,    over}},
    };
    for (const auto& [name, wants] : table)
        for (size_t i = 0; i < std::size(kAllStates); ++i) {
            SCOPED_TRACE(name + " in " + cer::ceremonyStateName(kAllStates[i]));
            cer::Ceremony c = at(kAllStates[i]);
            const cer::Outcome o = organizerActions().at(name)(c, kOrganizer);
            EXPECT_EQ(o.status, wants[i].status) << o.en;
            EXPECT_EQ(o.reason, wants[i].reason) << cer::reasonName(o.reason) << ": " << o.en;
            if (o.status != Status::Applied) {
                EXPECT_EQ(c.state(), kAllStates[i]);
                EXPECT_FALSE(o.zh.empty());
                EXPECT_FALSE(o.en.empty());
            }
        }
}

TEST(Ceremony, OnlyNamedRepresentativesArriveAndSign) {
    for (St s : kAllStates)
        for (const cer::Actor& who : {kOrganizer, kAttendee, kOtherExhibitor}) {
            SCOPED_TRACE(std::string(cer::ceremonyStateName(s)) + " by account " + std::to_string(who.account));
            cer::Ceremony c = at(s);
            expectRefused(c.arrive(who, now()), Reason::NotRepresentative);
            // Even with a perfectly good signature from a registered key of their own.
            expectRefused(signAs(c, who), Reason::NotRepresentative);
            EXPECT_EQ(c.state(), s);
            EXPECT_EQ(c.signedCount(), s == St::Signed ? 3u : 0u);
        }
}

TEST(Ceremony, TheRepresentativeActionsInEveryState) {
    struct Want { Status arrive; Reason arriveReason; Status sign; Reason signReason; };
    const std::map<St, Want> table = {
        {St::Draft, {Status::Refused, Reason::WrongState, Status::Refused, Reason::WrongState}},
        {St::Ready, {Status::Refused, Reason::WrongState, Status::Refused, Reason::WrongState}},
        {St::CallingRepresentatives, {Status::Applied, Reason::None, Status::Refused, Reason::WrongState}},
        {St::Signing, {Status::Applied, Reason::None, Status::Applied, Reason::None}},
        {St::Signed, {Status::Refused, Reason::Finished, Status::Unchanged, Reason::AlreadySigned}},
        {St::Paused, {Status::Applied, Reason::None, Status::Refused, Reason::Paused}},
        {St::Cancelled, {Status::Refused, Reason::Finished, Status::Refused, Reason::Finished}},
    };
    for (const auto& [s, want] : table)
        for (const cer::Actor& rep : kRepresentatives) {
            SCOPED_TRACE(std::string(cer::ceremonyStateName(s)) + " by account " + std::to_string(rep.account));
            cer::Ceremony c = at(s);
            const cer::Outcome arrived = c.arrive(rep, now());
            EXPECT_EQ(arrived.status, want.arrive) << arrived.en;
            EXPECT_EQ(arrived.reason, want.arriveReason) << arrived.en;
            const cer::Outcome signedNow = signAs(c, rep);
            EXPECT_EQ(signedNow.status, want.sign) << signedNow.en;
            EXPECT_EQ(signedNow.reason, want.signReason) << signedNow.en;
            EXPECT_EQ(c.state(), s);  // one signature of three never finishes it
        }
}

// --- reconnects, repeats, refusals -----------------------------------------------------------

TEST(Ceremony, ARepresentativeWhoDisconnectedSignsAfterReconnecting) {
    cer::Ceremony c = at(St::CallingRepresentatives);
    for (const auto& r : kRepresentatives) c.arrive(r, now());
    ASSERT_EQ(c.state(), St::Signing);
    ASSERT_TRUE(signAs(c, kEnterprise).applied());

    cer::Outcome o = c.away(fixture::kUniversityRep, now());  // the connection dropped
    ASSERT_EQ(count<cer::RepresentativeAway>(o), 1u);
    EXPECT_FALSE(c.seats()[1].present);
    EXPECT_EQ(c.state(), St::Signing);  // the ceremony waits for them
    EXPECT_EQ(c.away(fixture::kUniversityRep, now()).status, Status::Unchanged);

    // Back in the hall with a new session: same account, same key.
    EXPECT_TRUE(c.arrive(kUniversity, now()).applied());
    EXPECT_TRUE(signAs(c, kUniversity).applied());
    // The witness never came back to the table after dropping, and signs from where they are.
    c.away(fixture::kWitnessRep, now());
    o = signAs(c, kWitness);
    ASSERT_TRUE(o.applied()) << o.en;
    EXPECT_EQ(c.state(), St::Signed);
    EXPECT_TRUE(cer::verifySigned(c.signedAgreement()).ok());
}

TEST(Ceremony, SigningOpensOnlyWhenEveryoneIsBackAtTheTable) {
    cer::Ceremony c = at(St::CallingRepresentatives);
    c.arrive(kEnterprise, now());
    c.arrive(kUniversity, now());
    c.away(fixture::kUniversityRep, now());
    EXPECT_EQ(count<cer::SigningOpened>(c.arrive(kWitness, now())), 0u);
    EXPECT_EQ(c.state(), St::CallingRepresentatives);
    EXPECT_EQ(count<cer::SigningOpened>(c.arrive(kUniversity, now())), 1u);
    EXPECT_EQ(c.state(), St::Signing);
}

TEST(Ceremony, EveryoneArrivingDuringAPauseOpensSigningOnResume) {
    cer::Ceremony c = at(St::CallingRepresentatives);
    ASSERT_TRUE(c.pause(kOrganizer, now()).applied());
    for (const auto& r : kRepresentatives) EXPECT_TRUE(c.arrive(r, now()).applied());
    EXPECT_EQ(c.state(), St::Paused);
    const cer::Outcome o = c.resume(kOrganizer, now());
    ASSERT_EQ(o.events.size(), 2u);
    EXPECT_EQ(std::get<cer::CeremonyResumed>(o.events[0]).to, St::CallingRepresentatives);
    EXPECT_TRUE(std::holds_alternative<cer::SigningOpened>(o.events[1]));
    EXPECT_EQ(c.state(), St::Signing);
}

TEST(Ceremony, ASecondSignatureBySamePersonChangesNothing) {
    cer::Ceremony c = at(St::Signing);
    ASSERT_TRUE(signAs(c, kUniversity).applied());
    const cer::AgreementSignature first = *c.seats()[1].signature;
    for (int again = 0; again < 3; ++again) {
        const cer::Outcome o = signAs(c, kUniversity);
        EXPECT_EQ(o.status, Status::Unchanged);
        EXPECT_EQ(o.reason, Reason::AlreadySigned);
        EXPECT_TRUE(o.events.empty());
        EXPECT_NE(o.en.find("already signed"), std::string::npos);
        EXPECT_NE(o.zh.find("已经签署"), std::string::npos);
    }
    // Not even with a garbage signature, or without a key: nothing is re-checked or replaced.
    EXPECT_EQ(c.sign(kUniversity, cer::Signature{}, std::nullopt, now()).reason, Reason::AlreadySigned);
    EXPECT_EQ(c.signedCount(), 1u);
    EXPECT_EQ(c.seats()[1].signature->signedMs, first.signedMs);
    EXPECT_EQ(c.seats()[1].signature->signature, first.signature);
}

TEST(Ceremony, BadSignaturesAndUnknownKeysAreRefusedAndTheRepresentativeCanTryAgain) {
    cer::Ceremony c = at(St::Signing);
    const cer::SigningKeyPair own = fixture::keyFor(fixture::kEnterpriseRep);
    cer::Signature sig = cer::signHash(c.contentHash(), own.secretKey);

    expectRefused(c.sign(kEnterprise, sig, std::nullopt, now()), Reason::KeyUnknown);
    cer::Signature flipped = sig;
    flipped[0] ^= 0x80;
    expectRefused(c.sign(kEnterprise, flipped, own.publicKey, now()), Reason::SignatureInvalid);
    // Signed with someone else's key: does not verify under the key registered for this account.
    const cer::Signature borrowed = cer::signHash(c.contentHash(), fixture::keyFor(fixture::kWitnessRep).secretKey);
    expectRefused(c.sign(kEnterprise, borrowed, own.publicKey, now()), Reason::SignatureInvalid);
    // A signature over other text (the draft as it was before an edit) does not verify either.
    cer::Agreement other = fixture::agreement();
    other.text.zh += "（草稿）";
    expectRefused(c.sign(kEnterprise, cer::signHash(cer::contentHash(other), own.secretKey), own.publicKey, now()),
                  Reason::SignatureInvalid);
    EXPECT_EQ(c.signedCount(), 0u);

    EXPECT_TRUE(c.sign(kEnterprise, sig, own.publicKey, now()).applied());
    EXPECT_EQ(c.signedCount(), 1u);
}

TEST(Ceremony, AnInvalidDraftCannotBeFinalizedAndSaysWhy) {
    cer::Agreement draft = fixture::agreement();
    draft.parties.resize(1);
    draft.text = {};
    cer::Ceremony c(2, draft);
    cer::Outcome o = c.finalize(kOrganizer, now());
    expectRefused(o, Reason::InvalidAgreement);
    EXPECT_EQ(o.problems.size(), 2u);
    EXPECT_EQ(c.state(), St::Draft);
    // Fixed, it goes through.
    ASSERT_EQ(c.edit(kOrganizer, fixture::agreement()).status, Status::Applied);
    EXPECT_TRUE(c.finalize(kOrganizer, now()).applied());
}

TEST(Ceremony, ARestoredCeremonyCarriesOnWhereItWas) {
    cer::Ceremony c = at(St::Signing);
    ASSERT_TRUE(signAs(c, kWitness).applied());
    ASSERT_TRUE(c.pause(kOrganizer, now()).applied());
    std::string error;
    std::optional<cer::Ceremony> back = cer::Ceremony::fromRecord(c.record(), error);
    ASSERT_TRUE(back) << error;
    EXPECT_EQ(back->state(), St::Paused);
    EXPECT_EQ(back->signedCount(), 1u);
    EXPECT_EQ(signAs(*back, kWitness).reason, Reason::AlreadySigned);
    ASSERT_TRUE(back->resume(kOrganizer, now()).applied());
    EXPECT_EQ(back->state(), St::Signing);
    EXPECT_TRUE(signAs(*back, kEnterprise).applied());
    EXPECT_TRUE(signAs(*back, kUniversity).applied());
    EXPECT_EQ(back->state(), St::Signed);
    EXPECT_TRUE(cer::verifySigned(back->signedAgreement()).ok());
}

TEST(Ceremony, ATamperedRecordIsNotRestored) {
    cer::Ceremony c = at(St::Signing);
    ASSERT_TRUE(signAs(c, kWitness).applied());
    std::string error;
    cer::CeremonyRecord r = c.record();
    r.agreement.text.en += " And one more thing.";
    EXPECT_FALSE(cer::Ceremony::fromRecord(r, error));
    EXPECT_NE(error.find("content hash"), std::string::npos) << error;
    r = c.record();
    r.signatures[0].signature[3] ^= 0x10;
    EXPECT_FALSE(cer::Ceremony::fromRecord(r, error));
    r = c.record();
    r.state = St::Signed;  // one signature of three
    EXPECT_FALSE(cer::Ceremony::fromRecord(r, error));
    EXPECT_TRUE(cer::Ceremony::fromRecord(c.record(), error)) << error;
    EXPECT_TRUE(cer::Ceremony::fromRecord(at(St::Draft).record(), error)) << error;
    EXPECT_TRUE(cer::Ceremony::fromRecord(at(St::Cancelled).record(), error)) << error;
}

TEST(Ceremony, StateNamesAndTextsInBothLanguages) {
    for (St s : kAllStates) {
        EXPECT_STRNE(cer::ceremonyStateName(s), "?");
        EXPECT_STRNE(cer::ceremonyStateText(s, true), cer::ceremonyStateText(s, false));
    }
    EXPECT_STREQ(cer::ceremonyStateName(St::CallingRepresentatives), "calling-representatives");
}

}  // namespace
