// docking_panels.h: the docking window of the hall client: the board of needs and capabilities
// (search and filters), "For you" with the reasons of each match, the post form (new, edit,
// withdraw; organizers hide), my schedule (meeting requests and answers, slots, tables, "Go to
// table", table chat, notes and outcome), business cards with vCard export, and an exhibitor's
// visitor leads.
//
// It reads and writes only the connection's DockingState (client/core/docking_state.h): what it
// asks for goes out with the connection's next update, and what the server answers shows up in
// later frames. Every string comes from the i18n table or from the server.
//
//   DockingPanels docking;
//   if (showDocking) docking.draw(conn, lang, topBarHeight, font, showDocking);
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "client/core/connection.h"
#include "client/ui/i18n.h"

namespace client {

class UiFont;

class DockingPanels {
public:
    // Draws the window while `open`; its close button clears `open`.
    void draw(Connection& conn, Language lang, float topBarHeight, UiFont& font, bool& open);
    // Brings a tab to the front on the next draw: "board", "foryou", "post", "schedule",
    // "contacts" or "leads". False for another name.
    bool selectTab(const std::string& tab);
    // Forgets the forms and selections (a new connection).
    void clear() { *this = DockingPanels(); }

private:
    void drawBoard(Connection& conn, Language lang, UiFont& font);
    void drawPostDetail(Connection& conn, const net::PostView& p, Language lang, UiFont& font);
    void drawForYou(Connection& conn, Language lang, UiFont& font);
    void drawPostForm(Connection& conn, Language lang, UiFont& font);
    void drawSchedule(Connection& conn, Language lang, UiFont& font);
    void drawMeeting(Connection& conn, const net::MeetingView& m, Language lang, UiFont& font);
    void drawContacts(Connection& conn, Language lang, UiFont& font);
    void drawLeads(Connection& conn, Language lang, UiFont& font);
    bool drawSlotChooser(const DockingState& d, Language lang);  // false: the event has no slots
    void runSearch(DockingState& d);
    void startEdit(const net::PostView& p);
    void drawFieldAdder(DockingState& d, Language lang, UiFont& font);
    void drawAchievements(Language lang, UiFont& font);

    std::string m_selectTab;        // selectTab(): honoured on the next draw
    // Board
    std::string m_query;
    int m_kind = 0;                 // 0 all, 1 needs, 2 capabilities
    std::string m_field;            // "" any
    uint8_t m_orgKinds = 0;         // bit per OrgKind
    bool m_searchedOnce = false;
    uint32_t m_lastResultsVersion = 0;
    uint32_t m_selected = 0;        // post shown in full
    int m_slot = 0;                 // index into DockingState::slots()
    // Post form
    net::PostView m_form;
    uint32_t m_formReq = 0;
    std::string m_deadline;         // as typed: YYYY-MM-DD, empty = open-ended
    bool m_deadlineBad = false;
    // Organizer: a new taxonomy field
    net::DockField m_newField;
    uint32_t m_fieldReq = 0;
    // Meetings
    std::map<uint32_t, std::string> m_notes;
    std::map<uint32_t, int> m_outcomes;
    std::string m_tableInput;
    uint32_t m_organizerNeed = 0, m_organizerCap = 0;
    // Contacts
    net::BusinessCard m_card;
    int m_exchangeWith = 0;         // participant id
    std::string m_exportPath;       // where the vCard goes (default: the home folder)
    std::string m_exported;
    // Status line: the last reply's words
    uint32_t m_statusVersion = 0;
};

}  // namespace client
