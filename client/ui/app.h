// app.h: the hall client application: window, frame loop, camera, input and panels.
//
// One App is one window joined (or joining) one hall:
//
//   Join dialog --Join--> Connecting --Welcome--> Hall
//        ^                     |                    |
//        +---- Back to join ---+--- Refused/Lost ---+   (a modal shows the server's words)
//
// Each frame: poll input, service the connection, send one MoveInput per 1/30 s (keys, or the
// pilot after a click on a booth), interpolate the world, draw the 3D hall (sRGB framebuffer on)
// and then the ImGui panels and name tags (sRGB off: ImGui's colours are sRGB already).
//
// The embedded server, when there is one, is the caller's business (client/main.cpp): the app only
// connects to an address. It never owns server code.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <glm/glm.hpp>

#include "client/core/asset_cache.h"
#include "client/core/connection.h"
#include "client/core/pilot.h"
#include "client/ui/asset_upload_panel.h"
#include "client/ui/camera.h"
#include "client/ui/directory.h"
#include "client/ui/docking_panels.h"
#include "client/ui/stage_panels.h"
#include "client/ui/stage_scene.h"
#include "client/ui/glyphs.h"
#include "client/ui/i18n.h"
#include "client/ui/inspector.h"
#include "client/ui/panels.h"
#include "net/transport/secure.h"

struct GLFWwindow;

namespace net {
class EnetTransport;
}

namespace client {

class Renderer;
struct AvatarInstance;
struct CameraView;

struct AppDesc {
    std::string host = "127.0.0.1";       // server to join
    uint16_t port = 7777;
    bool embeddedServer = false;           // the server runs in this process (on `port`)
    std::optional<net::LinkPublicKey> serverKey;  // the server's key (invitation); none = pin it
    std::string knownServersPath;          // keys pinned on first use ("" = accept any key)
    JoinRequest join;                      // prefills the join dialog
    bool joinAtOnce = false;               // skip the dialog and join with `join`
    Language language = Language::Chinese;
    int width = 1280, height = 720;
    std::string assetsDir;                 // for the renderer
    std::string assetCacheDir;             // downloaded models; "" = AssetCache::defaultDir()
    std::string fontPath;                  // CJK font; "" = findCjkFont()
    std::optional<net::EventLayout> preview;  // a hall to show behind the join dialog
    std::string screenshotPath;            // set: N frames after joining, save the window, exit
    int screenshotFrames = 60;
    std::optional<FixedCamera> camera;     // fixed camera instead of the orbit camera
    std::string dockingTab;                // the docking window's tab shown first ("" = board)
    bool dockingOpen = true;               // the docking window is open on joining
    std::optional<std::string> directoryQuery;  // set: the booth directory opens with this search
    std::string photoDir;                  // where the signing moment's group picture goes ("" = defaultPhotoDir())
    const std::atomic<bool>* stop = nullptr;  // set from outside (SIGINT): leave and close
};

class App {
public:
    explicit App(AppDesc desc);
    ~App();
    App(const App&) = delete;
    App& operator=(const App&) = delete;

    // Opens the window and runs until it is closed (or the screenshot is saved). Returns the
    // process exit code: 0 on success, non-zero with a message on stderr otherwise.
    int run();

    // For GLFW's callbacks (found through glfwGetWindowUserPointer).
    void onContentScale(float scale);
    void onKey(int key, int action);

private:
    enum class Phase : uint8_t {
        Join,        // the join dialog
        Connecting,  // dialog disabled, waiting for Welcome
        Hall,        // in the hall
        Failed,      // refused or lost: the modal with the server's words
    };

    bool openWindow(std::string& error);
    bool initUi(std::string& error);
    bool initRenderer(const net::EventLayout& layout, std::string& error);
    void startJoin();
    void leave();
    void frame();
    void updateConnection(uint64_t nowMs);
    bool updateView(uint64_t nowMs, CameraView& view);
    void aimBehind(float yaw);  // once per join: the camera starts behind the avatar's facing
    void handleHallInput();
    void sendInputTick();
    void drawPanels();
    void drawWayfinding();  // booth directory and minimap: both walk the pilot
    void walkToBooth(size_t booth);
    void updatePresentation(uint64_t nowMs);
    std::string failureText(Language lang) const;  // what the failure modal says
    void collectNameTags(const glm::mat4& viewProj, glm::vec3 eye, const std::vector<AvatarInstance>& avatars);
    void logFrameTimes();
    bool screenshotDone(uint64_t nowMs);
    bool saveScreenshot();
    float uiFontPixels() const;

    AppDesc m_desc;
    GLFWwindow* m_window = nullptr;
    bool m_imguiReady = false;
    std::unique_ptr<Renderer> m_renderer;
    bool m_rendererReady = false;
    std::vector<uint8_t> m_rendererLayoutKey;  // the encoded layout the renderer was built for
    UiFont m_font;
    float m_contentScale = 1.0f;
    ChatPanel m_chat;
    Inspector m_inspector;          // open: the clicked exhibit replaces the hall view
    DockingPanels m_dockingPanels;
    BoothDirectory m_directory;
    bool m_showDirectory = false;
    int m_directoryHover = -1;      // booth hovered in the directory list (lit on the minimap)
    // Present: what I follow and what I sent (updatePresentation)
    uint32_t m_presentSeen = 0, m_presentEndedSeen = 0;
    net::ParticipantId m_presentDeclined;   // "Stop following" this presenter until they stop
    std::optional<net::PresentSet> m_presentSent;
    uint64_t m_presentSentMs = 0;
    StagePanels m_stagePanels;
    std::unique_ptr<StageScene> m_stageScene;  // the stage in 3D: big screen, handshake, group picture
    uint32_t m_stageCallsSeen = 0;  // StageState::callsReceived() already turned to
    bool m_showDocking = true;
    JoinForm m_form;
    net::SessionToken m_sessionToken;     // from the last Welcome; presented when joining again
    static constexpr int kMaxRejoinTries = 5;
    static constexpr uint64_t kRejoinDelayMs = 1500;
    int m_rejoinTries = 0;                // automatic rejoins since the hall was last reached
    uint64_t m_rejoinAtMs = 0;            // when the next one starts (0: none pending)
    Language m_lang = Language::Chinese;
    Language m_rendererLang = Language::Count;

    std::unique_ptr<net::EnetTransport> m_transport;
    std::unique_ptr<Connection> m_conn;
    Phase m_phase = Phase::Join;
    bool m_wasInHall = false;       // this connection got into the hall (Failed: keep showing it)
    bool m_failedUnreachable = false;  // the transport never came up: nobody at that address
    std::string m_failedText;

    Pilot m_pilot;
    OrbitCamera m_camera;
    bool m_cameraAimed = false;     // the orbit yaw was set from the avatar's facing
    float m_facing = 0;             // last facing sent, kept while idle
    double m_frameSeconds = 0;         // the last frame's duration, unclamped
    std::vector<float> m_hallFrameMs;  // screenshot run: frame times in the hall
    client::InputClock m_inputClock;  // one MoveInput per server tick, whatever the frame rate
    float m_keyForward = 0, m_keyRight = 0;
    bool m_keyRun = false;
    int m_hoverBooth = -1;          // index of the booth under the mouse, -1 = none
    glm::mat4 m_lastViewProj{1.0f};  // the view drawn last frame, for picking under the mouse
    bool m_haveViewProj = false;
    bool m_showHelp = false;
    bool m_focusChat = false;
    // Key presses seen by the GLFW callback since the last frame: a tap shorter than a slow frame
    // would be lost to polling (and to ImGui 1.86, which has no input queue).
    bool m_pressedF1 = false;
    bool m_pressedEnter = false;
    float m_topBarHeight = 0;
    float m_previewAngle = 0;       // slow orbit over the hall behind the join dialog

    double m_lastTime = 0;
    float m_dt = 0;
    float m_fps = 0;
    int m_fpsFrames = 0;
    double m_fpsSince = 0;
    uint64_t m_startMs = 0;

    // Screenshot mode.
    int m_framesInHall = 0;
    uint64_t m_joinedAtMs = 0;
    std::optional<int> m_exitCode;

    // Per frame, kept to avoid reallocating.
    std::vector<AvatarInstance> m_avatars;
    std::vector<net::ParticipantId> m_lastShown;  // who each entry of m_avatars is
    std::vector<NameTag> m_tags;

    // Model downloads (asset_fetcher.h): the renderer is rebuilt as models arrive.
    net::EventLayout hallForRenderer(const net::EventLayout& event) const;
    void refreshModels(uint64_t nowMs);
    std::unique_ptr<AssetCache> m_assetCache;
    UploadPanel m_uploadPanel;      // exhibitors: add an exhibit to their booth
    uint64_t m_modelsRebuiltMs = 0;
};

}  // namespace client
