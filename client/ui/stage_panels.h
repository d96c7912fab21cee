// stage_panels.h: the stage in the hall client: the agenda's "now / next" strip, the announcement
// banner, the organizer's console (announce; mute, kick, ban, role, summon for a selected
// participant; live figures and booth locks; draft an agreement; run the ceremony; upload slides
// and advance them; all eyes on stage), a speaker's small slides window (upload, turn, clear),
// the big screen's current slide, the representative's
// signing dialog, calls to the stage, and the signed moment (a
// certificate overlay with the parties' names, a celebration and the group picture's thumbnail).
//
// It reads and writes only the connection's StageState (client/core/stage_state.h); the signing
// key comes from client::KeyStore (client/core/keys.h), registered with the server once per
// connection. Every string comes from the i18n table or from the server.
//
//   StagePanels stage({.keyDir = client::defaultKeyDir(), .keyLabel = "host:7777"});
//   stage.draw(conn, lang, topBarHeight, font, nowUnixMs);
#pragma once

#include <cstdint>
#include <string>

#include "client/core/connection.h"
#include "client/ui/i18n.h"

namespace client {

class UiFont;
struct GroupPhotoState;

struct StagePanelsDesc {
    std::string keyDir;    // where this machine keeps signing keys ("" = none: signing is not possible)
    std::string keyLabel;  // the hall's "host:port"; a key belongs to (hall, account)
};

class StagePanels {
public:
    // The agenda strip's height under the top bar (0 when the event has no agenda): panels that
    // sit at the top start below it.
    static float agendaHeight(const Connection& conn);
    explicit StagePanels(StagePanelsDesc desc = {}) : m_desc(std::move(desc)) {}

    // `photo`: the signing moment's group picture (client/ui/stage_scene.h), shown in the moment
    // window; nullptr = none.
    void draw(Connection& conn, Language lang, float topBarHeight, UiFont& font, int64_t nowUnixMs,
              const GroupPhotoState* photo = nullptr);
    // Forgets forms, selections, the key and the slide texture (a new connection). Needs the GL
    // context the texture was made in.
    void clear();

private:
    void ensureKey(Connection& conn);
    void drawAgenda(Connection& conn, Language lang, float topBarHeight, UiFont& font, int64_t nowUnixMs);
    void drawBanner(Connection& conn, Language lang, float topBarHeight, UiFont& font);
    void drawConsole(Connection& conn, Language lang, UiFont& font);
    void drawPeople(Connection& conn, Language lang, UiFont& font);
    void drawFigures(Connection& conn, Language lang, UiFont& font);
    void drawDraft(Connection& conn, Language lang, UiFont& font);
    void drawCeremonies(Connection& conn, Language lang, UiFont& font);
    void drawSigning(Connection& conn, Language lang, UiFont& font);
    void drawMoment(Connection& conn, Language lang, UiFont& font, int64_t nowUnixMs, const GroupPhotoState* photo);
    void drawStatus(const Connection& conn, Language lang, UiFont& font);
    void drawSlidesTab(Connection& conn, Language lang, UiFont& font);
    void drawSpeakerSlides(Connection& conn, Language lang, UiFont& font);
    void drawBigScreen(Connection& conn, Language lang);

    StagePanelsDesc m_desc;
    bool m_showConsole = false;
    bool m_showSlides = false;      // a speaker's slides window
    // Key
    bool m_keyTried = false;
    bool m_haveKey = false;
    AccountKey m_key;
    std::string m_keyError;
    // Console
    net::LocalText m_announce;
    uint32_t m_selected = 0;        // account chosen in the roster
    int m_role = 0;
    net::Agreement m_draft;
    bool m_draftStarted = false;
    // Slides
    std::string m_slidePath;
    uint32_t m_textureSlide = 0;    // the slide id the texture holds
    unsigned m_texture = 0;         // GL texture name, 0 = none
    int m_textureW = 0, m_textureH = 0;
    // Signed moment
    uint32_t m_momentShown = 0;     // ceremony whose moment is on screen
    int64_t m_momentSinceMs = 0;
    uint32_t m_dismissedSigning = 0;
};

}  // namespace client
