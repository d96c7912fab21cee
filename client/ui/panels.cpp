// panels.cpp: Dear ImGui panels.
#include "client/ui/panels.h"

#include <algorithm>
#include <cfloat>
#include <cstdio>
#include <ctime>

#include <imgui.h>
#include <imgui_stdlib.h>

#include "client/ui/glyphs.h"

namespace client {

namespace {

constexpr float kMargin = 10.0f;
const ImVec4 kNoticeColour{1.0f, 0.78f, 0.30f, 1.0f};        // server notices: amber
const ImVec4 kAnnouncementColour{0.45f, 0.85f, 1.0f, 1.0f};  // organizer announcements: cyan
const ImVec4 kDimColour{0.62f, 0.64f, 0.68f, 1.0f};
const ImVec4 kErrorColour{1.0f, 0.45f, 0.40f, 1.0f};

std::string clockText(int64_t unixMs) {
    std::time_t t = std::time_t(unixMs / 1000);
    std::tm tm{};
    localtime_r(&t, &tm);
    char buf[16];
    std::snprintf(buf, sizeof buf, "%02d:%02d", tm.tm_hour, tm.tm_min);
    return buf;
}

int64_t nowUnixMs() { return int64_t(std::time(nullptr)) * 1000; }

std::string trimmed(const std::string& s) {
    size_t a = s.find_first_not_of(" \t\r\n");
    if (a == std::string::npos) return {};
    size_t b = s.find_last_not_of(" \t\r\n");
    return s.substr(a, b - a + 1);
}

// "label###id": the label changes with the language, the id does not.
std::string labelled(UiText text, Language lang, const char* id) {
    return std::string(tr(text, lang)) + "###" + id;
}

// The text cut at a character boundary, with "…", so that it fits `maxWidth` in the current font.
std::string fitText(const std::string& text, float maxWidth) {
    if (ImGui::CalcTextSize(text.c_str()).x <= maxWidth) return text;
    const char* ellipsis = "\u2026";
    std::vector<size_t> cuts;  // byte offsets where characters start (UTF-8 lead bytes)
    for (size_t k = 0; k < text.size(); ++k)
        if ((uint8_t(text[k]) & 0xC0) != 0x80) cuts.push_back(k);
    // Binary search the longest prefix that fits with the ellipsis.
    size_t lo = 0, hi = cuts.size();
    while (lo + 1 < hi) {
        size_t mid = (lo + hi) / 2;
        std::string candidate = text.substr(0, cuts[mid]) + ellipsis;
        if (ImGui::CalcTextSize(candidate.c_str()).x <= maxWidth) lo = mid;
        else hi = mid;
    }
    return text.substr(0, cuts.empty() ? 0 : cuts[lo]) + ellipsis;
}

void languageChoice(Language& lang) {
    for (int i = 0; i < int(Language::Count); ++i) {
        if (i) ImGui::SameLine();
        if (ImGui::RadioButton(languageName(Language(i)), lang == Language(i))) lang = Language(i);
    }
}

}  // namespace

uint32_t roleColour(net::Role role, float alpha) {
    ImVec4 c;
    switch (role) {
        case net::Role::Exhibitor: c = {0.96f, 0.62f, 0.27f, alpha}; break;   // orange
        case net::Role::University: c = {0.36f, 0.78f, 0.50f, alpha}; break;  // green
        case net::Role::Organizer: c = {0.90f, 0.33f, 0.40f, alpha}; break;   // red
        case net::Role::Speaker: c = {0.70f, 0.50f, 0.92f, alpha}; break;     // violet
        default: c = {0.38f, 0.66f, 0.95f, alpha}; break;                     // attendee: blue
    }
    return ImGui::ColorConvertFloat4ToU32(c);
}

// --- join dialog -----------------------------------------------------------------------------

bool drawJoinDialog(JoinForm& form, Language& lang, const JoinDialogInfo& info) {
    ImGuiIO& io = ImGui::GetIO();
    ImGui::SetNextWindowPos({io.DisplaySize.x * 0.5f, io.DisplaySize.y * 0.5f}, ImGuiCond_Always, {0.5f, 0.5f});
    ImGui::SetNextWindowBgAlpha(0.92f);
    const ImGuiWindowFlags flags = ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize |
                                   ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoSavedSettings;
    bool join = false;
    if (ImGui::Begin(labelled(UiText::JoinTitle, lang, "join").c_str(), nullptr, flags)) {
        ImGui::TextUnformatted(tr(UiText::JoinIntro, lang));
        ImGui::TextColored(kDimColour, "%s", tr(UiText::JoinAccountHint, lang));
        ImGui::Separator();
        ImGui::BeginDisabled(info.busy);
        const float fieldWidth = ImGui::GetFontSize() * 18.0f;
        if (ImGui::BeginTable("##joinform", 2)) {
            ImGui::TableSetupColumn("##l", ImGuiTableColumnFlags_WidthFixed);
            ImGui::TableSetupColumn("##f", ImGuiTableColumnFlags_WidthFixed, fieldWidth);
            auto row = [&](UiText label) {
                ImGui::TableNextRow();
                ImGui::TableNextColumn();
                ImGui::AlignTextToFramePadding();
                ImGui::TextUnformatted(tr(label, lang));
                ImGui::TableNextColumn();
                ImGui::SetNextItemWidth(-FLT_MIN);
            };
            bool enter = false;
            const bool appearing = ImGui::IsWindowAppearing();
            row(UiText::JoinName);
            if (appearing && form.name.empty()) ImGui::SetKeyboardFocusHere();
            enter |= ImGui::InputText("##name", &form.name, ImGuiInputTextFlags_EnterReturnsTrue);
            row(UiText::JoinOrg);
            if (appearing && !form.name.empty() && form.org.empty()) ImGui::SetKeyboardFocusHere();
            enter |= ImGui::InputText("##org", &form.org, ImGuiInputTextFlags_EnterReturnsTrue);
            row(UiText::JoinRole);
            if (ImGui::BeginCombo("##role", roleText(form.role, lang))) {
                for (int r = 0; r < int(net::Role::Count); ++r) {
                    bool selected = form.role == net::Role(r);
                    if (ImGui::Selectable(roleText(net::Role(r), lang), selected)) form.role = net::Role(r);
                    if (selected) ImGui::SetItemDefaultFocus();
                }
                ImGui::EndCombo();
            }
            row(UiText::JoinEmail);
            enter |= ImGui::InputText("##email", &form.email, ImGuiInputTextFlags_EnterReturnsTrue);
            if (!form.email.empty() || form.role == net::Role::Organizer || form.role == net::Role::Speaker) {
                row(UiText::JoinPassword);
                enter |= ImGui::InputText("##password", &form.password,
                                          ImGuiInputTextFlags_Password | ImGuiInputTextFlags_EnterReturnsTrue);
            }
            row(UiText::JoinLanguage);
            languageChoice(lang);
            row(UiText::JoinServer);
            ImGui::TextDisabled("%s", info.serverLabel.c_str());
            ImGui::EndTable();
            join = enter;
        }
        ImGui::Spacing();
        if (ImGui::Button(tr(UiText::JoinButton, lang), {-FLT_MIN, 0})) join = true;
        ImGui::EndDisabled();
        if (info.busy) ImGui::TextColored(kDimColour, "%s", tr(UiText::JoinConnecting, lang));
        if (join && !info.busy) {
            form.name = trimmed(form.name);
            form.org = trimmed(form.org);
            form.email = trimmed(form.email);
            form.error.clear();
            // With an e-mail the account supplies name and organization (a hall that lets people
            // register asks for them itself).
            if (!form.email.empty()) {
                if (form.password.empty()) form.error = tr(UiText::JoinPasswordMissing, lang);
            } else if (form.name.empty()) form.error = tr(UiText::JoinNameMissing, lang);
            else if (form.name.size() > net::kMaxNameBytes) form.error = tr(UiText::JoinNameTooLong, lang);
            else if (form.org.empty()) form.error = tr(UiText::JoinOrgMissing, lang);
            else if (form.org.size() > net::kMaxOrgBytes) form.error = tr(UiText::JoinOrgTooLong, lang);
            if (!form.error.empty()) join = false;
        } else {
            join = false;
        }
        if (!form.error.empty()) ImGui::TextColored(kErrorColour, "%s", form.error.c_str());
    }
    ImGui::End();
    return join;
}

// --- top bar ---------------------------------------------------------------------------------

float drawTopBar(const TopBarInfo& info, Language& lang, bool& showHelp) {
    float height = 0;
    if (ImGui::BeginMainMenuBar()) {
        height = ImGui::GetWindowSize().y;
        ImGui::TextColored(kDimColour, "%s", tr(UiText::TopEvent, lang));
        {
            // The event's name takes what the rest of the bar leaves.
            char people[64], fps[48];
            std::snprintf(people, sizeof people, tr(UiText::TopPeople, lang), info.people);
            std::snprintf(fps, sizeof fps, tr(UiText::TopFps, lang), double(info.fps));
            std::string rest = std::string(tr(UiText::TopConnection, lang)) + connStateText(info.state, lang) + people +
                               info.serverNote + tr(UiText::TopLanguage, lang) + tr(UiText::TopHelp, lang) + fps +
                               (info.showDocking ? tr(UiText::TopDocking, lang) : "") +
                               (info.showDirectory ? tr(UiText::TopDirectory, lang) : "");
            float restWidth = ImGui::CalcTextSize(rest.c_str()).x + ImGui::GetStyle().ItemSpacing.x * 16;
            float room = ImGui::GetIO().DisplaySize.x - ImGui::GetCursorPosX() - restWidth;
            std::string name = fitText(info.eventName, std::max(room, ImGui::GetFontSize() * 4));
            ImGui::TextUnformatted(name.c_str());
            if (name != info.eventName && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", info.eventName.c_str());
        }
        ImGui::Separator();
        ImGui::TextColored(kDimColour, "%s", tr(UiText::TopConnection, lang));
        ImVec4 stateColour = info.state == ConnState::Joined ? ImVec4{0.45f, 0.85f, 0.45f, 1.0f}
                             : (info.state == ConnState::Refused || info.state == ConnState::Lost) ? kErrorColour
                                                                                                   : kNoticeColour;
        ImGui::TextColored(stateColour, "%s", connStateText(info.state, lang));
        ImGui::Separator();
        ImGui::Text(tr(UiText::TopPeople, lang), info.people);
        if (!info.serverNote.empty()) {
            ImGui::Separator();
            ImGui::TextColored(kDimColour, "%s", info.serverNote.c_str());
        }
        ImGui::Separator();
        if (ImGui::BeginMenu(labelled(UiText::TopLanguage, lang, "lang").c_str())) {
            for (int i = 0; i < int(Language::Count); ++i)
                if (ImGui::MenuItem(languageName(Language(i)), nullptr, lang == Language(i))) lang = Language(i);
            ImGui::EndMenu();
        }
        if (info.showDocking &&
            ImGui::MenuItem(labelled(UiText::TopDocking, lang, "docking").c_str(), nullptr, *info.showDocking))
            *info.showDocking = !*info.showDocking;
        if (info.showDirectory &&
            ImGui::MenuItem(labelled(UiText::TopDirectory, lang, "directory").c_str(), nullptr, *info.showDirectory))
            *info.showDirectory = !*info.showDirectory;
        if (ImGui::MenuItem(labelled(UiText::TopHelp, lang, "help").c_str(), nullptr, showHelp)) showHelp = !showHelp;
        // FPS at the right edge.
        char fps[48];
        std::snprintf(fps, sizeof fps, tr(UiText::TopFps, lang), double(info.fps));
        float w = ImGui::CalcTextSize(fps).x + ImGui::GetStyle().ItemSpacing.x * 2;
        ImGui::SameLine(std::max(ImGui::GetCursorPosX(), ImGui::GetWindowWidth() - w));
        ImGui::TextColored(kDimColour, "%s", fps);
        ImGui::EndMainMenuBar();
    }
    return height;
}

// --- chat ------------------------------------------------------------------------------------

void ChatPanel::clear() {
    m_log.clear();
    m_lastChatId = 0;
    m_haveChat = false;
    m_noticesSeen = 0;
    m_lastNoticeText.clear();
    m_input.clear();
}

void ChatPanel::collect(const World& world, UiFont& font) {
    for (const auto& line : world.chat()) {
        if (m_haveChat && line.id <= m_lastChatId) continue;
        Entry e;
        e.kind = Entry::Kind::Chat;
        e.unixMs = line.unixMs;
        if (const net::Participant* p = world.participant(line.from)) e.role = p->role;
        e.who = line.fromOrg.empty() ? line.fromName : line.fromName + " (" + line.fromOrg + ")";
        e.text = line.text;
        font.want(e.who);
        font.want(e.text);
        m_log.push_back(std::move(e));
        m_lastChatId = line.id;
        m_haveChat = true;
        m_scrollToBottom = true;
    }
    // Notices are kept in a bounded list; once it is full its size stops growing, so a changed
    // last entry also means one more arrived.
    const auto& notices = world.notices();
    size_t fresh = 0;
    if (notices.size() > m_noticesSeen) fresh = notices.size() - m_noticesSeen;
    else if (!notices.empty() && notices.back().text != m_lastNoticeText) fresh = 1;
    for (size_t i = notices.size() - fresh; i < notices.size(); ++i) {
        Entry e;
        e.kind = notices[i].code == net::NoticeCode::Announcement ? Entry::Kind::Announcement : Entry::Kind::Notice;
        e.unixMs = nowUnixMs();
        e.text = notices[i].text;
        font.want(e.text);
        m_log.push_back(std::move(e));
        m_scrollToBottom = true;
    }
    m_noticesSeen = notices.size();
    if (!notices.empty()) m_lastNoticeText = notices.back().text;
    if (m_log.size() > 1500) m_log.erase(m_log.begin(), m_log.begin() + 500);
}

std::optional<std::string> ChatPanel::draw(Language lang, float topBarHeight, bool focusInput, UiFont& font) {
    ImGuiIO& io = ImGui::GetIO();
    const float w = std::min(ImGui::GetFontSize() * 28.0f, io.DisplaySize.x * 0.45f);
    const float h = std::min(ImGui::GetFontSize() * 13.0f, (io.DisplaySize.y - topBarHeight) * 0.38f);
    ImGui::SetNextWindowPos({kMargin, io.DisplaySize.y - h - kMargin}, ImGuiCond_FirstUseEver);
    ImGui::SetNextWindowSize({w, h}, ImGuiCond_FirstUseEver);
    ImGui::SetNextWindowBgAlpha(0.72f);
    std::optional<std::string> sent;
    if (ImGui::Begin(labelled(UiText::ChatTitle, lang, "chat").c_str())) {
        const float footer = ImGui::GetFrameHeightWithSpacing() + ImGui::GetStyle().ItemSpacing.y;
        ImGui::BeginChild("##log", {0, -footer}, false, ImGuiWindowFlags_HorizontalScrollbar);
        if (m_log.empty()) ImGui::TextColored(kDimColour, "%s", tr(UiText::ChatEmpty, lang));
        ImGui::PushTextWrapPos(0.0f);
        for (const Entry& e : m_log) {
            std::string time = clockText(e.unixMs);
            ImGui::TextColored(kDimColour, "%s", time.c_str());
            ImGui::SameLine();
            switch (e.kind) {
                case Entry::Kind::Chat: {
                    ImGui::PushStyleColor(ImGuiCol_Text, roleColour(e.role));
                    ImGui::TextUnformatted(e.who.c_str());
                    ImGui::PopStyleColor();
                    ImGui::SameLine(0, 0);
                    ImGui::TextUnformatted(":");
                    ImGui::SameLine();
                    ImGui::TextUnformatted(e.text.c_str());
                    break;
                }
                case Entry::Kind::Notice:
                case Entry::Kind::Announcement: {
                    bool ann = e.kind == Entry::Kind::Announcement;
                    ImGui::PushStyleColor(ImGuiCol_Text, ann ? kAnnouncementColour : kNoticeColour);
                    std::string line = std::string("[") + tr(ann ? UiText::ChatAnnouncement : UiText::ChatNotice, lang) +
                                       "] " + e.text;
                    ImGui::TextUnformatted(line.c_str());
                    ImGui::PopStyleColor();
                    break;
                }
            }
        }
        ImGui::PopTextWrapPos();
        // Follow new lines unless the user scrolled up to read.
        if (m_scrollToBottom && ImGui::GetScrollY() >= ImGui::GetScrollMaxY() - ImGui::GetFontSize() * 4)
            ImGui::SetScrollHereY(1.0f);
        m_scrollToBottom = false;
        ImGui::EndChild();
        ImGui::Separator();

        const char* sendLabel = tr(UiText::ChatSend, lang);
        float sendWidth = ImGui::CalcTextSize(sendLabel).x + ImGui::GetStyle().FramePadding.x * 2;
        ImGui::SetNextItemWidth(-(sendWidth + ImGui::GetStyle().ItemSpacing.x));
        if (focusInput) ImGui::SetKeyboardFocusHere();
        bool enter = ImGui::InputTextWithHint("##chatinput", tr(UiText::ChatHint, lang), &m_input,
                                              ImGuiInputTextFlags_EnterReturnsTrue);
        if (enter) ImGui::SetKeyboardFocusHere(-1);  // keep typing after Enter
        font.want(m_input);
        ImGui::SameLine();
        bool button = ImGui::Button(sendLabel);
        if (enter || button) {
            std::string text = trimmed(m_input);
            if (!text.empty()) sent = std::move(text);
            m_input.clear();
            m_scrollToBottom = true;
        }
    }
    ImGui::End();
    return sent;
}

// --- participants ----------------------------------------------------------------------------

void drawParticipants(const World& world, Language lang, float topBarHeight) {
    ImGuiIO& io = ImGui::GetIO();
    const float w = std::min(ImGui::GetFontSize() * 16.0f, io.DisplaySize.x * 0.3f);
    const float h = std::min(ImGui::GetFontSize() * 18.0f, (io.DisplaySize.y - topBarHeight) * 0.45f);
    ImGui::SetNextWindowPos({io.DisplaySize.x - w - kMargin, topBarHeight + kMargin}, ImGuiCond_FirstUseEver);
    ImGui::SetNextWindowSize({w, h}, ImGuiCond_FirstUseEver);
    ImGui::SetNextWindowBgAlpha(0.72f);
    if (ImGui::Begin(labelled(UiText::PeopleTitle, lang, "people").c_str())) {
        const auto& all = world.participants();
        ImGui::Text(tr(UiText::PeopleCount, lang), int(world.peopleInHall()));  // the list: those met so far
        ImGui::Separator();
        std::vector<const net::Participant*> list;
        list.reserve(all.size());
        for (const auto& [id, p] : all) list.push_back(&p);
        // Yourself first, then in the order people came.
        std::stable_partition(list.begin(), list.end(), [&](const net::Participant* p) { return p->id == world.self(); });

        ImGui::BeginChild("##people");
        const float lineH = ImGui::GetTextLineHeight();
        const float itemH = lineH * 2 + ImGui::GetStyle().ItemSpacing.y * 2;
        ImGuiListClipper clipper;
        clipper.Begin(int(list.size()), itemH);
        while (clipper.Step()) {
            for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
                const net::Participant& p = *list[size_t(i)];
                ImVec2 pos = ImGui::GetCursorScreenPos();
                ImGui::GetWindowDrawList()->AddCircleFilled({pos.x + lineH * 0.35f, pos.y + lineH * 0.55f}, lineH * 0.28f,
                                                           roleColour(p.role));
                ImGui::SetCursorPosX(ImGui::GetCursorPosX() + lineH * 0.9f);
                ImGui::BeginGroup();
                ImGui::TextUnformatted(p.name.c_str());
                ImGui::SameLine();
                ImGui::PushStyleColor(ImGuiCol_Text, roleColour(p.role));
                ImGui::TextUnformatted(roleText(p.role, lang));
                ImGui::PopStyleColor();
                if (p.id == world.self()) {
                    ImGui::SameLine();
                    ImGui::TextUnformatted(tr(UiText::PeopleYou, lang));
                }
                ImGui::TextColored(kDimColour, "%s", p.org.c_str());
                ImGui::EndGroup();
            }
        }
        clipper.End();
        ImGui::EndChild();
    }
    ImGui::End();
}

// --- help ------------------------------------------------------------------------------------

void drawHelp(Language lang, bool& open) {
    if (!open) return;
    ImGuiIO& io = ImGui::GetIO();
    ImGui::SetNextWindowPos({io.DisplaySize.x * 0.5f, io.DisplaySize.y * 0.5f}, ImGuiCond_Appearing, {0.5f, 0.5f});
    ImGui::SetNextWindowBgAlpha(0.88f);
    if (ImGui::Begin(labelled(UiText::HelpTitle, lang, "help").c_str(), &open,
                     ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoSavedSettings)) {
        for (UiText t : {UiText::HelpWalk, UiText::HelpRun, UiText::HelpClick, UiText::HelpCamera, UiText::HelpZoom,
                         UiText::HelpChat, UiText::HelpToggle})
            ImGui::BulletText("%s", tr(t, lang));
        ImGui::Spacing();
        if (ImGui::Button(tr(UiText::HelpClose, lang), {-FLT_MIN, 0})) open = false;
    }
    ImGui::End();
}

// --- name tags -------------------------------------------------------------------------------

void drawNameTags(std::vector<NameTag>& tags, ImFont* font, float fontSize) {
    if (!font) return;
    std::sort(tags.begin(), tags.end(), [](const NameTag& a, const NameTag& b) { return a.distance > b.distance; });
    ImDrawList* dl = ImGui::GetBackgroundDrawList();
    const float orgSize = fontSize * 0.78f;
    const float pad = fontSize * 0.3f;
    for (const NameTag& t : tags) {
        // Fade out with distance; near tags are fully opaque.
        float alpha = std::clamp(1.0f - (t.distance - 15.0f) / 10.0f, 0.25f, 1.0f);
        ImVec2 nameSize = font->CalcTextSizeA(fontSize, FLT_MAX, 0.0f, t.name.c_str());
        ImVec2 orgSize2 = t.org.empty() ? ImVec2{0, 0} : font->CalcTextSizeA(orgSize, FLT_MAX, 0.0f, t.org.c_str());
        float w = std::max(nameSize.x, orgSize2.x) + pad * 2 + 4;
        float h = nameSize.y + orgSize2.y + pad * 2;
        ImVec2 min{t.x - w * 0.5f, t.y - h};
        ImVec2 max{t.x + w * 0.5f, t.y};
        dl->AddRectFilled(min, max, ImGui::ColorConvertFloat4ToU32({0.05f, 0.06f, 0.08f, 0.62f * alpha}), pad);
        dl->AddRectFilled(min, {min.x + 4, max.y}, roleColour(t.role, alpha), pad, ImDrawFlags_RoundCornersLeft);
        if (t.self)
            dl->AddRect(min, max, ImGui::ColorConvertFloat4ToU32({1.0f, 0.85f, 0.35f, 0.9f * alpha}), pad, 0, 1.5f);
        float cx = t.x + 2;
        dl->AddText(font, fontSize, {cx - nameSize.x * 0.5f, min.y + pad},
                    ImGui::ColorConvertFloat4ToU32({1, 1, 1, alpha}), t.name.c_str());
        if (!t.org.empty())
            dl->AddText(font, orgSize, {cx - orgSize2.x * 0.5f, min.y + pad + nameSize.y},
                        ImGui::ColorConvertFloat4ToU32({0.78f, 0.82f, 0.88f, alpha}), t.org.c_str());
    }
}

// --- booth hover -----------------------------------------------------------------------------

void drawBoothTooltip(const net::Booth& booth, Language lang) {
    ImGui::BeginTooltip();
    ImGui::TextUnformatted(booth.owner.name.in(isChinese(lang)).c_str());
    const std::string& brochure = booth.brochure.in(isChinese(lang));
    if (!brochure.empty()) {
        ImGui::PushTextWrapPos(ImGui::GetFontSize() * 22.0f);
        ImGui::TextColored(kDimColour, "%s", brochure.c_str());
        ImGui::PopTextWrapPos();
    }
    ImGui::TextColored(kAnnouncementColour, "%s", tr(UiText::BoothClickToVisit, lang));
    ImGui::EndTooltip();
}

// --- refusal / lost modal ---------------------------------------------------------------------

bool drawConnectionModal(bool whileJoining, const std::string& text, Language lang) {
    const char* id = "###connmodal";
    std::string title = std::string(tr(whileJoining ? UiText::ModalRefusedTitle : UiText::ModalLostTitle, lang)) + id;
    if (!ImGui::IsPopupOpen(id)) ImGui::OpenPopup(id);
    ImGuiIO& io = ImGui::GetIO();
    ImGui::SetNextWindowPos({io.DisplaySize.x * 0.5f, io.DisplaySize.y * 0.5f}, ImGuiCond_Always, {0.5f, 0.5f});
    bool back = false;
    if (ImGui::BeginPopupModal(title.c_str(), nullptr, ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoMove)) {
        ImGui::PushTextWrapPos(ImGui::GetFontSize() * 26.0f);
        ImGui::TextUnformatted(text.c_str());
        ImGui::PopTextWrapPos();
        ImGui::Spacing();
        if (ImGui::Button(tr(UiText::ModalBack, lang), {-FLT_MIN, 0})) {
            back = true;
            ImGui::CloseCurrentPopup();
        }
        ImGui::EndPopup();
    }
    return back;
}

}  // namespace client
