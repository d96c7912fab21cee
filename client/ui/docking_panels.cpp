// docking_panels.cpp: the docking window: board, For you, post form, schedule, contacts, leads.
#include "client/ui/docking_panels.h"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <fstream>

#include <imgui.h>
#include <imgui_stdlib.h>

#include "client/ui/glyphs.h"

namespace client {

namespace {

const ImVec4 kDim{0.62f, 0.64f, 0.68f, 1.0f};
const ImVec4 kGood{0.45f, 0.85f, 0.45f, 1.0f};
const ImVec4 kBad{0.95f, 0.45f, 0.40f, 1.0f};
const ImVec4 kAccent{0.98f, 0.78f, 0.35f, 1.0f};
constexpr int kEventUtcOffsetMinutes = 480;  // times shown in the event's zone (China)

std::string label(UiText t, Language lang, const char* id) { return std::string(tr(t, lang)) + "###" + id; }

std::string fmt(UiText t, Language lang, double v) {
    char buf[128];
    std::snprintf(buf, sizeof buf, tr(t, lang), v);
    return buf;
}
std::string fmtInt(UiText t, Language lang, int v) {
    char buf[128];
    std::snprintf(buf, sizeof buf, tr(t, lang), v);
    return buf;
}

// "06-04 14:20" in the event's time zone.
std::string when(int64_t unixMs) {
    std::time_t secs = std::time_t(unixMs / 1000 + kEventUtcOffsetMinutes * 60);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%m-%d %H:%M", &tm);
    return buf;
}

// Text from the server or the user: its characters into the font atlas, then shown.
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

const char* kindText(net::DockKind k, Language lang) {
    return tr(k == net::DockKind::Need ? UiText::DockNeedLabel : UiText::DockCapLabel, lang);
}

const char* stateText(net::MeetingState s, Language lang) {
    switch (s) {
        case net::MeetingState::Requested: return tr(UiText::DockStateRequested, lang);
        case net::MeetingState::Accepted: return tr(UiText::DockStateAccepted, lang);
        case net::MeetingState::Declined: return tr(UiText::DockStateDeclined, lang);
        case net::MeetingState::Cancelled: return tr(UiText::DockStateCancelled, lang);
        case net::MeetingState::Count: break;
    }
    return "";
}

const char* outcomeText(int o, Language lang) {
    static constexpr UiText kTexts[] = {UiText::DockOutcomeNone, UiText::DockOutcomeFollowUp, UiText::DockOutcomeIntent,
                                        UiText::DockOutcomeNoFit};
    return tr(kTexts[std::clamp(o, 0, 3)], lang);
}

const char* contactText(net::ContactState s, Language lang) {
    switch (s) {
        case net::ContactState::Asked: return tr(UiText::DockContactAsked, lang);
        case net::ContactState::AskedOfMe: return tr(UiText::DockContactAskedOfMe, lang);
        case net::ContactState::Exchanged: return tr(UiText::DockContactExchanged, lang);
        case net::ContactState::Declined: return tr(UiText::DockContactDeclined, lang);
        case net::ContactState::Count: break;
    }
    return "";
}

std::string fieldName(const DockingState& d, const std::string& key, Language lang) {
    const net::DockField* f = d.field(key);
    if (!f) return key;
    return isChinese(lang) ? f->zh : f->en;
}

std::string fieldList(const DockingState& d, const std::vector<std::string>& keys, Language lang) {
    std::string out;
    for (const auto& k : keys) out += (out.empty() ? "" : isChinese(lang) ? "、" : ", ") + fieldName(d, k, lang);
    return out;
}

std::string joinTerms(const std::vector<std::string>& terms) {
    std::string out;
    for (const auto& t : terms) out += (out.empty() ? "" : " · ") + t;
    return out;
}

void colourText(const ImVec4& c, UiFont& font, const std::string& s) {
    font.want(s);
    ImGui::TextColored(c, "%s", s.c_str());
}
void dimWrapped(UiFont& font, const std::string& s) {
    ImGui::PushStyleColor(ImGuiCol_Text, kDim);
    wrapped(font, s);
    ImGui::PopStyleColor();
}

}  // namespace

// --- window ----------------------------------------------------------------------------------------

void DockingPanels::draw(Connection& conn, Language lang, float topBarHeight, UiFont& font, bool& open) {
    ImGuiIO& io = ImGui::GetIO();
    const float w = std::min(ImGui::GetFontSize() * 34.0f, io.DisplaySize.x * 0.5f);
    const float h = std::min(ImGui::GetFontSize() * 30.0f, (io.DisplaySize.y - topBarHeight) * 0.62f);
    ImGui::SetNextWindowPos({io.DisplaySize.x * 0.5f - w * 0.5f, topBarHeight + 10.0f}, ImGuiCond_FirstUseEver);
    ImGui::SetNextWindowSize({w, h}, ImGuiCond_FirstUseEver);
    ImGui::SetNextWindowBgAlpha(0.9f);
    if (!ImGui::Begin(label(UiText::DockTitle, lang, "docking").c_str(), &open)) {
        ImGui::End();
        return;
    }
    DockingState& d = conn.docking();
    if (!m_searchedOnce && conn.state() == ConnState::Joined) {
        m_searchedOnce = true;
        runSearch(d);
    }
    // A call to the table stands above everything.
    if (!d.calls().empty()) {
        const net::MeetingCall& c = d.calls().back();
        const net::MeetingView* m = d.meeting(c.meeting);
        if (m && m->state == net::MeetingState::Accepted) {
            colourText(kAccent, font,
                       std::string(tr(c.kind == net::CallKind::Start ? UiText::DockCallStart : UiText::DockCallReminder, lang)) +
                           " · " + when(c.startMs) + " · " + fmtInt(UiText::DockTable, lang, c.table));
            ImGui::SameLine();
            if (ImGui::SmallButton(label(UiText::DockGoToTable, lang, "callgo").c_str())) d.goToTable(c.meeting);
        }
    }
    if (const net::DockReply* r = d.lastReply()) {
        colourText(r->ok ? kGood : kBad, font, isChinese(lang) ? r->zh : r->en);
    }
    if (ImGui::BeginTabBar("##dockingtabs")) {
        if (ImGui::BeginTabItem(label(UiText::DockTabBoard, lang, "board").c_str())) {
            drawBoard(conn, lang, font);
            ImGui::EndTabItem();
        }
        if (ImGui::BeginTabItem(label(UiText::DockTabForYou, lang, "foryou").c_str())) {
            drawForYou(conn, lang, font);
            ImGui::EndTabItem();
        }
        if (ImGui::BeginTabItem(label(UiText::DockTabPost, lang, "post").c_str())) {
            drawPostForm(conn, lang, font);
            ImGui::EndTabItem();
        }
        if (ImGui::BeginTabItem(label(UiText::DockTabMeetings, lang, "schedule").c_str())) {
            drawSchedule(conn, lang, font);
            ImGui::EndTabItem();
        }
        if (ImGui::BeginTabItem(label(UiText::DockTabContacts, lang, "contacts").c_str())) {
            drawContacts(conn, lang, font);
            ImGui::EndTabItem();
        }
        net::Role role = net::Role::Attendee;
        if (const net::Participant* me = conn.world().participant(conn.world().self())) role = me->role;
        if ((role == net::Role::Exhibitor || role == net::Role::University) &&
            ImGui::BeginTabItem(label(UiText::DockTabLeads, lang, "leads").c_str())) {
            drawLeads(conn, lang, font);
            ImGui::EndTabItem();
        }
        ImGui::EndTabBar();
    }
    ImGui::End();
}

void DockingPanels::runSearch(DockingState& d) {
    net::BoardSearch q;
    q.text = m_query;
    if (!m_field.empty()) q.fields = {m_field};
    q.kind = uint8_t(m_kind);
    q.orgKinds = m_orgKinds;
    q.limit = 50;
    d.search(q);
}

// --- board ---------------------------------------------------------------------------------------

void DockingPanels::drawBoard(Connection& conn, Language lang, UiFont& font) {
    DockingState& d = conn.docking();
    font.want(m_query);
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 12);
    bool go = ImGui::InputTextWithHint("##q", tr(UiText::DockSearchHint, lang), &m_query, ImGuiInputTextFlags_EnterReturnsTrue);
    ImGui::SameLine();
    go |= ImGui::Button(label(UiText::DockSearch, lang, "search").c_str());
    // Kind, field, organization kind.
    const UiText kinds[] = {UiText::DockKindAll, UiText::DockKindNeeds, UiText::DockKindCaps};
    for (int k = 0; k < 3; ++k) {
        if (k) ImGui::SameLine();
        go |= ImGui::RadioButton(label(kinds[k], lang, k == 0 ? "kall" : k == 1 ? "kneed" : "kcap").c_str(), &m_kind, k);
    }
    ImGui::SameLine();
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
    std::string current = m_field.empty() ? tr(UiText::DockAnyField, lang) : fieldName(d, m_field, lang);
    font.want(current);
    if (ImGui::BeginCombo("##field", current.c_str())) {
        if (ImGui::Selectable(tr(UiText::DockAnyField, lang), m_field.empty())) { m_field.clear(); go = true; }
        for (const auto& f : d.taxonomy()) {
            std::string n = isChinese(lang) ? f.zh : f.en;
            font.want(n);
            if (ImGui::Selectable((n + "##" + f.key).c_str(), m_field == f.key)) { m_field = f.key; go = true; }
        }
        ImGui::EndCombo();
    }
    ImGui::TextColored(kDim, "%s", tr(UiText::DockOrgKinds, lang));
    const UiText orgKinds[] = {UiText::DockKindAll};
    (void)orgKinds;
    static const char* kOrgKindZh[] = {"企业", "高校", "科研院所", "协会/政府"};
    static const char* kOrgKindEn[] = {"enterprise", "university", "institute", "association"};
    for (int k = 0; k < int(net::OrgKind::Count); ++k) {
        ImGui::SameLine();
        bool on = m_orgKinds & (1 << k);
        if (ImGui::Checkbox((std::string(isChinese(lang) ? kOrgKindZh[k] : kOrgKindEn[k]) + "##ok" + std::to_string(k)).c_str(), &on)) {
            m_orgKinds = uint8_t(on ? m_orgKinds | (1 << k) : m_orgKinds & ~(1 << k));
            go = true;
        }
    }
    if (go) runSearch(d);
    ImGui::Separator();

    const auto& results = d.results().results;
    if (!results.empty() && !d.post(m_selected)) m_selected = results.front().post.id;  // show something at once
    const float listW = ImGui::GetContentRegionAvail().x * 0.42f;
    ImGui::BeginChild("##results", {listW, 0}, true);
    if (results.empty()) ImGui::TextColored(kDim, "%s", tr(UiText::DockNoResults, lang));
    for (const auto& r : results) {
        const net::PostView& p = r.post;
        std::string line = std::string("[") + kindText(p.kind, lang) + "] " + p.title.in(isChinese(lang));
        font.want(line);
        if (ImGui::Selectable((line + "##r" + std::to_string(p.id)).c_str(), m_selected == p.id)) m_selected = p.id;
        std::string sub = p.org.in(isChinese(lang));
        if (!r.terms.empty()) sub += "  · " + joinTerms(r.terms);
        if (p.mine) sub += std::string("  · ") + tr(UiText::DockMine, lang);
        colourText(kDim, font, sub);
    }
    ImGui::EndChild();
    ImGui::SameLine();
    ImGui::BeginChild("##detail", {0, 0}, true);
    const net::PostView* sel = m_selected ? d.post(m_selected) : nullptr;
    if (sel) drawPostDetail(conn, *sel, lang, font);
    else ImGui::TextColored(kDim, "%s", tr(UiText::DockSelectHint, lang));
    ImGui::EndChild();
}

void DockingPanels::drawPostDetail(Connection& conn, const net::PostView& p, Language lang, UiFont& font) {
    DockingState& d = conn.docking();
    const bool zh = isChinese(lang);
    colourText(kAccent, font, std::string(kindText(p.kind, lang)) + (p.hidden ? tr(UiText::DockHidden, lang) : ""));
    wrapped(font, p.title.in(zh));
    dimWrapped(font, p.org.in(zh) + " · " + p.author);
    dimWrapped(font, fieldList(d, p.fields, lang));
    ImGui::Separator();
    wrapped(font, p.description.in(zh));
    if (!p.extra.in(zh).empty()) {
        ImGui::TextColored(kDim, "%s", tr(p.kind == net::DockKind::Need ? UiText::DockExtraNeed : UiText::DockExtraCap, lang));
        wrapped(font, p.extra.in(zh));
    }
    if (p.kind == net::DockKind::Need && (p.budgetMin || p.budgetMax))
        text(font, std::to_string(p.budgetMin) + " – " + std::to_string(p.budgetMax) + (zh ? " 元" : " yuan"));
    if (p.kind == net::DockKind::Capability && p.readiness) text(font, "TRL " + std::to_string(p.readiness));
    for (const auto& a : p.achievements) wrapped(font, "• " + a.title.in(zh) + (a.reference.empty() ? "" : " (" + a.reference + ")"));
    dimWrapped(font, std::string(tr(UiText::DockContact, lang)) + ": " + p.contact);
    ImGui::Separator();
    if (p.mine) {
        if (ImGui::Button(label(UiText::DockEdit, lang, "edit").c_str())) startEdit(p);
        ImGui::SameLine();
        if (ImGui::Button(label(UiText::DockWithdraw, lang, "withdraw").c_str())) {
            d.withdrawPost(p.id);
            m_selected = 0;
            runSearch(d);
        }
    } else if (drawSlotChooser(d, lang)) {
        ImGui::SameLine();
        if (ImGui::Button(label(UiText::DockAskMeeting, lang, "ask").c_str())) d.askMeeting(p.id, d.slots()[size_t(m_slot)].ref);
    }
    const net::Participant* me = conn.world().participant(conn.world().self());
    if (me && me->role == net::Role::Organizer) {
        ImGui::SameLine();
        if (ImGui::Button(label(p.hidden ? UiText::DockShow : UiText::DockHide, lang, "hide").c_str())) d.hidePost(p.id, !p.hidden);
        if (p.kind == net::DockKind::Need) m_organizerNeed = p.id;
        else m_organizerCap = p.id;
    }
}

bool DockingPanels::drawSlotChooser(const DockingState& d, Language lang) {
    auto slots = d.slots();
    if (slots.empty()) {
        ImGui::TextColored(kDim, "%s", tr(UiText::DockNoSessions, lang));
        return false;
    }
    m_slot = std::clamp(m_slot, 0, int(slots.size()) - 1);
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 7);
    std::string cur = when(slots[size_t(m_slot)].startMs);
    if (ImGui::BeginCombo(label(UiText::DockSlot, lang, "slot").c_str(), cur.c_str())) {
        for (size_t i = 0; i < slots.size(); ++i)
            if (ImGui::Selectable((when(slots[i].startMs) + "##s" + std::to_string(i)).c_str(), int(i) == m_slot)) m_slot = int(i);
        ImGui::EndCombo();
    }
    return true;
}

// --- For you -------------------------------------------------------------------------------------

void DockingPanels::drawForYou(Connection& conn, Language lang, UiFont& font) {
    DockingState& d = conn.docking();
    const bool zh = isChinese(lang);
    if (d.forYou().empty()) {
        ImGui::TextColored(kDim, "%s", tr(UiText::DockForYouEmpty, lang));
        return;
    }
    bool canAsk = drawSlotChooser(d, lang);
    ImGui::BeginChild("##foryou");
    for (const auto& e : d.forYou()) {
        std::string head = std::string("[") + kindText(e.mine.kind, lang) + "] " + e.mine.title.in(zh);
        font.want(head);
        if (!ImGui::CollapsingHeader((head + "##fy" + std::to_string(e.mine.id)).c_str(), ImGuiTreeNodeFlags_DefaultOpen))
            continue;
        for (const auto& m : e.matches) {
            ImGui::PushID(int(m.post.id));
            colourText(kAccent, font, fmt(UiText::DockMatchScore, lang, double(m.score)));
            if (canAsk) {
                ImGui::SameLine();
                if (ImGui::SmallButton(tr(UiText::DockAskMeeting, lang))) d.askMeeting(m.post.id, d.slots()[size_t(m_slot)].ref);
            }
            wrapped(font, m.post.title.in(zh) + " — " + m.post.org.in(zh));
            std::string why = std::string(tr(UiText::DockWhy, lang)) + joinTerms(m.terms);
            if (!m.fields.empty()) why += (m.terms.empty() ? "" : " · ") + fieldList(d, m.fields, lang);
            dimWrapped(font, why);
            ImGui::Spacing();
            ImGui::PopID();
        }
    }
    ImGui::EndChild();
}

// --- post form -------------------------------------------------------------------------------------

void DockingPanels::startEdit(const net::PostView& p) {
    m_form = p;
    m_formReq = 0;
}

void DockingPanels::drawPostForm(Connection& conn, Language lang, UiFont& font) {
    DockingState& d = conn.docking();
    const net::Participant* me = conn.world().participant(conn.world().self());
    net::Role role = me ? me->role : net::Role::Attendee;
    if (m_form.id == 0) {
        // A new post's kind follows the role: enterprises post needs, universities capabilities.
        if (role == net::Role::University) m_form.kind = net::DockKind::Capability;
        else if (role == net::Role::Exhibitor) m_form.kind = net::DockKind::Need;
        int kind = int(m_form.kind);
        ImGui::RadioButton(label(UiText::DockKindNeeds, lang, "fneed").c_str(), &kind, 0);
        ImGui::SameLine();
        ImGui::RadioButton(label(UiText::DockKindCaps, lang, "fcap").c_str(), &kind, 1);
        m_form.kind = net::DockKind(kind);
        if (role == net::Role::Attendee) ImGui::TextColored(kDim, "%s", tr(UiText::DockCantPost, lang));
    } else {
        colourText(kAccent, font, std::string(tr(UiText::DockEdit, lang)) + " #" + std::to_string(m_form.id));
        ImGui::SameLine();
        if (ImGui::SmallButton(tr(UiText::DockNewPost, lang))) m_form = {};
    }
    ImGui::BeginChild("##form", {0, -ImGui::GetFrameHeightWithSpacing() * 1.2f});
    auto input = [&](UiText t, std::string& s, const char* id, bool multiline) {
        font.want(s);
        ImGui::TextColored(kDim, "%s", tr(t, lang));
        ImGui::SetNextItemWidth(-1);
        if (multiline) ImGui::InputTextMultiline(id, &s, {-1, ImGui::GetTextLineHeight() * 3.5f});
        else ImGui::InputText(id, &s);
    };
    input(UiText::DockTitleZh, m_form.title.zh, "##tzh", false);
    input(UiText::DockTitleEn, m_form.title.en, "##ten", false);
    ImGui::TextColored(kDim, "%s", tr(UiText::DockFields, lang));
    int shown = 0;
    for (const auto& f : d.taxonomy()) {
        bool on = std::find(m_form.fields.begin(), m_form.fields.end(), f.key) != m_form.fields.end();
        std::string n = (isChinese(lang) ? f.zh : f.en) + "##f" + f.key;
        font.want(n);
        if (shown++ % 4) ImGui::SameLine();
        if (ImGui::Checkbox(n.c_str(), &on)) {
            if (on) m_form.fields.push_back(f.key);
            else std::erase(m_form.fields, f.key);
        }
    }
    input(UiText::DockDescZh, m_form.description.zh, "##dzh", true);
    input(UiText::DockDescEn, m_form.description.en, "##den", true);
    bool need = m_form.kind == net::DockKind::Need;
    input(need ? UiText::DockExtraNeed : UiText::DockExtraCap, m_form.extra.zh, "##xzh", true);
    if (need) {
        ImGui::TextColored(kDim, "%s", tr(UiText::DockBudget, lang));
        ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
        ImGui::InputScalar("##bmin", ImGuiDataType_S64, &m_form.budgetMin);
        ImGui::SameLine();
        ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
        ImGui::InputScalar("##bmax", ImGuiDataType_S64, &m_form.budgetMax);
    } else {
        int trl = m_form.readiness;
        ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
        if (ImGui::SliderInt(label(UiText::DockReadiness, lang, "trl").c_str(), &trl, 1, 9)) m_form.readiness = uint8_t(trl);
        if (m_form.readiness == 0) m_form.readiness = 1;
    }
    input(UiText::DockContact, m_form.contact, "##contact", false);
    ImGui::EndChild();
    if (ImGui::Button(label(m_form.id ? UiText::DockSaveEdit : UiText::DockSubmit, lang, "submit").c_str())) {
        m_formReq = d.savePost(m_form);
    }
    // Once the server stored it: back to an empty form, the board refreshed.
    if (m_formReq) {
        if (const net::DockReply* r = d.reply(m_formReq); r && r->ok) {
            m_formReq = 0;
            m_form = {};
            runSearch(d);
        }
    }
}

// --- schedule ------------------------------------------------------------------------------------

void DockingPanels::drawSchedule(Connection& conn, Language lang, UiFont& font) {
    DockingState& d = conn.docking();
    const net::Participant* me = conn.world().participant(conn.world().self());
    const bool organizer = me && me->role == net::Role::Organizer;
    if (organizer) {
        colourText(kDim, font, tr(UiText::DockSchedule, lang));
        const net::PostView* n = d.post(m_organizerNeed);
        const net::PostView* c = d.post(m_organizerCap);
        text(font, (n ? n->title.in(isChinese(lang)) : "—") + "  ×  " + (c ? c->title.in(isChinese(lang)) : "—"));
        if (n && c && drawSlotChooser(d, lang)) {
            ImGui::SameLine();
            if (ImGui::Button(label(UiText::DockSchedule, lang, "sched").c_str()))
                d.scheduleMeeting(n->id, c->id, d.slots()[size_t(m_slot)].ref);
        }
        ImGui::Separator();
    }
    auto list = d.schedule(organizer ? 0 : d.account());
    if (list.empty()) {
        ImGui::TextColored(kDim, "%s", tr(UiText::DockScheduleEmpty, lang));
        return;
    }
    ImGui::BeginChild("##schedule");
    for (const net::MeetingView* m : list) drawMeeting(conn, *m, lang, font);
    // Table chat of the meeting that is on now.
    if (!d.tableChat().empty() || !d.calls().empty()) {
        ImGui::Separator();
        ImGui::TextColored(kDim, "%s", tr(UiText::DockTableChat, lang));
        for (const auto& l : d.tableChat()) text(font, when(l.unixMs) + " " + l.fromName + ": " + l.text);
        font.want(m_tableInput);
        ImGui::SetNextItemWidth(-1);
        if (ImGui::InputText("##tablechat", &m_tableInput, ImGuiInputTextFlags_EnterReturnsTrue) && !d.calls().empty()) {
            d.sendTableChat(d.calls().back().meeting, m_tableInput);
            m_tableInput.clear();
        }
    }
    ImGui::EndChild();
}

void DockingPanels::drawMeeting(Connection& conn, const net::MeetingView& m, Language lang, UiFont& font) {
    DockingState& d = conn.docking();
    const bool zh = isChinese(lang);
    ImGui::PushID(int(m.id));
    const net::PersonView& other = m.requester.account == d.account() ? m.responder : m.requester;
    ImVec4 stateColour = m.state == net::MeetingState::Accepted ? kGood : m.state == net::MeetingState::Requested ? kAccent : kDim;
    ImGui::TextColored(stateColour, "%s  %s", when(m.startMs).c_str(), stateText(m.state, lang));
    ImGui::SameLine();
    std::string who = d.account() == 0 || (m.requester.account != d.account() && m.responder.account != d.account())
                          ? m.requester.name + " × " + m.responder.name
                          : other.name + " (" + other.org + ")";
    text(font, who);
    std::string topic = m.topic.in(zh);
    if (m.state == net::MeetingState::Accepted) topic += "  · " + fmtInt(UiText::DockTable, lang, m.table);
    if (m.byOrganizer) topic += tr(UiText::DockByOrganizer, lang);
    colourText(kDim, font, "    " + topic);
    const bool party = m.requester.account == d.account() || m.responder.account == d.account();
    if (party) {
        if (m.state == net::MeetingState::Requested && m.waitingFor == d.account()) {
            ImGui::TextColored(kAccent, "    %s", tr(UiText::DockWaitingYou, lang));
            ImGui::SameLine();
            if (ImGui::SmallButton(tr(UiText::DockAccept, lang))) d.answerMeeting(m.id, net::MeetingAction::Accept);
            ImGui::SameLine();
            if (ImGui::SmallButton(tr(UiText::DockDecline, lang))) d.answerMeeting(m.id, net::MeetingAction::Decline);
            ImGui::SameLine();
            if (ImGui::SmallButton(tr(UiText::DockPropose, lang)) && !d.slots().empty())
                d.answerMeeting(m.id, net::MeetingAction::Propose, d.slots()[size_t(std::clamp(m_slot, 0, int(d.slots().size()) - 1))].ref);
        }
        if (m.state == net::MeetingState::Accepted) {
            ImGui::Text("    ");
            ImGui::SameLine();
            if (ImGui::SmallButton(tr(UiText::DockGoToTable, lang))) d.goToTable(m.id);
            ImGui::SameLine();
            if (ImGui::SmallButton(tr(UiText::DockCancel, lang))) d.answerMeeting(m.id, net::MeetingAction::Cancel);
            // Notes and outcome.
            auto [it, fresh] = m_notes.try_emplace(m.id, m.notes);
            auto [oc, freshOutcome] = m_outcomes.try_emplace(m.id, int(m.outcome));
            (void)fresh;
            (void)freshOutcome;
            font.want(it->second);
            ImGui::SetNextItemWidth(-1);
            ImGui::InputTextMultiline("##notes", &it->second, {-1, ImGui::GetTextLineHeight() * 2.5f});
            ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
            if (ImGui::BeginCombo(label(UiText::DockOutcome, lang, "outcome").c_str(), outcomeText(oc->second, lang))) {
                for (int o = 0; o < int(net::MeetingOutcome::Count); ++o)
                    if (ImGui::Selectable(outcomeText(o, lang), oc->second == o)) oc->second = o;
                ImGui::EndCombo();
            }
            ImGui::SameLine();
            if (ImGui::SmallButton(tr(UiText::DockSaveNotes, lang)))
                d.saveNotes(m.id, it->second, net::MeetingOutcome(oc->second));
        } else if (m.state == net::MeetingState::Requested) {
            ImGui::SameLine();
            if (ImGui::SmallButton(tr(UiText::DockCancel, lang))) d.answerMeeting(m.id, net::MeetingAction::Cancel);
        }
    }
    if (m.agreementId) colourText(kGood, font, std::string("    ") + tr(UiText::DockAgreement, lang) + m.agreementTitle);
    ImGui::Separator();
    ImGui::PopID();
}

// --- contacts ----------------------------------------------------------------------------------

void DockingPanels::drawContacts(Connection& conn, Language lang, UiFont& font) {
    DockingState& d = conn.docking();
    ImGui::TextColored(kDim, "%s", tr(UiText::DockMyCard, lang));
    auto field = [&](UiText t, std::string& s, const char* id) {
        font.want(s);
        ImGui::SetNextItemWidth(ImGui::GetFontSize() * 14);
        ImGui::InputText(label(t, lang, id).c_str(), &s);
    };
    field(UiText::DockCardTitle, m_card.title, "ctitle");
    field(UiText::DockCardPhone, m_card.phone, "cphone");
    field(UiText::DockCardEmail, m_card.email, "cemail");
    if (ImGui::Button(label(UiText::DockSaveCard, lang, "savecard").c_str())) d.setCard(m_card);
    ImGui::Separator();
    ImGui::TextColored(kDim, "%s", tr(UiText::DockExchangeWith, lang));
    const auto& people = conn.world().participants();
    const net::Participant* pick = nullptr;
    auto found = people.find(uint16_t(m_exchangeWith));
    if (found != people.end() && found->first != conn.world().self().v) pick = &found->second;
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 14);
    std::string cur = pick ? pick->name + " (" + pick->org + ")" : "—";
    font.want(cur);
    if (ImGui::BeginCombo("##with", cur.c_str())) {
        for (const auto& [id, p] : people) {
            if (id == conn.world().self().v) continue;
            std::string n = p.name + " (" + p.org + ")##p" + std::to_string(id);
            font.want(n);
            if (ImGui::Selectable(n.c_str(), m_exchangeWith == id)) m_exchangeWith = id;
        }
        ImGui::EndCombo();
    }
    ImGui::SameLine();
    if (ImGui::Button(label(UiText::DockExchange, lang, "exchange").c_str()) && pick) d.askCard(pick->id);
    ImGui::Separator();
    for (const auto& [id, c] : d.contacts()) {
        ImGui::PushID(int(id));
        ImGui::TextColored(c.state == net::ContactState::Exchanged ? kGood : kAccent, "%s", contactText(c.state, lang));
        ImGui::SameLine();
        text(font, c.other.name + " · " + c.other.org);
        if (c.state == net::ContactState::Exchanged) {
            std::string line = c.other.title;
            if (!c.other.phone.empty()) line += "  ☎ " + c.other.phone;
            if (!c.other.email.empty()) line += "  " + c.other.email;
            if (!line.empty()) colourText(kDim, font, "    " + line);
        }
        if (c.state == net::ContactState::AskedOfMe) {
            ImGui::SameLine();
            if (ImGui::SmallButton(tr(UiText::DockAccept, lang))) d.answerCard(id, true);
            ImGui::SameLine();
            if (ImGui::SmallButton(tr(UiText::DockDecline, lang))) d.answerCard(id, false);
        }
        ImGui::PopID();
    }
    ImGui::Separator();
    if (ImGui::Button(label(UiText::DockExportVCard, lang, "vcard").c_str())) {
        const char* path = "dockhall-contacts.vcf";
        std::ofstream(path, std::ios::binary) << d.contactsVCard();
        char buf[256];
        std::snprintf(buf, sizeof buf, tr(UiText::DockExported, lang), path);
        m_exported = buf;
    }
    if (!m_exported.empty()) {
        ImGui::SameLine();
        colourText(kDim, font, m_exported);
    }
}

// --- leads -----------------------------------------------------------------------------------------

void DockingPanels::drawLeads(Connection& conn, Language lang, UiFont& font) {
    const DockingState& d = conn.docking();
    if (d.leads().empty()) {
        ImGui::TextColored(kDim, "%s", tr(UiText::DockLeadsEmpty, lang));
        return;
    }
    for (const auto& l : d.leads()) {
        text(font, l.who.name + " · " + l.who.org);
        char buf[128];
        std::snprintf(buf, sizeof buf, tr(UiText::DockLeadLine, lang), int(l.visits), int(l.seconds));
        colourText(kDim, font, "    " + when(l.lastMs) + "  " + buf);
    }
}

}  // namespace client
