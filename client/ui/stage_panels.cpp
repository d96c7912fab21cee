// stage_panels.cpp: agenda strip, banner, organizer console, signing dialog, signed moment.
#include "client/ui/stage_panels.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>

#include <epoxy/gl.h>
#include <imgui.h>
#include <imgui_stdlib.h>

#include <fstream>
#include <iterator>

#include "client/render/image.h"
#include "client/ui/glyphs.h"
#include "client/ui/stage_scene.h"
#include "net/protocol/event_time.h"

namespace client {

namespace {

const ImVec4 kDim{0.62f, 0.64f, 0.68f, 1.0f};
const ImVec4 kGood{0.45f, 0.85f, 0.45f, 1.0f};
const ImVec4 kBad{0.95f, 0.45f, 0.40f, 1.0f};
const ImVec4 kAccent{0.98f, 0.78f, 0.35f, 1.0f};
constexpr int kEventUtcOffsetMinutes = net::kChinaUtcOffsetMinutes;  // the agenda's times are the event's

std::string label(UiText t, Language lang, const char* id) { return std::string(tr(t, lang)) + "###" + id; }

void text(UiFont& font, const std::string& s) {
    font.want(s);
    ImGui::TextUnformatted(s.c_str());
}
void wrapped(UiFont& font, const std::string& s) {
    font.want(s);
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextUnformatted(s.c_str());
    ImGui::PopTextWrapPos();
}
bool input(UiFont& font, const char* lbl, std::string& s) {
    font.want(s);
    return ImGui::InputText(lbl, &s);
}

const char* phaseText(net::CeremonyPhase p, Language lang) {
    static constexpr UiText kTexts[] = {UiText::StageStateDraft, UiText::StageStateReady, UiText::StageStateCalling,
                                        UiText::StageStateSigning, UiText::StageStateSigned, UiText::StageStatePaused,
                                        UiText::StageStateCancelled};
    return tr(kTexts[std::min<size_t>(size_t(p), std::size(kTexts) - 1)], lang);
}

std::string hex(const net::ContentHash& h) {
    std::string out;
    char buf[3];
    for (size_t i = 0; i < h.size(); ++i) {
        std::snprintf(buf, sizeof buf, "%02x", h[i]);
        out += buf;
        if (i % 4 == 3 && i + 1 < h.size()) out += ' ';
    }
    return out;
}

// "2024-06-04 09:30" in the event's time zone, as unix ms; -1 when it does not parse.
int64_t agendaMs(const std::string& s) { return net::parseEventTime(s, kEventUtcOffsetMinutes).value_or(-1); }

// A separator with a heading (ImGui::SeparatorText is newer than Debian's Dear ImGui).
void separatorText(const std::string& s) {
    ImGui::Separator();
    ImGui::TextColored(kAccent, "%s", s.c_str());
}

std::string orgName(const net::LocalText& t, Language lang) {
    const std::string& first = t.in(isChinese(lang));
    return first.empty() ? (t.zh.empty() ? t.en : t.zh) : first;
}

}  // namespace

void StagePanels::clear() {
    if (m_texture) glDeleteTextures(1, &m_texture);
    *this = StagePanels(m_desc);
}

void StagePanels::draw(Connection& conn, Language lang, float topBarHeight, UiFont& font, int64_t nowUnixMs,
                       const GroupPhotoState* photo) {
    if (conn.state() != ConnState::Joined) return;
    ensureKey(conn);
    drawAgenda(conn, lang, topBarHeight, font, nowUnixMs);
    drawBanner(conn, lang, topBarHeight, font);
    drawBigScreen(conn, lang);
    if (m_showConsole && conn.stage().status().role == net::Role::Organizer) drawConsole(conn, lang, font);
    if (m_showSlides && conn.stage().status().role == net::Role::Speaker) drawSpeakerSlides(conn, lang, font);
    drawSigning(conn, lang, font);
    drawMoment(conn, lang, font, nowUnixMs, photo);
}

// The key of this account on this machine, made on first use and registered once per connection.
void StagePanels::ensureKey(Connection& conn) {
    StageState& st = conn.stage();
    if (m_keyTried || st.account() == 0 || m_desc.keyDir.empty()) return;
    m_keyTried = true;
    KeyStore keys(m_desc.keyDir);
    m_haveKey = keys.loadOrCreate(m_desc.keyLabel + "/" + std::to_string(st.account()), m_key, nullptr, m_keyError);
    if (m_haveKey && !st.status().keyRegistered) st.registerKey(m_key.publicKey);
}

float StagePanels::agendaHeight(const Connection& conn) {
    if (conn.world().event().agenda.empty() && !conn.stage().maySlide()) return 0.0f;
    return 6.0f + ImGui::GetFrameHeight() + ImGui::GetStyle().WindowPadding.y * 2.0f;
}

void StagePanels::drawAgenda(Connection& conn, Language lang, float topBarHeight, UiFont& font, int64_t nowUnixMs) {
    const auto& agenda = conn.world().event().agenda;
    const net::AgendaItem* now = nullptr;
    const net::AgendaItem* next = nullptr;
    int64_t nextStart = INT64_MAX;
    for (const net::AgendaItem& a : agenda) {
        const int64_t start = agendaMs(a.start);
        if (start < 0) continue;
        const int64_t end = start + int64_t(a.minutes) * 60'000;
        if (start <= nowUnixMs && nowUnixMs < end) now = &a;
        if (start > nowUnixMs && start < nextStart) {
            nextStart = start;
            next = &a;
        }
    }
    const bool organizer = conn.stage().status().role == net::Role::Organizer;
    const bool speaker = conn.stage().status().role == net::Role::Speaker;
    if (agenda.empty() && !organizer && !speaker) return;
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos({vp->WorkPos.x + vp->WorkSize.x * 0.5f, topBarHeight + 6.0f}, ImGuiCond_Always, {0.5f, 0.0f});
    ImGui::SetNextWindowBgAlpha(0.75f);
    const ImGuiWindowFlags flags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoSavedSettings |
                                   ImGuiWindowFlags_NoFocusOnAppearing | ImGuiWindowFlags_NoNav;
    if (ImGui::Begin("###agenda", nullptr, flags)) {
        auto item = [&](UiText head, const net::AgendaItem& a) {
            ImGui::TextColored(kAccent, "%s", tr(head, lang));
            ImGui::SameLine();
            std::string line = a.start.substr(std::min<size_t>(a.start.size(), 11)) + "  " + a.title.in(isChinese(lang));
            if (!a.speakers.empty()) line += " · " + a.speakers;
            if (!a.place.in(isChinese(lang)).empty()) line += " · " + a.place.in(isChinese(lang));
            text(font, line);
        };
        // The console button first, so a long agenda line never pushes it off the screen.
        if (organizer || speaker) {
            if (organizer && ImGui::SmallButton(label(UiText::StageConsoleButton, lang, "console").c_str())) m_showConsole = !m_showConsole;
            if (speaker && ImGui::SmallButton(label(UiText::StageSlidesButton, lang, "slides").c_str())) m_showSlides = !m_showSlides;
            if (now || next || !agenda.empty()) ImGui::SameLine(0, 24);
        }
        if (now) item(UiText::StageNow, *now);
        if (next) {
            if (now) ImGui::SameLine(0, 24);
            item(UiText::StageNext, *next);
        }
        if (!now && !next && !agenda.empty()) ImGui::TextColored(kDim, "%s", tr(UiText::StageNoAgenda, lang));
    }
    ImGui::End();
}

void StagePanels::drawBanner(Connection& conn, Language lang, float topBarHeight, UiFont& font) {
    const auto& a = conn.stage().announcement();
    const auto& calls = conn.stage().calls();
    std::string line;
    if (a) line = orgName(a->text, lang);
    if (!calls.empty()) {
        static constexpr UiText kCall[] = {UiText::StageCallEyes, UiText::StageCallSummoned, UiText::StageCallSigning};
        const std::string call = tr(kCall[std::min<size_t>(size_t(calls.back().kind), 2)], lang);
        line = line.empty() ? call : call + "  |  " + line;
    }
    if (line.empty()) return;
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos({vp->WorkPos.x + vp->WorkSize.x * 0.5f, topBarHeight + 44.0f}, ImGuiCond_Always, {0.5f, 0.0f});
    ImGui::SetNextWindowBgAlpha(0.85f);
    ImGui::PushStyleColor(ImGuiCol_WindowBg, ImVec4{0.55f, 0.08f, 0.10f, 0.9f});
    if (ImGui::Begin("###banner", nullptr,
                     ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoSavedSettings |
                         ImGuiWindowFlags_NoFocusOnAppearing | ImGuiWindowFlags_NoNav | ImGuiWindowFlags_NoInputs)) {
        text(font, line);
    }
    ImGui::End();
    ImGui::PopStyleColor();
}

void StagePanels::drawStatus(const Connection& conn, Language, UiFont& font) {
    if (const net::StageReply* r = conn.stage().lastReply()) {
        ImGui::Separator();
        ImGui::PushStyleColor(ImGuiCol_Text, r->ok ? kGood : kBad);
        wrapped(font, r->zh + "  " + r->en);
        ImGui::PopStyleColor();
    }
}

void StagePanels::drawConsole(Connection& conn, Language lang, UiFont& font) {
    ImGui::SetNextWindowSize({560, 520}, ImGuiCond_FirstUseEver);
    if (!ImGui::Begin(label(UiText::StageConsoleTitle, lang, "console").c_str(), &m_showConsole)) {
        ImGui::End();
        return;
    }
    if (ImGui::Button(label(UiText::StageEyesOnStage, lang, "eyes").c_str())) conn.stage().eyesOnStage();
    if (ImGui::BeginTabBar("###consoletabs")) {
        if (ImGui::BeginTabItem(label(UiText::StageTabAnnounce, lang, "announce").c_str())) {
            font.want(m_announce.zh);
            font.want(m_announce.en);
            ImGui::InputTextMultiline(label(UiText::StageAnnounceZh, lang, "azh").c_str(), &m_announce.zh, {-160, 60});
            ImGui::InputTextMultiline(label(UiText::StageAnnounceEn, lang, "aen").c_str(), &m_announce.en, {-160, 60});
            if (ImGui::Button(label(UiText::StageAnnounceSend, lang, "asend").c_str())) conn.stage().announce(m_announce);
            ImGui::EndTabItem();
        }
        if (ImGui::BeginTabItem(label(UiText::StageTabPeople, lang, "people").c_str())) {
            drawPeople(conn, lang, font);
            ImGui::EndTabItem();
        }
        if (ImGui::BeginTabItem(label(UiText::StageTabFigures, lang, "figures").c_str())) {
            drawFigures(conn, lang, font);
            ImGui::EndTabItem();
        }
        if (ImGui::BeginTabItem(label(UiText::StageTabAgreement, lang, "draft").c_str())) {
            drawDraft(conn, lang, font);
            ImGui::EndTabItem();
        }
        if (ImGui::BeginTabItem(label(UiText::StageTabCeremony, lang, "ceremony").c_str())) {
            drawCeremonies(conn, lang, font);
            ImGui::EndTabItem();
        }
        if (ImGui::BeginTabItem(label(UiText::StageTabSlides, lang, "slides").c_str())) {
            drawSlidesTab(conn, lang, font);
            ImGui::EndTabItem();
        }
        ImGui::EndTabBar();
    }
    drawStatus(conn, lang, font);
    ImGui::End();
}

void StagePanels::drawPeople(Connection& conn, Language lang, UiFont& font) {
    const auto& f = conn.stage().figures();
    if (!f) {
        ImGui::TextColored(kDim, "%s", tr(UiText::StageNoFigures, lang));
        return;
    }
    if (ImGui::BeginChild("###roster", {0, -90}, true)) {
        for (const net::PersonFigure& p : f->roster) {
            std::string line = p.name + "  " + p.org + "  [" + roleText(p.role, lang) + "]";
            if (p.muted) line += tr(UiText::StageMutedMark, lang);
            font.want(line);
            if (ImGui::Selectable((line + "###p" + std::to_string(p.id.v)).c_str(), m_selected == p.account)) m_selected = p.account;
        }
    }
    ImGui::EndChild();
    if (m_selected == 0) {
        ImGui::TextColored(kDim, "%s", tr(UiText::StageSelectPerson, lang));
        return;
    }
    auto act = [&](UiText t, const char* id, net::ModerationAction a) {
        if (ImGui::Button(label(t, lang, id).c_str())) conn.stage().moderate({.action = a, .account = m_selected, .role = net::Role(m_role)});
        ImGui::SameLine();
    };
    act(UiText::StageMute, "mute", net::ModerationAction::Mute);
    act(UiText::StageUnmute, "unmute", net::ModerationAction::Unmute);
    act(UiText::StageSummon, "summon", net::ModerationAction::Summon);
    act(UiText::StageKick, "kick", net::ModerationAction::Kick);
    act(UiText::StageBan, "ban", net::ModerationAction::Ban);
    act(UiText::StageUnban, "unban", net::ModerationAction::Unban);
    ImGui::NewLine();
    ImGui::SetNextItemWidth(160);
    const char* roles[int(net::Role::Count)];
    for (int r = 0; r < int(net::Role::Count); ++r) roles[r] = roleText(net::Role(r), lang);
    ImGui::Combo("###role", &m_role, roles, int(net::Role::Count));
    ImGui::SameLine();
    act(UiText::StageSetRole, "setrole", net::ModerationAction::SetRole);
    ImGui::NewLine();
}

void StagePanels::drawFigures(Connection& conn, Language lang, UiFont& font) {
    const auto& f = conn.stage().figures();
    if (!f) {
        ImGui::TextColored(kDim, "%s", tr(UiText::StageNoFigures, lang));
        return;
    }
    const auto& ev = conn.world().event();
    char buf[128];
    std::snprintf(buf, sizeof buf, tr(UiText::StagePeopleInHall, lang), int(f->people));
    ImGui::TextUnformatted(buf);
    const float maxCount = float(std::max<int>(1, f->people));
    separatorText(tr(UiText::StagePerZone, lang));
    for (size_t z = 0; z < f->perZone.size() && z < ev.zones.size(); ++z) {
        const std::string name = ev.zones[z].name.in(isChinese(lang));
        font.want(name);
        ImGui::ProgressBar(float(f->perZone[z]) / maxCount, {160, 0}, std::to_string(f->perZone[z]).c_str());
        ImGui::SameLine();
        ImGui::TextUnformatted(name.c_str());
    }
    separatorText(tr(UiText::StagePerBooth, lang));
    if (ImGui::BeginChild("###booths", {0, 0}, false)) {
        for (size_t b = 0; b < f->perBooth.size() && b < ev.booths.size(); ++b) {
            const net::Booth& booth = ev.booths[b];
            const bool locked = std::find(f->lockedBooths.begin(), f->lockedBooths.end(), booth.id.v) != f->lockedBooths.end();
            ImGui::PushID(int(b));
            if (ImGui::SmallButton(tr(locked ? UiText::StageUnlock : UiText::StageLock, lang)))
                conn.stage().moderate({.action = locked ? net::ModerationAction::UnlockBooth : net::ModerationAction::LockBooth,
                                       .booth = booth.id.v});
            ImGui::SameLine();
            ImGui::Text("%3d", int(f->perBooth[b]));
            ImGui::SameLine();
            text(font, orgName(booth.owner.name, lang) + (locked ? std::string("  ") + tr(UiText::StageLocked, lang) : ""));
            ImGui::PopID();
        }
    }
    ImGui::EndChild();
}

void StagePanels::drawDraft(Connection& conn, Language lang, UiFont& font) {
    if (!m_draftStarted) {
        m_draftStarted = true;
        m_draft.parties.resize(2);
        m_draft.parties[1].kind = net::OrgKind::University;
    }
    if (ImGui::Button(label(UiText::StageNewDraft, lang, "new").c_str())) {
        m_draft = net::Agreement{};
        m_draftStarted = false;
    }
    input(font, label(UiText::StageTitleZh, lang, "tzh").c_str(), m_draft.title.zh);
    input(font, label(UiText::StageTitleEn, lang, "ten").c_str(), m_draft.title.en);
    font.want(m_draft.text.zh);
    font.want(m_draft.text.en);
    ImGui::InputTextMultiline(label(UiText::StageTextZh, lang, "xzh").c_str(), &m_draft.text.zh, {-160, 80});
    ImGui::InputTextMultiline(label(UiText::StageTextEn, lang, "xen").c_str(), &m_draft.text.en, {-160, 80});
    const auto& f = conn.stage().figures();
    for (size_t i = 0; i < m_draft.parties.size(); ++i) {
        net::Party& p = m_draft.parties[i];
        ImGui::PushID(int(i));
        separatorText((std::string(tr(p.role == net::PartyRole::Party ? UiText::StageParty : UiText::StageWitness, lang)) + " " +
                              std::to_string(i + 1)).c_str());
        bool witness = p.role == net::PartyRole::Witness;
        if (ImGui::Checkbox(tr(UiText::StageWitness, lang), &witness)) p.role = witness ? net::PartyRole::Witness : net::PartyRole::Party;
        ImGui::SameLine();
        int kind = int(p.kind);
        const char* kinds[] = {net::orgKindName(net::OrgKind(0)), net::orgKindName(net::OrgKind(1)), net::orgKindName(net::OrgKind(2)),
                               net::orgKindName(net::OrgKind(3))};
        ImGui::SetNextItemWidth(140);
        if (ImGui::Combo("###kind", &kind, kinds, std::min(4, int(net::OrgKind::Count)))) p.kind = net::OrgKind(kind);
        input(font, label(UiText::StageOrgZh, lang, "ozh").c_str(), p.organization.zh);
        input(font, label(UiText::StageOrgEn, lang, "oen").c_str(), p.organization.en);
        const std::string current = p.representative.account ? p.representative.name : tr(UiText::StageChooseRep, lang);
        font.want(current);
        if (ImGui::BeginCombo(label(UiText::StageRepresentative, lang, "rep").c_str(), current.c_str())) {
            if (f)
                for (const net::PersonFigure& person : f->roster) {
                    const std::string line = person.name + "  " + person.org;
                    font.want(line);
                    if (ImGui::Selectable(line.c_str(), person.account == p.representative.account)) {
                        p.representative = {person.account, person.name};
                        if (p.organization.zh.empty() && p.organization.en.empty()) p.organization.zh = person.org;
                    }
                }
            ImGui::EndCombo();
        }
        if (m_draft.parties.size() > 2 && ImGui::SmallButton(tr(UiText::StageRemoveParty, lang))) {
            m_draft.parties.erase(m_draft.parties.begin() + long(i));
            ImGui::PopID();
            break;
        }
        ImGui::PopID();
    }
    if (m_draft.parties.size() < net::kMaxParties && ImGui::Button(label(UiText::StageAddParty, lang, "add").c_str()))
        m_draft.parties.emplace_back();
    ImGui::SameLine();
    if (ImGui::Button(label(UiText::StageSaveDraft, lang, "save").c_str())) conn.stage().saveAgreement(m_draft);
}

void StagePanels::drawCeremonies(Connection& conn, Language lang, UiFont& font) {
    StageState& st = conn.stage();
    if (st.ceremonies().empty()) {
        ImGui::TextColored(kDim, "%s", tr(UiText::StageNoCeremony, lang));
        return;
    }
    for (const auto& [id, c] : st.ceremonies()) {
        ImGui::PushID(int(id));
        const std::string title = "#" + std::to_string(id) + "  " + orgName(c.agreement.title, lang);
        font.want(title);
        separatorText(title.c_str());
        int signedCount = 0;
        for (const auto& s : c.seats) signedCount += s.signedIt;
        char buf[96];
        std::snprintf(buf, sizeof buf, tr(UiText::StageSignedCount, lang), signedCount, int(c.seats.size()));
        ImGui::TextColored(kAccent, "%s", phaseText(c.state, lang));
        ImGui::SameLine();
        ImGui::TextUnformatted(buf);
        for (size_t i = 0; i < c.agreement.parties.size() && i < c.seats.size(); ++i) {
            const auto& p = c.agreement.parties[i];
            const auto& s = c.seats[i];
            std::string line = "  " + orgName(p.organization, lang) + " — " + p.representative.name + "  ";
            line += s.signedIt ? tr(UiText::StageSeatSigned, lang)
                               : (s.present ? tr(UiText::StageSeatPresent, lang) : (s.called ? tr(UiText::StageSeatCalled, lang) : ""));
            ImGui::PushStyleColor(ImGuiCol_Text, s.signedIt ? kGood : ImGui::GetStyleColorVec4(ImGuiCol_Text));
            text(font, line);
            ImGui::PopStyleColor();
        }
        auto button = [&](UiText t, const char* bid, net::CeremonyAction a) {
            if (ImGui::Button(label(t, lang, bid).c_str())) st.act(id, a);
            ImGui::SameLine();
        };
        switch (c.state) {
            case net::CeremonyPhase::Draft:
                if (ImGui::Button(label(UiText::StageEdit, lang, "edit").c_str())) {
                    m_draft = c.agreement;
                    m_draftStarted = true;
                }
                ImGui::SameLine();
                button(UiText::StageFinalize, "fin", net::CeremonyAction::Finalize);
                break;
            case net::CeremonyPhase::Ready:
                button(UiText::StageStart, "start", net::CeremonyAction::Start);
                button(UiText::StagePause, "pause", net::CeremonyAction::Pause);
                break;
            case net::CeremonyPhase::CallingRepresentatives:
                button(UiText::StageOpenSigning, "open", net::CeremonyAction::OpenSigning);
                button(UiText::StagePause, "pause", net::CeremonyAction::Pause);
                break;
            case net::CeremonyPhase::Signing: button(UiText::StagePause, "pause", net::CeremonyAction::Pause); break;
            case net::CeremonyPhase::Paused: button(UiText::StageResume, "resume", net::CeremonyAction::Resume); break;
            default: break;
        }
        if (c.state != net::CeremonyPhase::Signed && c.state != net::CeremonyPhase::Cancelled)
            button(UiText::StageCancel, "cancel", net::CeremonyAction::Cancel);
        ImGui::NewLine();
        ImGui::PopID();
    }
}

void StagePanels::drawSlidesTab(Connection& conn, Language lang, UiFont& font) {
    StageState& st = conn.stage();
    input(font, label(UiText::StageSlidePath, lang, "spath").c_str(), m_slidePath);
    ImGui::SameLine();
    if (ImGui::Button(label(UiText::StageSlideUpload, lang, "sup").c_str())) {
        std::ifstream in(m_slidePath, std::ios::binary);
        std::vector<uint8_t> bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
        if (!in.good() && bytes.empty()) ImGui::OpenPopup("###unreadable");
        else st.uploadSlide(bytes);
    }
    if (ImGui::BeginPopup("###unreadable")) {
        ImGui::TextColored(kBad, "%s", tr(UiText::StageSlideUnreadable, lang));
        ImGui::EndPopup();
    }
    const auto& slides = st.slides();
    char buf[128];
    std::snprintf(buf, sizeof buf, tr(UiText::StageSlideCount, lang), int(slides.slides.size()),
                  slides.slides.empty() ? 0 : int(slides.current) + 1);
    ImGui::TextUnformatted(buf);
    ImGui::BeginDisabled(slides.slides.empty() || slides.current == 0);
    if (ImGui::Button(label(UiText::StageSlidePrev, lang, "sprev").c_str())) st.showSlide(uint8_t(slides.current - 1));
    ImGui::EndDisabled();
    ImGui::SameLine();
    ImGui::BeginDisabled(size_t(slides.current) + 1 >= slides.slides.size());
    if (ImGui::Button(label(UiText::StageSlideNext, lang, "snext").c_str())) st.showSlide(uint8_t(slides.current + 1));
    ImGui::EndDisabled();
    ImGui::SameLine(0, 24);
    ImGui::BeginDisabled(slides.slides.empty());
    if (ImGui::Button(label(UiText::StageSlideClear, lang, "sclear").c_str())) st.clearSlides();
    ImGui::EndDisabled();
}

// A speaker's own small window: the console's slides tab and nothing else of it.
void StagePanels::drawSpeakerSlides(Connection& conn, Language lang, UiFont& font) {
    ImGui::SetNextWindowSize({460, 0}, ImGuiCond_FirstUseEver);
    if (!ImGui::Begin(label(UiText::StageSlidesTitle, lang, "speakerslides").c_str(), &m_showSlides)) {
        ImGui::End();
        return;
    }
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextColored(kDim, "%s", tr(UiText::StageSpeakerHint, lang));
    ImGui::PopTextWrapPos();
    drawSlidesTab(conn, lang, font);
    drawStatus(conn, lang, font);
    ImGui::End();
}

// The slide on the stage's big screen, close up, in a window everyone sees while the hall's screen shows it.
void StagePanels::drawBigScreen(Connection& conn, Language lang) {
    const StageState& st = conn.stage();
    // Only while the hall's screen shows a slide (the certificate has the moment window).
    if (st.bigScreen() != StageState::BigScreen::Slide) return;
    const std::vector<uint8_t>* image = st.currentSlideImage();
    if (image && st.currentSlideId() != m_textureSlide) {
        m_textureSlide = st.currentSlideId();
        RgbaImage picture;
        if (decodeImage(*image, picture, nullptr)) {
            const int w = picture.width, h = picture.height;
            if (!m_texture) glGenTextures(1, &m_texture);
            glBindTexture(GL_TEXTURE_2D, m_texture);
            glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
            glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
            glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
            glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
            glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
            glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, w, h, 0, GL_RGBA, GL_UNSIGNED_BYTE, picture.rgba.data());
            m_textureW = w;
            m_textureH = h;
        } else {
            m_textureW = m_textureH = 0;  // not an image after all: nothing to show
        }
    }
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos({vp->WorkPos.x + vp->WorkSize.x - 10, vp->WorkPos.y + vp->WorkSize.y - 10}, ImGuiCond_FirstUseEver, {1, 1});
    ImGui::SetNextWindowSize({400, 260}, ImGuiCond_FirstUseEver);
    if (ImGui::Begin(label(UiText::StageBigScreen, lang, "bigscreen").c_str())) {
        const bool ready = image && m_texture && m_textureW > 0 && m_textureSlide == st.currentSlideId();
        if (!ready) {
            ImGui::TextColored(kDim, "%s", tr(UiText::StageSlideLoading, lang));
        } else {
            const ImVec2 avail = ImGui::GetContentRegionAvail();
            const float scale = std::min(avail.x / float(m_textureW), avail.y / float(m_textureH));
            ImGui::Image(reinterpret_cast<ImTextureID>(static_cast<intptr_t>(m_texture)),
                         {float(m_textureW) * scale, float(m_textureH) * scale});
        }
    }
    ImGui::End();
}

void StagePanels::drawSigning(Connection& conn, Language lang, UiFont& font) {
    StageState& st = conn.stage();
    const net::CeremonyView* c = st.toSign();
    if (!c || c->ceremony == m_dismissedSigning) return;
    const int party = st.myParty(*c);
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos({vp->WorkPos.x + vp->WorkSize.x * 0.5f, vp->WorkPos.y + vp->WorkSize.y * 0.5f}, ImGuiCond_Appearing, {0.5f, 0.5f});
    ImGui::SetNextWindowSize({620, 560}, ImGuiCond_Appearing);
    bool open = true;
    if (!ImGui::Begin(label(UiText::StageSignTitle, lang, "sign").c_str(), &open)) {
        ImGui::End();
        return;
    }
    if (!open) m_dismissedSigning = c->ceremony;
    const net::Agreement& a = c->agreement;
    text(font, a.title.zh);
    if (!a.title.en.empty()) text(font, a.title.en);
    char buf[512];
    std::snprintf(buf, sizeof buf, tr(UiText::StageYouRepresent, lang), orgName(a.parties[size_t(party)].organization, lang).c_str());
    font.want(buf);
    ImGui::TextColored(kAccent, "%s", buf);
    ImGui::Separator();
    if (ImGui::BeginChild("###text", {0, -150}, true)) {
        for (const net::Party& p : a.parties) wrapped(font, orgName(p.organization, lang) + " — " + p.representative.name);
        ImGui::Separator();
        if (!a.text.zh.empty()) wrapped(font, a.text.zh);
        if (!a.text.zh.empty() && !a.text.en.empty()) ImGui::Separator();
        if (!a.text.en.empty()) wrapped(font, a.text.en);
    }
    ImGui::EndChild();
    wrapped(font, tr(UiText::StageSignIntro, lang));
    ImGui::TextColored(kDim, "%s: %s", tr(UiText::StageContentHash, lang), hex(c->hash).c_str());
    const bool matches = StageState::hashMatches(*c);
    if (!matches) {
        ImGui::PushStyleColor(ImGuiCol_Text, kBad);
        wrapped(font, tr(UiText::StageHashMismatch, lang));
        ImGui::PopStyleColor();
    }
    if (m_haveKey) {
        ImGui::TextColored(kDim, "%s: %s", tr(UiText::StageKeyFingerprint, lang), signingKeyFingerprint(m_key).c_str());
    } else {
        ImGui::PushStyleColor(ImGuiCol_Text, kBad);
        wrapped(font, std::string(tr(UiText::StageKeyMissing, lang)) + (m_keyError.empty() ? "" : ": " + m_keyError));
        ImGui::PopStyleColor();
    }
    if (m_haveKey && !st.status().keyRegistered) {
        if (ImGui::Button(label(UiText::StageRegisterKey, lang, "reg").c_str())) st.registerKey(m_key.publicKey);
    } else if (c->state != net::CeremonyPhase::Signing) {
        ImGui::TextColored(kDim, "%s", tr(UiText::StageSigningWait, lang));
    } else {
        ImGui::BeginDisabled(!matches || !m_haveKey);
        if (ImGui::Button(label(UiText::StageSign, lang, "dosign").c_str(), {160, 36})) st.sign(c->ceremony, m_key);
        ImGui::EndDisabled();
    }
    drawStatus(conn, lang, font);
    ImGui::End();
}

// The certificate on screen with the parties' names, and paper confetti falling for a while.
void StagePanels::drawMoment(Connection& conn, Language lang, UiFont& font, int64_t nowUnixMs, const GroupPhotoState* photo) {
    const auto& moment = conn.stage().signedMoment();
    if (!moment) return;
    if (m_momentShown != moment->ceremony) {
        m_momentShown = moment->ceremony;
        m_momentSinceMs = nowUnixMs;
    }
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    const float t = float(std::max<int64_t>(0, nowUnixMs - m_momentSinceMs)) / 1000.0f;
    if (t < 12.0f) {
        ImDrawList* dl = ImGui::GetForegroundDrawList();
        const ImU32 colors[] = {IM_COL32(230, 57, 70, 255), IM_COL32(255, 209, 102, 255), IM_COL32(6, 214, 160, 255),
                                IM_COL32(17, 138, 178, 255), IM_COL32(255, 255, 255, 255)};
        for (int i = 0; i < 140; ++i) {
            const float seed = float(i) * 12.9898f;
            const float x = vp->WorkPos.x + std::fmod(std::abs(std::sin(seed) * 43758.5453f), 1.0f) * vp->WorkSize.x;
            const float speed = 60.0f + float(i % 7) * 25.0f;
            const float y = vp->WorkPos.y - 20.0f + std::fmod(t * speed + float(i * 37 % 400), vp->WorkSize.y + 40.0f);
            const float sway = std::sin(t * 2.0f + float(i)) * 12.0f;
            dl->AddRectFilled({x + sway, y}, {x + sway + 6, y + 10}, colors[i % 5]);
        }
    }
    // In the lower right corner: the middle of the view is the stage, where the big screen shows
    // the certificate and the representatives shake hands.
    ImGui::SetNextWindowPos({vp->WorkPos.x + vp->WorkSize.x - 10, vp->WorkPos.y + vp->WorkSize.y - 10}, ImGuiCond_Always, {1.0f, 1.0f});
    ImGui::PushStyleColor(ImGuiCol_WindowBg, ImVec4{0.98f, 0.96f, 0.90f, 0.97f});
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4{0.15f, 0.10f, 0.08f, 1.0f});
    ImGui::PushStyleColor(ImGuiCol_Border, ImVec4{0.75f, 0.12f, 0.12f, 1.0f});
    ImGui::PushStyleVar(ImGuiStyleVar_WindowBorderSize, 3.0f);
    if (ImGui::Begin("###moment", nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoSavedSettings)) {
        ImGui::SetWindowFontScale(1.6f);
        ImGui::TextColored(ImVec4{0.75f, 0.12f, 0.12f, 1.0f}, "%s", tr(UiText::StageMomentTitle, lang));
        ImGui::SetWindowFontScale(1.2f);
        text(font, orgName(moment->title, lang));
        ImGui::SetWindowFontScale(1.0f);
        ImGui::Separator();
        for (const net::LocalText& p : moment->parties) {
            text(font, "  " + p.zh + (p.en.empty() ? "" : "  " + p.en));
        }
        ImGui::Separator();
        text(font, tr(UiText::StageMomentLine, lang));
        // The full hash wrapped (at its spaces) to the width of the rest, so the window stays
        // narrow beside the stage.
        ImGui::PushStyleColor(ImGuiCol_Text, kDim);
        ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + 440.0f);
        ImGui::TextWrapped("%s: %s", tr(UiText::StageContentHash, lang), hex(moment->hash).c_str());
        ImGui::PopTextWrapPos();
        ImGui::PopStyleColor();
        if (photo && photo->ceremony == moment->ceremony) {
            // The group picture taken from in front of the stage, and where it went.
            ImGui::Separator();
            ImGui::TextColored(ImVec4{0.75f, 0.12f, 0.12f, 1.0f}, "%s", tr(UiText::StagePhotoTitle, lang));
            ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + 440.0f);
            if (photo->noStage) {
                ImGui::TextUnformatted(tr(UiText::StagePhotoNoStage, lang));
            } else if (photo->pending) {
                ImGui::TextUnformatted(tr(UiText::StagePhotoPending, lang));
            } else {
                if (photo->texture && photo->width > 0)
                    ImGui::Image(reinterpret_cast<ImTextureID>(static_cast<intptr_t>(photo->texture)),
                                 {float(photo->width), float(photo->height)});
                char buf[1024];
                if (!photo->path.empty()) {
                    std::snprintf(buf, sizeof buf, tr(UiText::StagePhotoSaved, lang), photo->path.c_str());
                    font.want(buf);
                    ImGui::TextUnformatted(buf);
                } else {
                    std::snprintf(buf, sizeof buf, tr(UiText::StagePhotoFailed, lang), photo->error.c_str());
                    font.want(buf);
                    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4{0.70f, 0.15f, 0.12f, 1.0f});
                    ImGui::TextUnformatted(buf);
                    ImGui::PopStyleColor();
                }
            }
            ImGui::PopTextWrapPos();
        }
        if (ImGui::Button(label(UiText::StageMomentClose, lang, "close").c_str())) conn.stage().dismissMoment();
    }
    ImGui::End();
    ImGui::PopStyleVar();
    ImGui::PopStyleColor(3);
}

}  // namespace client
