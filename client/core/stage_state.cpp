// stage_state.cpp: applying stage messages and queueing stage requests (stage_state.h).
#include "client/core/stage_state.h"

#include <algorithm>

namespace client {

namespace {
constexpr size_t kMaxReplies = 200;
constexpr size_t kMaxCalls = 20;
constexpr size_t kMaxCachedSlides = 8;
}  // namespace

template <typename T> uint32_t StageState::queue(T msg) {
    msg.req = ++m_nextReq;
    net::Bytes b = net::encodeStage(msg);
    if (b.empty()) {
        // Out of range on our side: answer locally so the form shows why.
        m_replies[msg.req] = {msg.req, false, 0, "内容超出限制，请精简后重试。", "Too long or out of range; shorten it and try again."};
        m_lastReply = msg.req;
        ++m_version;
        return msg.req;
    }
    m_outbox.push_back(std::move(b));
    return msg.req;
}

bool StageState::onPacket(net::MsgType type, std::span<const uint8_t> packet) {
    bool ok = false;
    switch (type) {
        case net::MsgType::StageReply: {
            net::StageReply r;
            if ((ok = net::decodeStage(packet, r))) {
                if (m_replies.size() >= kMaxReplies) m_replies.erase(m_replies.begin());
                m_lastReply = r.req;
                m_replies[r.req] = std::move(r);
            }
            break;
        }
        case net::MsgType::StageStatus: {
            net::StageStatus st;
            if ((ok = net::decodeStage(packet, st))) {
                std::sort(st.lockedBooths.begin(), st.lockedBooths.end());  // boothLocked() searches it
                m_status = std::move(st);
            }
            break;
        }
        case net::MsgType::CeremonyView: {
            net::CeremonyView v;
            if ((ok = net::decodeStage(packet, v))) m_ceremonies[v.ceremony] = std::move(v);
            break;
        }
        case net::MsgType::CeremonySigned: {
            net::CeremonySigned s;
            if ((ok = net::decodeStage(packet, s))) {
                m_lastSigned = s;
                m_certificateUp = true;
                m_moment = std::move(s);
            }
            break;
        }
        case net::MsgType::Announcement: {
            net::Announcement a;
            if ((ok = net::decodeStage(packet, a))) m_announcement = std::move(a);
            break;
        }
        case net::MsgType::StageCall: {
            net::StageCall c;
            if ((ok = net::decodeStage(packet, c))) {
                if (m_calls.size() >= kMaxCalls) m_calls.erase(m_calls.begin());
                m_calls.push_back(c);
                ++m_callsReceived;
            }
            break;
        }
        case net::MsgType::LiveFigures: {
            net::LiveFigures f;
            if ((ok = net::decodeStage(packet, f))) m_figures = std::move(f);
            break;
        }
        case net::MsgType::SlideState: {
            net::SlideState st;
            if ((ok = net::decodeStage(packet, st))) {
                const uint32_t shown = currentSlideId();
                m_slides = std::move(st);
                // Slides taken off (cleared) are not kept: their images are the server's no longer.
                std::erase_if(m_slideImages, [&](const auto& kv) {
                    return std::none_of(m_slides.slides.begin(), m_slides.slides.end(), [&](const net::SlideInfo& s) { return s.id == kv.first; });
                });
                if (currentSlideId() != shown) m_certificateUp = false;  // the organizer moved on
                fetchCurrentSlide();
            }
            break;
        }
        case net::MsgType::SlideData: {
            net::SlideData d;
            if (!(ok = net::decodeStage(packet, d))) break;
            std::vector<uint8_t>& part = m_slideParts[d.slide];
            if (d.offset != part.size() || d.offset + d.chunk.size() > d.total) {
                m_slideParts.erase(d.slide);  // out of step: start over when it is wanted again
                break;
            }
            part.insert(part.end(), d.chunk.begin(), d.chunk.end());
            if (part.size() < d.total) {
                m_outbox.push_back(net::encodeStage(net::SlideFetch{d.slide, uint32_t(part.size())}));
                return true;  // nothing to show yet
            }
            if (m_slideImages.size() >= kMaxCachedSlides) m_slideImages.erase(m_slideImages.begin());
            m_slideImages[d.slide] = std::move(part);
            m_slideParts.erase(d.slide);
            break;
        }
        default: return false;  // client-to-server types
    }
    if (ok) ++m_version;
    return ok;
}

void StageState::clear() { *this = StageState(); }

uint32_t StageState::registerKey(const net::SigningKey& publicKey) { return queue(net::KeyRegister{0, publicKey}); }
uint32_t StageState::saveAgreement(const net::Agreement& agreement) { return queue(net::AgreementSave{0, agreement}); }
uint32_t StageState::act(uint32_t ceremony, net::CeremonyAction action) { return queue(net::CeremonyAct{0, ceremony, action}); }
uint32_t StageState::announce(const net::LocalText& text) { return queue(net::Announce{0, text}); }
uint32_t StageState::moderate(net::Moderate m) { return queue(m); }
uint32_t StageState::eyesOnStage() { return queue(net::EyesOnStage{}); }

uint32_t StageState::sign(uint32_t ceremony, const AccountKey& key) {
    auto it = m_ceremonies.find(ceremony);
    if (it == m_ceremonies.end()) return 0;
    // The hash of what this client shows, not the number the server sent: if they differ the
    // server refuses the signature and says so.
    return signHash(ceremony, net::contentHash(it->second.agreement), key);
}

uint32_t StageState::signHash(uint32_t ceremony, const net::ContentHash& hash, const AccountKey& key) {
    net::CeremonySign s;
    s.ceremony = ceremony;
    s.hash = hash;
    s.signature = signDigest(key, s.hash);
    return queue(s);
}

uint32_t StageState::uploadSlide(const std::vector<uint8_t>& image) {
    const uint32_t req = ++m_nextReq;
    if (image.empty() || image.size() > net::kMaxSlideBytes) {
        m_replies[req] = {req, false, 0, "图片过大（最多 4 MB）或为空。", "The image is empty or too big (at most 4 MB)."};
        m_lastReply = req;
        ++m_version;
        return req;
    }
    for (size_t off = 0; off < image.size(); off += net::kSlideChunkBytes) {
        net::SlideUpload u;
        u.req = req;
        u.total = uint32_t(image.size());
        u.offset = uint32_t(off);
        u.chunk.assign(image.begin() + long(off), image.begin() + long(std::min(image.size(), off + net::kSlideChunkBytes)));
        m_outbox.push_back(net::encodeStage(u));
    }
    return req;
}

uint32_t StageState::showSlide(uint8_t index) { return queue(net::SlideShow{0, index}); }
uint32_t StageState::clearSlides() { return queue(net::SlideClear{}); }

bool StageState::boothLocked(uint16_t boothId) const {
    return std::binary_search(m_status.lockedBooths.begin(), m_status.lockedBooths.end(), boothId);
}

std::vector<bool> closedBooths(const net::EventLayout& ev, const StageState& stage) {
    std::vector<bool> out(ev.booths.size(), false);
    for (size_t i = 0; i < ev.booths.size(); ++i) out[i] = stage.boothLocked(ev.booths[i].id.v);
    return out;
}

StageState::BigScreen StageState::bigScreen() const {
    if (m_certificateUp && m_lastSigned) return BigScreen::Certificate;
    return currentSlideId() != 0 ? BigScreen::Slide : BigScreen::EventName;
}

uint32_t StageState::currentSlideId() const {
    return m_slides.current < m_slides.slides.size() ? m_slides.slides[m_slides.current].id : 0;
}

const std::vector<uint8_t>* StageState::currentSlideImage() const {
    auto it = m_slideImages.find(currentSlideId());
    return it == m_slideImages.end() ? nullptr : &it->second;
}

void StageState::fetchCurrentSlide() {
    const uint32_t id = currentSlideId();
    if (id == 0 || m_slideImages.count(id) || m_slideParts.count(id)) return;
    m_slideParts[id];  // arriving from offset 0
    m_outbox.push_back(net::encodeStage(net::SlideFetch{id, 0}));
}

std::vector<net::Bytes> StageState::takeOutbox() {
    std::vector<net::Bytes> out;
    out.swap(m_outbox);
    return out;
}

const net::CeremonyView* StageState::ceremony(uint32_t id) const {
    auto it = m_ceremonies.find(id);
    return it == m_ceremonies.end() ? nullptr : &it->second;
}

int StageState::myParty(const net::CeremonyView& c) const {
    if (m_status.account == 0) return -1;
    for (size_t i = 0; i < c.agreement.parties.size(); ++i)
        if (c.agreement.parties[i].representative.account == m_status.account) return int(i);
    return -1;
}

const net::CeremonyView* StageState::toSign() const {
    for (const auto& [id, c] : m_ceremonies) {
        const bool open = c.state == net::CeremonyPhase::Signing || c.state == net::CeremonyPhase::CallingRepresentatives;
        const int party = myParty(c);
        if (open && party >= 0 && size_t(party) < c.seats.size() && !c.seats[size_t(party)].signedIt) return &c;
    }
    return nullptr;
}

bool StageState::hashMatches(const net::CeremonyView& c) { return net::contentHash(c.agreement) == c.hash; }

const net::StageReply* StageState::reply(uint32_t req) const {
    auto it = m_replies.find(req);
    return it == m_replies.end() ? nullptr : &it->second;
}

}  // namespace client
