// ceremony.cpp: the signing ceremony's state machine (ceremony.h).
#include "server/ceremony/ceremony.h"

#include <array>

namespace server::ceremony {

namespace {

constexpr std::array<const char*, size_t(CeremonyState::Count)> kStateNames = {
    "draft", "ready", "calling-representatives", "signing", "signed", "paused", "cancelled"};
constexpr std::array<const char*, size_t(CeremonyState::Count)> kStateZh = {
    "起草中", "已定稿", "正在请代表上台", "签署中", "已签署", "已暂停", "已取消"};
constexpr std::array<const char*, size_t(CeremonyState::Count)> kStateEn = {
    "being drafted", "final and ready", "calling the representatives", "open for signing", "signed",
    "paused", "cancelled"};
constexpr std::array<const char*, size_t(Reason::Count)> kReasonNames = {
    "none", "not-organizer", "not-representative", "wrong-state", "paused", "finished",
    "invalid-agreement", "key-unknown", "signature-invalid", "already-signed", "already-there"};

// What the actor tried, in both languages, for refusals.
struct Act {
    const char* zh;
    const char* en;
};
constexpr Act kEdit{"修改协议草稿", "edit the draft"};
constexpr Act kFinalize{"定稿", "finalize the agreement"};
constexpr Act kStart{"开始签约仪式", "start the ceremony"};
constexpr Act kArrive{"到签约台就座", "take a seat at the signing table"};
constexpr Act kOpen{"开放签署", "open signing"};
constexpr Act kSign{"签署", "sign"};
constexpr Act kPause{"暂停仪式", "pause the ceremony"};
constexpr Act kResume{"继续仪式", "resume the ceremony"};
constexpr Act kCancel{"取消仪式", "cancel the ceremony"};

Outcome with(Outcome::Status status, Reason reason, std::string zh, std::string en) {
    Outcome o;
    o.status = status;
    o.reason = reason;
    o.zh = std::move(zh);
    o.en = std::move(en);
    return o;
}

Outcome refused(Reason reason, std::string zh, std::string en) {
    return with(Outcome::Status::Refused, reason, std::move(zh), std::move(en));
}

Outcome unchanged(Reason reason, std::string zh, std::string en) {
    return with(Outcome::Status::Unchanged, reason, std::move(zh), std::move(en));
}

Outcome notNow(CeremonyState s, const Act& act) {
    if (s == CeremonyState::Signed || s == CeremonyState::Cancelled)
        return refused(Reason::Finished, std::string("签约仪式") + kStateZh[size_t(s)] + "，不能再" + act.zh,
                       std::string("the ceremony is ") + kStateEn[size_t(s)] + "; it is over, so you cannot " + act.en);
    if (s == CeremonyState::Paused)
        return refused(Reason::Paused, std::string("签约仪式已暂停，请等组织者继续后再") + act.zh,
                       std::string("the ceremony is paused; ") + act.en + " once the organizer resumes it");
    return refused(Reason::WrongState, std::string("签约仪式当前") + kStateZh[size_t(s)] + "，此时不能" + act.zh,
                   std::string("the ceremony is ") + kStateEn[size_t(s)] + "; you cannot " + act.en + " now");
}

Outcome notRepresentative(const Act& act) {
    return refused(Reason::NotRepresentative, std::string("只有协议中指定的签约代表才能") + act.zh,
                   std::string("only the representatives named in the agreement can ") + act.en);
}

Outcome notOrganizer(const Act& act) {
    return refused(Reason::NotOrganizer, std::string("只有组织者才能") + act.zh,
                   std::string("only the organizer can ") + act.en);
}

}  // namespace

const char* ceremonyStateName(CeremonyState s) { return size_t(s) < kStateNames.size() ? kStateNames[size_t(s)] : "?"; }
const char* ceremonyStateText(CeremonyState s, bool chinese) {
    if (size_t(s) >= kStateNames.size()) return "?";
    return chinese ? kStateZh[size_t(s)] : kStateEn[size_t(s)];
}
const char* reasonName(Reason r) { return size_t(r) < kReasonNames.size() ? kReasonNames[size_t(r)] : "?"; }

Ceremony::Ceremony(uint32_t id, Agreement draft) : m_id(id), m_agreement(std::move(draft)) {
    m_seats.resize(m_agreement.parties.size());
}

std::optional<Ceremony> Ceremony::fromRecord(const CeremonyRecord& r, std::string& error) {
    const std::string where = "ceremony " + std::to_string(r.id) + ": ";
    if (size_t(r.state) >= size_t(CeremonyState::Count) || size_t(r.pausedFrom) >= size_t(CeremonyState::Count) ||
        (r.state == CeremonyState::Paused && r.pausedFrom != CeremonyState::Ready &&
         r.pausedFrom != CeremonyState::CallingRepresentatives && r.pausedFrom != CeremonyState::Signing)) {
        error = where + "unknown state";
        return std::nullopt;
    }
    Ceremony c(r.id, r.agreement);
    c.m_state = r.state;
    c.m_pausedFrom = r.pausedFrom;
    c.m_signedAtMs = r.signedAtMs;
    const bool frozen = r.state != CeremonyState::Draft &&
                        !(r.state == CeremonyState::Cancelled && r.contentHash == ContentHash{});
    if (frozen) {
        if (!validateAgreement(r.agreement).empty() || ceremony::contentHash(r.agreement) != r.contentHash) {
            error = where + "the agreement does not match its content hash";
            return std::nullopt;
        }
        c.m_hash = r.contentHash;
    }
    for (const AgreementSignature& s : r.signatures) {
        const int party = c.partyOf(s.account);
        if (!frozen || party < 0 || c.m_seats[size_t(party)].signature || !verifySignature(c.m_hash, s.signature, s.publicKey)) {
            error = where + "a signature by account " + std::to_string(s.account) + " does not belong or does not verify";
            return std::nullopt;
        }
        c.m_seats[size_t(party)].signature = s;
    }
    const CeremonyState at = r.state == CeremonyState::Paused ? r.pausedFrom : r.state;
    for (Seat& seat : c.m_seats)
        seat.called = at == CeremonyState::CallingRepresentatives || at == CeremonyState::Signing || at == CeremonyState::Signed;
    if ((r.state == CeremonyState::Signed) != (c.signedCount() == c.m_seats.size() && !c.m_seats.empty())) {
        error = where + "the state does not agree with the signatures";
        return std::nullopt;
    }
    return c;
}

CeremonyRecord Ceremony::record() const {
    CeremonyRecord r{m_id, m_state, m_pausedFrom, m_agreement, m_hash, {}, m_signedAtMs};
    for (const Seat& s : m_seats)
        if (s.signature) r.signatures.push_back(*s.signature);
    return r;
}

uint32_t Ceremony::signedCount() const {
    uint32_t n = 0;
    for (const Seat& s : m_seats) n += s.signature.has_value();
    return n;
}

int Ceremony::partyOf(uint32_t account) const {
    if (account == 0) return -1;
    for (size_t i = 0; i < m_agreement.parties.size(); ++i)
        if (m_agreement.parties[i].representative.account == account) return int(i);
    return -1;
}

bool Ceremony::allPresent() const {
    for (const Seat& s : m_seats)
        if (!s.present && !s.signature) return false;
    return true;
}

void Ceremony::openSigningInto(Outcome& out, int64_t nowMs) {
    m_state = CeremonyState::Signing;
    out.events.push_back(SigningOpened{nowMs});
}

Outcome Ceremony::edit(const Actor& actor, Agreement draft) {
    if (actor.role != net::Role::Organizer) return notOrganizer(kEdit);
    if (m_state != CeremonyState::Draft) return notNow(m_state, kEdit);
    m_agreement = std::move(draft);
    m_seats.assign(m_agreement.parties.size(), Seat{});
    return {};
}

Outcome Ceremony::finalize(const Actor& actor, int64_t nowMs) {
    if (actor.role != net::Role::Organizer) return notOrganizer(kFinalize);
    if (m_state != CeremonyState::Draft) return notNow(m_state, kFinalize);
    std::vector<AgreementProblem> problems = validateAgreement(m_agreement);
    if (!problems.empty()) {
        Outcome o = refused(Reason::InvalidAgreement, "协议草稿还不能签署：" + problems[0].zh,
                            "the draft cannot be signed yet: " + problems[0].en);
        o.problems = std::move(problems);
        return o;
    }
    m_hash = ceremony::contentHash(m_agreement);
    m_state = CeremonyState::Ready;
    Outcome o;
    o.events.push_back(AgreementFinalized{m_hash, nowMs});
    return o;
}

Outcome Ceremony::start(const Actor& actor, int64_t nowMs) {
    if (actor.role != net::Role::Organizer) return notOrganizer(kStart);
    if (m_state != CeremonyState::Ready) return notNow(m_state, kStart);
    m_state = CeremonyState::CallingRepresentatives;
    Outcome o;
    o.events.push_back(CeremonyStarted{m_hash, nowMs});
    for (size_t i = 0; i < m_seats.size(); ++i) {
        m_seats[i].called = true;
        const Party& p = m_agreement.parties[i];
        o.events.push_back(RepresentativeCalled{int(i), p.representative.account, p.representative.name, p.organization});
    }
    return o;
}

Outcome Ceremony::arrive(const Actor& actor, int64_t nowMs) {
    const int party = partyOf(actor.account);
    if (party < 0) return notRepresentative(kArrive);
    const bool seated = m_state == CeremonyState::CallingRepresentatives || m_state == CeremonyState::Signing ||
                        (m_state == CeremonyState::Paused && m_pausedFrom != CeremonyState::Ready);
    if (!seated) return notNow(m_state, kArrive);
    Seat& seat = m_seats[size_t(party)];
    if (seat.present) return unchanged(Reason::AlreadyThere, "你已在签约台就座", "you are already at the signing table");
    seat.present = true;
    Outcome o;
    o.events.push_back(RepresentativeArrived{party, actor.account});
    if (m_state == CeremonyState::CallingRepresentatives && allPresent()) openSigningInto(o, nowMs);
    return o;
}

Outcome Ceremony::away(uint32_t account, int64_t) {
    const int party = partyOf(account);
    if (party < 0 || finished() || !m_seats[size_t(party)].present)
        return unchanged(Reason::AlreadyThere, "无需更新", "nothing to update");
    m_seats[size_t(party)].present = false;
    Outcome o;
    o.events.push_back(RepresentativeAway{party, account});
    return o;
}

Outcome Ceremony::openSigning(const Actor& actor, int64_t nowMs) {
    if (actor.role != net::Role::Organizer) return notOrganizer(kOpen);
    if (m_state == CeremonyState::Signing)
        return unchanged(Reason::AlreadyThere, "签署已经开放", "signing is already open");
    if (m_state != CeremonyState::CallingRepresentatives) return notNow(m_state, kOpen);
    Outcome o;
    openSigningInto(o, nowMs);
    return o;
}

Outcome Ceremony::sign(const Actor& actor, const Signature& signature, const std::optional<PublicKey>& registeredKey,
                       int64_t nowMs) {
    const int party = partyOf(actor.account);
    if (party < 0) return notRepresentative(kSign);
    Seat& seat = m_seats[size_t(party)];
    if (seat.signature)
        return unchanged(Reason::AlreadySigned, "你已经签署过这份协议，签名保持不变",
                         "you have already signed this agreement; your signature stands as it was");
    if (m_state != CeremonyState::Signing) return notNow(m_state, kSign);
    if (!registeredKey)
        return refused(Reason::KeyUnknown, "服务器上没有登记你的签名公钥，请重新登录以登记密钥后再签署",
                       "no signing key is registered for your account; sign in again to register your key, then sign");
    if (!verifySignature(m_hash, signature, *registeredKey))
        return refused(Reason::SignatureInvalid,
                       "签名无效：签名与协议内容或你登记的公钥不符，请核对协议文本后重新签署",
                       "the signature is invalid: it does not match the agreement or your registered key; "
                       "check the text and sign again");
    seat.signature = AgreementSignature{actor.account, *registeredKey, signature, nowMs};
    Outcome o;
    const uint32_t count = signedCount();
    o.events.push_back(SignatureAccepted{party, actor.account, *registeredKey, nowMs, count, uint32_t(m_seats.size())});
    if (count == m_seats.size()) {
        m_state = CeremonyState::Signed;
        m_signedAtMs = nowMs;
        CeremonySigned done{m_hash, nowMs, {}};
        for (const Party& p : m_agreement.parties) done.parties.push_back(p.organization);
        o.events.push_back(std::move(done));
    }
    return o;
}

Outcome Ceremony::pause(const Actor& actor, int64_t nowMs) {
    if (actor.role != net::Role::Organizer) return notOrganizer(kPause);
    if (m_state == CeremonyState::Paused)
        return unchanged(Reason::AlreadyThere, "签约仪式已经暂停", "the ceremony is already paused");
    if (m_state != CeremonyState::Ready && m_state != CeremonyState::CallingRepresentatives &&
        m_state != CeremonyState::Signing)
        return notNow(m_state, kPause);
    m_pausedFrom = m_state;
    m_state = CeremonyState::Paused;
    Outcome o;
    o.events.push_back(CeremonyPaused{m_pausedFrom, nowMs});
    return o;
}

Outcome Ceremony::resume(const Actor& actor, int64_t nowMs) {
    if (actor.role != net::Role::Organizer) return notOrganizer(kResume);
    if (m_state != CeremonyState::Paused) {
        if (finished()) return notNow(m_state, kResume);
        return unchanged(Reason::AlreadyThere, "签约仪式没有暂停", "the ceremony is not paused");
    }
    m_state = m_pausedFrom;
    Outcome o;
    o.events.push_back(CeremonyResumed{m_state, nowMs});
    if (m_state == CeremonyState::CallingRepresentatives && allPresent()) openSigningInto(o, nowMs);
    return o;
}

Outcome Ceremony::cancel(const Actor& actor, int64_t nowMs) {
    if (actor.role != net::Role::Organizer) return notOrganizer(kCancel);
    if (finished()) return notNow(m_state, kCancel);
    m_state = CeremonyState::Cancelled;
    Outcome o;
    o.events.push_back(CeremonyCancelled{nowMs});
    return o;
}

SignedAgreement Ceremony::signedAgreement() const {
    SignedAgreement doc;
    doc.agreement = m_agreement;
    doc.contentHash = m_state == CeremonyState::Draft ? ceremony::contentHash(m_agreement) : m_hash;
    for (const Seat& s : m_seats) {
        if (!s.signature) continue;
        doc.signatures.push_back(*s.signature);
        doc.keys[s.signature->account] = s.signature->publicKey;
    }
    doc.signedMs = m_signedAtMs;
    return doc;
}

}  // namespace server::ceremony
