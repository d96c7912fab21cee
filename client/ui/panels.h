// panels.h: the Dear ImGui panels of the hall client.
//
// Each panel is a function (or a small class where it keeps state between frames, like the chat
// input) that draws from what it is given and returns what the user asked for; none of them
// talks to the network. All text comes from the i18n table or from the server. Call them
// between ImGui::NewFrame() and ImGui::Render().
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "client/core/connection.h"
#include "client/core/world.h"
#include "client/ui/i18n.h"

struct ImDrawList;
struct ImFont;

namespace client {

class UiFont;

// The role's accent colour, as ImGui's packed ABGR.
uint32_t roleColour(net::Role role, float alpha = 1.0f);

// --- join dialog -----------------------------------------------------------------------------

struct JoinForm {
    std::string name;
    std::string org;
    net::Role role = net::Role::Attendee;
    std::string email;        // an account's e-mail; empty: join an open hall by name
    std::string password;     // the account's password, or an open hall's organizer password
    std::string error;        // validation message shown under the fields
};

struct JoinDialogInfo {
    std::string serverLabel;  // "127.0.0.1:7777" or the embedded server's words
    bool busy = false;        // connecting: fields and button disabled
};

// Draws the join dialog centred in the window. Returns true when the user pressed Join with a
// valid form. May change `lang` (language choice).
bool drawJoinDialog(JoinForm& form, Language& lang, const JoinDialogInfo& info);

// --- top bar ---------------------------------------------------------------------------------

struct TopBarInfo {
    std::string eventName;
    ConnState state = ConnState::Connecting;
    int people = 0;
    float fps = 0;
    std::string serverNote;   // e.g. "hosting on port 7777", empty when not hosting
    bool* showDocking = nullptr;  // set: a menu item toggles the docking window
    bool* showDirectory = nullptr;  // set: a menu item toggles the booth directory
};

// Draws the main menu bar. May change `lang` and toggle `showHelp`. Returns the bar's height.
float drawTopBar(const TopBarInfo& info, Language& lang, bool& showHelp);

// --- chat ------------------------------------------------------------------------------------

class ChatPanel {
public:
    // Picks up new chat lines and notices from the world (call once per frame before draw()).
    // Every new text is passed to `font` so its characters get into the atlas.
    void collect(const World& world, UiFont& font);
    // Draws the panel. Returns a line the user sent, if any. `focusInput` puts the keyboard
    // focus into the input line (Enter pressed in the hall).
    std::optional<std::string> draw(Language lang, float topBarHeight, bool focusInput, UiFont& font);
    // Forgets everything (a new connection).
    void clear();

private:
    struct Entry {
        enum class Kind : uint8_t { Chat, Notice, Announcement } kind = Kind::Chat;
        int64_t unixMs = 0;
        net::Role role = net::Role::Attendee;
        std::string who;      // "name (org)" for chat
        std::string text;
    };
    std::vector<Entry> m_log;
    uint32_t m_lastChatId = 0;
    bool m_haveChat = false;
    size_t m_noticesSeen = 0;
    std::string m_lastNoticeText;
    std::string m_input;
    bool m_scrollToBottom = false;
};

// --- participants ----------------------------------------------------------------------------

void drawParticipants(const World& world, Language lang, float topBarHeight);

// --- help ------------------------------------------------------------------------------------

// Draws the controls overlay while `open`; its Close button clears `open`.
void drawHelp(Language lang, bool& open);

// --- name tags -------------------------------------------------------------------------------

struct NameTag {
    float x = 0, y = 0;       // screen position of the point above the head (window units)
    float distance = 0;       // metres from the camera, for fading and ordering
    std::string name, org;
    net::Role role = net::Role::Attendee;
    bool self = false;
};

// Draws tags on the background draw list, far ones first so near ones stay readable.
void drawNameTags(std::vector<NameTag>& tags, ImFont* font, float fontSize);

// --- booth hover -----------------------------------------------------------------------------

// A tooltip with the booth owner's name near the mouse.
void drawBoothTooltip(const net::Booth& booth, Language lang);

// --- refusal / lost modal ---------------------------------------------------------------------

// Draws a modal with the server's (or the app's) words, titled "could not join" while joining or
// "connection lost" after. Returns true when "Back to join" is pressed.
bool drawConnectionModal(bool whileJoining, const std::string& text, Language lang);

}  // namespace client
