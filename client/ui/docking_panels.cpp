// docking_panels.cpp: the docking window: board, For you, post form, schedule, contacts, leads.
#include "client/ui/docking_panels.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <optional>

#include <imgui.h>
#include <imgui_stdlib.h>

#include "client/ui/glyphs.h"
#include "net/protocol/event_time.h"

namespace client {

namespace {

const ImVec4 kDim{0.62f, 0.64f, 0.68f, 1.0f};
const ImVec4 kGood{0.45f, 0.85f, 0.45f, 1.0f};
const ImVec4 kBad{0.95f, 0.45f, 0.40f, 1.0f};
const ImVec4 kAccent{0.98f, 0.78f, 0.35f, 1.0f};
constexpr int kEventUtcOffsetMinutes = net::kChinaUtcOffsetMinutes;  // times shown in the event's zone

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
std::string when(int64_t unixMs) { return net::formatEventTime(unixMs, kEventUtcOffsetMinutes, net::EventTimeFormat::MonthDayTime); }

// "2026-12-31" -> the end of that day in the event's zone (a deadline includes its day);
// nullopt unless it is a real date.
std::optional<int64_t> parseDeadline(const std::string& text) { return net::parseEventDateEnd(text, kEventUtcOffsetMinutes); }
std::string formatDeadline(int64_t unixMs) { return net::formatEventTime(unixMs, kEventUtcOffsetMinutes, net::EventTimeFormat::Date); }

// The default place for exported contacts: the home folder, else the working folder.
std::string defaultExportPath() {
    const char* home = std::getenv("HOME");
    return home && *home ? std::string(home) + "/dockhall-contacts.vcf" : std::string("dockhall-contacts.vcf");
}

const UiText kAchievementKinds[] = {UiText::DockAchPatent, UiText::DockAchPrototype, UiText::DockAchProcess,
                                    UiText::DockAchSoftware, UiText::DockAchOther};

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
    auto tabFlags = [&](const char* tab) { return m_selectTab == tab ? ImGuiTabItemFlags_SetSelected : 0; };
    if (ImGui::BeginTabBar("##dockingtabs")) {
        if (ImGui::BeginTabItem(label(UiText::DockTabBoard, lang, "board").c_str(), nullptr, tabFlags("board"))) {
            drawBoard(conn, lang, font);
            ImGui::EndTabItem();
        }
        if (ImGui::BeginTabItem(label(UiText::DockTabForYou, lang, "foryou").c_str(), nullptr, tabFlags("foryou"))) {
            drawForYou(conn, lang, font);
            ImGui::EndTabItem();
        }
        if (ImGui::BeginTabItem(label(UiText::DockTabPost, lang, "post").c_str(), nullptr, tabFlags("post"))) {
            drawPostForm(conn, lang, font);
            ImGui::EndTabItem();
        }
        if (ImGui::BeginTabItem(label(UiText::DockTabMeetings, lang, "schedule").c_str(), nullptr, tabFlags("schedule"))) {
            drawSchedule(conn, lang, font);
            ImGui::EndTabItem();
        }
        if (ImGui::BeginTabItem(label(UiText::DockTabContacts, lang, "contacts").c_str(), nullptr, tabFlags("contacts"))) {
            drawContacts(conn, lang, font);
            ImGui::EndTabItem();
        }
        net::Role role = net::Role::Attendee;
        if (const net::Participant* me = conn.world().participant(conn.world().self())) role = me->role;
        if ((role == net::Role::Exhibitor || role == net::Role::University) &&
            ImGui::BeginTabItem(label(UiText::DockTabLeads, lang, "leads").c_str(), nullptr, tabFlags("leads"))) {
            drawLeads(conn, lang, font);
            ImGui::EndTabItem();
        }
        ImGui::EndTabBar();
    }
    m_selectTab.clear();
    ImGui::End();
}

bool DockingPanels::selectTab(const std::string& tab) {
    for (const char* t : {"board", "foryou", "post", "schedule", "contacts", "leads"})
        if (tab == t) {
            m_selectTab = tab;
            return true;
        }
    return false;
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
    const net::Participant* me = conn.world().participant(conn.world().self());
    if (me && me->role == net::Role::Organizer) drawFieldAdder(d, lang, font);
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

// Organizer: extend the taxonomy. The server checks the key and names; its reply is the status line.
void DockingPanels::drawFieldAdder(DockingState& d, Language lang, UiFont& font) {
    ImGui::TextColored(kDim, "%s", tr(UiText::DockAddField, lang));
    const float w = ImGui::GetFontSize() * 9;
    ImGui::SameLine();
    ImGui::SetNextItemWidth(w);
    ImGui::InputTextWithHint("##fkey", tr(UiText::DockFieldKey, lang), &m_newField.key);
    ImGui::SameLine();
    font.want(m_newField.zh);
    ImGui::SetNextItemWidth(w);
    ImGui::InputTextWithHint("##fzh", tr(UiText::DockFieldZh, lang), &m_newField.zh);
    ImGui::SameLine();
    ImGui::SetNextItemWidth(w);
    ImGui::InputTextWithHint("##fen", tr(UiText::DockFieldEn, lang), &m_newField.en);
    ImGui::SameLine();
    if (ImGui::Button(label(UiText::DockAddField, lang, "addfield").c_str())) m_fieldReq = d.addField(m_newField);
    if (m_fieldReq) {
        if (const net::DockReply* r = d.reply(m_fieldReq)) {
            if (r->ok) m_newField = {};
            m_fieldReq = 0;
        }
    }
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
    if (p.kind == net::DockKind::Need && p.deadlineMs) {
        char buf[128];
        std::snprintf(buf, sizeof buf, tr(UiText::DockDeadlineValue, lang), formatDeadline(p.deadlineMs).c_str());
        text(font, buf);
    }
    if (p.kind == net::DockKind::Capability && p.readiness) text(font, "TRL " + std::to_string(p.readiness));
    if (!p.achievements.empty()) ImGui::TextColored(kDim, "%s", tr(UiText::DockAchievements, lang));
    for (const auto& a : p.achievements) {
        const char* kind = tr(kAchievementKinds[std::min<size_t>(a.kind, std::size(kAchievementKinds) - 1)], lang);
        wrapped(font, std::string("• [") + kind + "] " + a.title.in(zh) + (a.reference.empty() ? "" : " (" + a.reference + ")"));
    }
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
    m_deadline = p.deadlineMs ? formatDeadline(p.deadlineMs) : std::string();
    m_deadlineBad = false;
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
        if (role == net::Role::Attendee || role == net::Role::Speaker) ImGui::TextColored(kDim, "%s", tr(UiText::DockCantPost, lang));
    } else {
        colourText(kAccent, font, std::string(tr(UiText::DockEdit, lang)) + " #" + std::to_string(m_form.id));
        ImGui::SameLine();
        if (ImGui::SmallButton(tr(UiText::DockNewPost, lang))) {
            m_form = {};
            m_deadline.clear();
        }
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
    // Checkboxes flow like words: as many to a line as fit.
    const ImGuiStyle& style = ImGui::GetStyle();
    const float avail = ImGui::GetContentRegionAvail().x;
    float lineW = 0;
    for (const auto& f : d.taxonomy()) {
        bool on = std::find(m_form.fields.begin(), m_form.fields.end(), f.key) != m_form.fields.end();
        std::string n = (isChinese(lang) ? f.zh : f.en) + "##f" + f.key;
        font.want(n);
        float w = ImGui::GetFrameHeight() + style.ItemInnerSpacing.x + ImGui::CalcTextSize(n.c_str(), nullptr, true).x;
        if (lineW > 0 && lineW + style.ItemSpacing.x + w <= avail) {
            ImGui::SameLine();
            lineW += style.ItemSpacing.x + w;
        } else {
            lineW = w;
        }
        if (ImGui::Checkbox(n.c_str(), &on)) {
            if (on) m_form.fields.push_back(f.key);
            else std::erase(m_form.fields, f.key);
        }
    }
    input(UiText::DockDescZh, m_form.description.zh, "##dzh", true);
    input(UiText::DockDescEn, m_form.description.en, "##den", true);
    bool need = m_form.kind == net::DockKind::Need;
    input(need ? UiText::DockExtraNeed : UiText::DockExtraCap, m_form.extra.zh, "##xzh", true);
    input(need ? UiText::DockExtraNeedEn : UiText::DockExtraCapEn, m_form.extra.en, "##xen", true);
    if (need) {
        ImGui::TextColored(kDim, "%s", tr(UiText::DockDeadline, lang));
        ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
        if (ImGui::InputTextWithHint("##deadline", "2026-12-31", &m_deadline)) m_deadlineBad = false;
        if (m_deadlineBad) {
            ImGui::SameLine();
            ImGui::TextColored(kBad, "%s", tr(UiText::DockDeadlineBad, lang));
        }
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
        drawAchievements(lang, font);
    }
    input(UiText::DockContact, m_form.contact, "##contact", false);
    ImGui::EndChild();
    if (ImGui::Button(label(m_form.id ? UiText::DockSaveEdit : UiText::DockSubmit, lang, "submit").c_str())) {
        std::optional<int64_t> deadline = m_deadline.empty() ? std::optional<int64_t>(0) : parseDeadline(m_deadline);
        if (need && !deadline) {
            m_deadlineBad = true;
        } else {
            m_form.deadlineMs = need ? *deadline : 0;
            if (!need) m_form.budgetMin = m_form.budgetMax = 0;
            m_formReq = d.savePost(m_form);
        }
    }
    // Once the server stored it: back to an empty form, the board refreshed.
    if (m_formReq) {
        if (const net::DockReply* r = d.reply(m_formReq); r && r->ok) {
            m_formReq = 0;
            m_form = {};
            m_deadline.clear();
            runSearch(d);
        }
    }
}

// A capability's achievements for transfer: kind, title in both languages, reference.
void DockingPanels::drawAchievements(Language lang, UiFont& font) {
    ImGui::TextColored(kDim, "%s", tr(UiText::DockAchievements, lang));
    const float w = ImGui::GetFontSize() * 9;
    for (size_t i = 0; i < m_form.achievements.size(); ++i) {
        net::DockAchievement& a = m_form.achievements[i];
        ImGui::PushID(int(i));
        int kind = std::min<int>(a.kind, int(std::size(kAchievementKinds)) - 1);
        ImGui::SetNextItemWidth(ImGui::GetFontSize() * 5);
        if (ImGui::BeginCombo("##kind", tr(kAchievementKinds[kind], lang))) {
            for (int k = 0; k < int(std::size(kAchievementKinds)); ++k)
                if (ImGui::Selectable(tr(kAchievementKinds[k], lang), k == kind)) a.kind = uint8_t(k);
            ImGui::EndCombo();
        }
        ImGui::SameLine();
        font.want(a.title.zh);
        ImGui::SetNextItemWidth(w);
        ImGui::InputTextWithHint("##azh", tr(UiText::DockAchTitleZh, lang), &a.title.zh);
        ImGui::SameLine();
        ImGui::SetNextItemWidth(w);
        ImGui::InputTextWithHint("##aen", tr(UiText::DockAchTitleEn, lang), &a.title.en);
        ImGui::SameLine();
        ImGui::SetNextItemWidth(w * 0.8f);
        ImGui::InputTextWithHint("##aref", tr(UiText::DockAchReference, lang), &a.reference);
        ImGui::SameLine();
        bool remove = ImGui::SmallButton("x");
        ImGui::PopID();
        if (remove) {
            m_form.achievements.erase(m_form.achievements.begin() + std::ptrdiff_t(i));
            break;
        }
    }
    if (m_form.achievements.size() < net::kMaxDockAchievements &&
        ImGui::SmallButton(label(UiText::DockAddAchievement, lang, "addach").c_str()))
        m_form.achievements.push_back({});
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
    if (m_exportPath.empty()) m_exportPath = defaultExportPath();
    ImGui::TextColored(kDim, "%s", tr(UiText::DockExportPath, lang));
    ImGui::SameLine();
    font.want(m_exportPath);
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 18);
    ImGui::InputText("##vcfpath", &m_exportPath);
    ImGui::SameLine();
    if (ImGui::Button(label(UiText::DockExportVCard, lang, "vcard").c_str())) {
        std::ofstream out(m_exportPath, std::ios::binary | std::ios::trunc);
        out << d.contactsVCard();
        out.close();
        char buf[1200];
        std::snprintf(buf, sizeof buf, tr(out ? UiText::DockExported : UiText::DockExportFailed, lang), m_exportPath.c_str());
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
