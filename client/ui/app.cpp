// app.cpp: window, frame loop, camera, input, screenshot.
#include "client/ui/app.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <thread>

#include <epoxy/gl.h>
#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <imgui.h>
#include <spdlog/spdlog.h>

#include "client/render/fonts.h"
#include "client/render/renderer.h"
#include "client/ui/asset_panel.h"
#include "net/protocol/messages.h"
#include "net/transport/enet_transport.h"

namespace client {

namespace {

constexpr float kUiFontSize = 18.0f;        // px at content scale 1
constexpr float kFovYDeg = 60.0f;
constexpr float kNearZ = 0.1f;
constexpr float kFarZ = 400.0f;
constexpr float kTagHeight = 2.0f;          // metres above the feet where a name tag sits
constexpr float kTagMaxDistance = 25.0f;
constexpr size_t kTagMaxCount = 24;         // a crowd of tags is unreadable; the nearest and the aimed-at
constexpr float kMouseTurnRadPerPixel = 0.005f;
constexpr uint64_t kScreenshotWaitForSelfMs = 5000;  // frames count anyway after this
constexpr uint64_t kScreenshotGiveUpMs = 90000;
constexpr uint32_t kConnectTimeoutMs = 5000;
constexpr double kMaxFps = 240.0;

uint64_t monoMs() {
    using namespace std::chrono;
    return uint64_t(duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count());
}

void onGlfwError(int code, const char* text) { spdlog::error("glfw {}: {}", code, text); }

void onGlfwContentScale(GLFWwindow* window, float xscale, float /*yscale*/) {
    if (auto* app = static_cast<App*>(glfwGetWindowUserPointer(window))) app->onContentScale(xscale);
}

// Installed before ImGui's own callbacks, which call it after theirs.
void onGlfwKey(GLFWwindow* window, int key, int /*scancode*/, int action, int /*mods*/) {
    if (auto* app = static_cast<App*>(glfwGetWindowUserPointer(window))) app->onKey(key, action);
}

template <typename F> void forEachLayoutText(const net::EventLayout& ev, F&& f) {
    auto local = [&](const net::LocalText& t) {
        f(t.zh);
        f(t.en);
    };
    local(ev.name);
    for (const auto& z : ev.zones) local(z.name);
    for (const auto& b : ev.booths) {
        local(b.owner.name);
        local(b.brochure);
        for (const auto& e : b.exhibits) {
            local(e.title);
            local(e.process);
            local(e.description);
            f(e.material);
        }
    }
    for (const auto& a : ev.agenda) {
        local(a.title);
        local(a.place);
    }
}

// Bytes that identify a layout as the wire carries it (quantized), to tell whether the renderer
// already shows the hall a Welcome brings.
std::vector<uint8_t> layoutKey(const net::EventLayout& layout) {
    net::Welcome w;
    w.you = net::ParticipantId{1};
    w.event = layout;
    return net::encode(w);
}

std::string formatText(UiText id, Language lang, unsigned value) {
    char buf[256];
    std::snprintf(buf, sizeof buf, tr(id, lang), value);
    return buf;
}

}  // namespace

App::App(AppDesc desc) : m_desc(std::move(desc)) {
    m_lang = m_desc.language;
    m_form.name = m_desc.join.name;
    m_form.org = m_desc.join.org;
    m_form.role = m_desc.join.role;
    m_form.password = m_desc.join.password;
    m_form.email = m_desc.join.email;
    m_stageScene = std::make_unique<StageScene>(StageSceneDesc{.photoDir = m_desc.photoDir});
    m_showDocking = m_desc.dockingOpen;
}

App::~App() {
    leave();
    if (m_renderer && m_rendererReady) m_renderer->shutdown();
    m_renderer.reset();
    m_stageScene.reset();  // its thumbnail texture, while the context is still there
    if (m_imguiReady) {
        ImGui_ImplOpenGL3_Shutdown();
        ImGui_ImplGlfw_Shutdown();
        ImGui::DestroyContext();
    }
    if (m_window) glfwDestroyWindow(m_window);
    glfwTerminate();
}

float App::uiFontPixels() const { return kUiFontSize * m_contentScale; }

bool App::openWindow(std::string& error) {
    glfwSetErrorCallback(onGlfwError);
    if (!glfwInit()) {
        error = "cannot initialise GLFW (no display? set DISPLAY, or run under Xvfb)";
        return false;
    }
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 4);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 1);
    glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
    glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
    glfwWindowHint(GLFW_SAMPLES, 4);
    glfwWindowHint(GLFW_SRGB_CAPABLE, GLFW_TRUE);
    glfwWindowHint(GLFW_SCALE_TO_MONITOR, m_desc.screenshotPath.empty() ? GLFW_TRUE : GLFW_FALSE);
    m_window = glfwCreateWindow(m_desc.width, m_desc.height, "Dockhall", nullptr, nullptr);
    if (!m_window) {
        error = "cannot open a window with OpenGL 4.1 core (update the graphics driver, or use Mesa)";
        return false;
    }
    glfwSetWindowUserPointer(m_window, this);
    glfwSetWindowContentScaleCallback(m_window, onGlfwContentScale);
    glfwSetKeyCallback(m_window, onGlfwKey);
    glfwMakeContextCurrent(m_window);
    glfwSwapInterval(1);
    float xs = 1, ys = 1;
    glfwGetWindowContentScale(m_window, &xs, &ys);
    m_contentScale = std::clamp(xs, 0.5f, 4.0f);
    spdlog::info("OpenGL {} on {} (GLSL {})", reinterpret_cast<const char*>(glGetString(GL_VERSION)),
                 reinterpret_cast<const char*>(glGetString(GL_RENDERER)),
                 reinterpret_cast<const char*>(glGetString(GL_SHADING_LANGUAGE_VERSION)));
    GLint encoding = GL_LINEAR, samples = 0;
    glGetFramebufferAttachmentParameteriv(GL_FRAMEBUFFER, GL_BACK_LEFT, GL_FRAMEBUFFER_ATTACHMENT_COLOR_ENCODING, &encoding);
    glGetIntegerv(GL_SAMPLES, &samples);
    spdlog::info("window framebuffer: {}x MSAA, {}", samples, encoding == GL_SRGB ? "sRGB" : "linear");
    if (encoding != GL_SRGB) spdlog::warn("the window's framebuffer is not sRGB-capable; the hall will look darker");
    return true;
}

bool App::initUi(std::string& error) {
    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;  // panels start where the app puts them
    ImGui::StyleColorsDark();
    ImGuiStyle& style = ImGui::GetStyle();
    style.WindowRounding = 6.0f;
    style.FrameRounding = 4.0f;
    style.PopupRounding = 4.0f;
    style.GrabRounding = 4.0f;
    style.WindowBorderSize = 0.0f;
    if (!ImGui_ImplGlfw_InitForOpenGL(m_window, true) || !ImGui_ImplOpenGL3_Init("#version 410")) {
        error = "cannot initialise Dear ImGui's GLFW / OpenGL3 backends";
        return false;
    }
    m_imguiReady = true;

    int winW = 0, fbW = 0, h = 0;
    glfwGetWindowSize(m_window, &winW, &h);
    glfwGetFramebufferSize(m_window, &fbW, &h);
    const float fbScale = winW > 0 ? float(fbW) / float(winW) : 1.0f;
    float pixels = uiFontPixels(), globalScale = 1.0f;
    if (fbScale > 1.01f) {  // Retina: window units are not pixels; sharp text at the pixel size
        pixels = kUiFontSize * fbScale;
        globalScale = 1.0f / fbScale;
    } else {
        style.ScaleAllSizes(m_contentScale);
    }

    std::vector<std::string> extra;
    for (int i = 0; i < int(UiText::Count); ++i)
        for (int l = 0; l < int(Language::Count); ++l) extra.emplace_back(tr(UiText(i), Language(l)));
    for (int l = 0; l < int(Language::Count); ++l) extra.emplace_back(languageName(Language(l)));
    extra.push_back(m_form.name);
    extra.push_back(m_form.org);
    if (m_desc.preview) forEachLayoutText(*m_desc.preview, [&](const std::string& s) { extra.push_back(s); });

    std::string fontPath = m_desc.fontPath.empty() ? findCjkFont() : m_desc.fontPath;
    if (fontPath.empty()) {
        error = "no CJK font found; install fonts-wqy-microhei or fonts-noto-cjk, or pass --font";
        return false;
    }
    if (!m_font.init(fontPath, pixels, globalScale, extra, &error)) return false;
    spdlog::info("UI font {} at {:.0f} px, {} characters", fontPath, pixels, m_font.glyphCount());
    return true;
}

void App::onContentScale(float scale) {
    scale = std::clamp(scale, 0.5f, 4.0f);
    if (std::abs(scale - m_contentScale) < 0.01f) return;
    float ratio = scale / m_contentScale;
    m_contentScale = scale;
    int winW = 0, fbW = 0, h = 0;
    glfwGetWindowSize(m_window, &winW, &h);
    glfwGetFramebufferSize(m_window, &fbW, &h);
    if (winW > 0 && fbW > winW) {
        float fbScale = float(fbW) / float(winW);
        m_font.setPixelSize(kUiFontSize * fbScale, 1.0f / fbScale);
    } else {
        m_font.setPixelSize(uiFontPixels(), 1.0f);
        ImGui::GetStyle().ScaleAllSizes(ratio);
    }
}

void App::onKey(int key, int action) {
    if (action != GLFW_PRESS) return;
    if (key == GLFW_KEY_F1) m_pressedF1 = true;
    if (key == GLFW_KEY_ENTER || key == GLFW_KEY_KP_ENTER) m_pressedEnter = true;
}

bool App::initRenderer(const net::EventLayout& layout, std::string& error) {
    std::vector<uint8_t> key = layoutKey(layout);
    if (m_rendererReady && key == m_rendererLayoutKey) return true;
    if (!m_renderer) m_renderer = std::make_unique<Renderer>();
    if (m_rendererReady) m_renderer->shutdown();
    m_rendererReady = false;
    RendererDesc desc;
    desc.assetsDir = m_desc.assetsDir;
    desc.fontPath = m_desc.fontPath.empty() ? findCjkFont() : m_desc.fontPath;
    spdlog::debug("building the hall's GPU resources ({} booths)", layout.booths.size());
    if (!m_renderer->init(layout, desc, &error)) return false;
    for (const auto& w : m_renderer->warnings()) spdlog::warn("renderer: {}", w);
    m_rendererReady = true;
    m_rendererLayoutKey = std::move(key);
    m_rendererLang = Language::Count;
    forEachLayoutText(layout, [&](const std::string& s) { m_font.want(s); });
    for (const net::AgendaItem& a : layout.agenda) m_font.want(a.speakers);
    return true;
}

// The layout as the renderer should load it: each exhibit the server serves a model for points at
// that model in the download cache, or in the local assets folder when it holds the same file
// (the embedded demo); while it is still downloading, at a placeholder. Exhibits the server
// serves nothing for keep their local path (tests, a hall without baked models).
net::EventLayout App::hallForRenderer(const net::EventLayout& event) const {
    net::EventLayout out = event;
    const AssetFetcher* fetcher = m_conn ? m_conn->assets() : nullptr;
    if (!fetcher) return out;
    for (size_t b = 0; b < out.booths.size(); ++b) {
        for (size_t e = 0; e < out.booths[b].exhibits.size(); ++e) {
            net::Exhibit& x = out.booths[b].exhibits[e];
            if (auto cached = fetcher->fileFor(uint16_t(b), uint8_t(e))) {
                x.asset = *cached;
            } else if (auto hash = fetcher->hashFor(uint16_t(b), uint8_t(e))) {
                const std::filesystem::path local =
                    std::filesystem::path(m_desc.assetsDir) / "models" / "baked" / (hash->hex() + ".dhm");
                std::error_code ec;
                x.asset = std::filesystem::is_regular_file(local, ec) ? local.string() : std::string(kPendingAsset) + x.asset;
            }
        }
    }
    return out;
}

// Rebuilds the hall's models when downloads brought new ones: at once when none is left, at
// most every few seconds while some are still running, never under an open inspector.
void App::refreshModels(uint64_t nowMs) {
    const AssetFetcher* fetcher = m_conn ? m_conn->assets() : nullptr;
    if (!fetcher || !m_rendererReady || m_inspector.isOpen()) return;
    if (fetcher->busy() && nowMs - m_modelsRebuiltMs < 3000) return;
    if (!fetcher->busy() && nowMs - m_modelsRebuiltMs < 250) return;
    m_modelsRebuiltMs = nowMs;
    std::string error;
    if (!initRenderer(hallForRenderer(m_conn->world().event()), error))
        spdlog::warn("could not rebuild the hall's models: {}", error);
}

void App::startJoin() {
    leave();
    m_wasInHall = false;
    m_chat.clear();
    m_dockingPanels.clear();
    m_stagePanels.clear();  // its slide texture goes with the old connection
    m_stageScene->clear();
    m_stagePanels = StagePanels({.keyDir = defaultKeyDir(), .keyLabel = m_desc.host + ":" + std::to_string(m_desc.port)});
    m_stageCallsSeen = 0;
    m_presentSeen = m_presentEndedSeen = 0;
    m_presentDeclined = {};
    m_presentSent.reset();
    if (!m_desc.dockingTab.empty()) m_dockingPanels.selectTab(m_desc.dockingTab);
    if (m_desc.directoryQuery) {
        m_directory.setQuery(*m_desc.directoryQuery);
        m_showDirectory = true;
    }
    m_camera.reset();
    m_cameraAimed = false;
    m_inputClock = {};
    m_framesInHall = 0;
    m_hallFrameMs.clear();
    m_joinedAtMs = 0;
    std::string error;
    m_failedUnreachable = false;
    m_transport = net::EnetTransport::connect({.host = m_desc.host, .port = m_desc.port, .timeoutMs = kConnectTimeoutMs,
                                               .serverKey = m_desc.serverKey, .knownServersPath = m_desc.knownServersPath},
                                              &error);
    if (!m_transport) {
        m_phase = Phase::Failed;
        m_failedText = m_desc.host + ":" + std::to_string(m_desc.port) + ": " + error;
        return;
    }
    JoinRequest req = m_desc.join;
    req.name = m_form.name;
    req.org = m_form.org;
    req.role = m_form.role;
    req.password = m_form.password;
    req.email = m_form.email;
    // Back after a lost connection: the session token stands in for the password.
    req.token = m_sessionToken;
    if (!req.token.empty() || !req.email.empty())
        spdlog::info("joining {}:{} as {} ({})", m_desc.host, m_desc.port, req.email.empty() ? "the signed-in account" : req.email,
                     req.token.empty() ? "password" : "session token");
    else
        spdlog::info("joining {}:{} as {} ({}, {})", m_desc.host, m_desc.port, req.name, req.org, net::roleName(req.role));
    m_conn = std::make_unique<Connection>(*m_transport, req, monoMs());
    if (!m_assetCache)
        m_assetCache = std::make_unique<AssetCache>(m_desc.assetCacheDir.empty() ? AssetCache::defaultDir() : m_desc.assetCacheDir);
    m_conn->enableAssets(*m_assetCache);
    m_modelsRebuiltMs = 0;
    m_phase = Phase::Connecting;
}

void App::leave() {
    if (m_conn) {
        m_conn->disconnect();
        // Give the goodbye a moment to leave before the socket closes.
        std::vector<net::TransportEvent> sink;
        uint64_t until = monoMs() + 100;
        while (monoMs() < until) {
            m_transport->service(monoMs(), sink, 10);
            sink.clear();
        }
    }
    m_conn.reset();
    m_transport.reset();
    m_pilot.stop();
    if (m_phase != Phase::Failed) m_phase = Phase::Join;
}

void App::updateConnection(uint64_t nowMs) {
    if (m_rejoinAtMs) {  // the hall went away under us: back in with the session token when due
        if (nowMs < m_rejoinAtMs) return;
        m_rejoinAtMs = 0;
        startJoin();
        return;
    }
    if (!m_conn) return;
    const ConnState before = m_conn->state();
    m_conn->update(nowMs);
    const ConnState state = m_conn->state();
    if (m_phase == Phase::Connecting && state == ConnState::Joined) {
        m_phase = Phase::Hall;
        m_wasInHall = true;
        m_joinedAtMs = nowMs;
        // Kept in memory only; the password is not needed again while the token lives.
        m_sessionToken = m_conn->sessionToken();
        if (!m_sessionToken.empty()) m_form.password.clear();
        m_rejoinTries = 0;
        const net::EventLayout& ev = m_conn->world().event();
        spdlog::info("joined \"{}\" as participant {}", ev.name.in(true), m_conn->world().self().v);
        std::string error;
        if (!initRenderer(hallForRenderer(ev), error)) {
            std::fprintf(stderr, "dockhall: cannot draw the hall: %s\n", error.c_str());
            m_exitCode = 1;
            return;
        }
        std::string title = "Dockhall - " + ev.name.in(isChinese(m_lang));
        glfwSetWindowTitle(m_window, title.c_str());
    }
    // Lost in the hall, or while coming back: with a session token, try again by ourselves (a
    // server restart takes a few seconds) before asking the person anything.
    const bool rejoining = m_rejoinTries > 0 && m_phase == Phase::Connecting;
    if (state == ConnState::Lost && !m_sessionToken.empty() && (m_phase == Phase::Hall || rejoining) &&
        m_rejoinTries < kMaxRejoinTries) {
        ++m_rejoinTries;
        m_rejoinAtMs = nowMs + kRejoinDelayMs;
        spdlog::warn("lost the hall ({}); joining again with the session token in {} ms (try {} of {})",
                     m_conn->refusalText(), kRejoinDelayMs, m_rejoinTries, kMaxRejoinTries);
        return;
    }
    if ((state == ConnState::Refused || state == ConnState::Lost) &&
        (m_phase == Phase::Connecting || m_phase == Phase::Hall)) {
        m_phase = Phase::Failed;
        if (state == ConnState::Refused) m_sessionToken = {};  // refused: sign in afresh next time
        m_failedUnreachable = state == ConnState::Lost && before == ConnState::Connecting;
        m_failedText = m_conn->refusalText();
        if (m_transport && m_transport->linkError() != net::LinkError::None) {  // the encrypted link said no
            m_failedUnreachable = false;
            m_failedText = net::linkErrorText(m_transport->linkError(), isChinese(m_lang));
        }
        m_font.want(m_failedText);
        spdlog::warn("{}: {}", connStateName(state), m_failedText);
    }
    if (m_phase == Phase::Hall || (m_phase == Phase::Failed && m_wasInHall)) {
        const World& world = m_conn->world();
        for (const auto& [id, p] : world.participants()) {
            m_font.want(p.name);
            m_font.want(p.org);
        }
        m_chat.collect(world, m_font);
    }
}

void App::handleHallInput() {
    ImGuiIO& io = ImGui::GetIO();
    World& world = m_conn->world();
    const bool mouseFree = !io.WantCaptureMouse;

    // Camera: right drag turns, wheel zooms.
    if (!m_desc.camera && mouseFree) {
        if (ImGui::IsMouseDown(ImGuiMouseButton_Right))
            m_camera.rotate(-io.MouseDelta.x * kMouseTurnRadPerPixel, io.MouseDelta.y * kMouseTurnRadPerPixel);
        if (io.MouseWheel != 0.0f) m_camera.zoom(io.MouseWheel);
    }

    // Keys walk unless ImGui is taking them (typing in chat).
    m_keyForward = m_keyRight = 0;
    m_keyRun = false;
    if (!io.WantCaptureKeyboard) {
        auto down = [&](int key) { return glfwGetKey(m_window, key) == GLFW_PRESS; };
        m_keyForward = float(down(GLFW_KEY_W) || down(GLFW_KEY_UP)) - float(down(GLFW_KEY_S) || down(GLFW_KEY_DOWN));
        m_keyRight = float(down(GLFW_KEY_D) || down(GLFW_KEY_RIGHT)) - float(down(GLFW_KEY_A) || down(GLFW_KEY_LEFT));
        m_keyRun = down(GLFW_KEY_LEFT_SHIFT) || down(GLFW_KEY_RIGHT_SHIFT);
        if (m_pressedEnter) m_focusChat = true;  // Enter in the hall: start typing in chat
    }

    // Mouse over the hall: hover a booth, click to walk to it (or to the floor point).
    m_hoverBooth = -1;
    if (mouseFree && m_haveViewProj && ImGui::IsMousePosValid()) {
        // Last frame's view: the one the user sees under the mouse.
        Ray ray = screenRay(m_lastViewProj, {io.MousePos.x, io.MousePos.y}, {io.DisplaySize.x, io.DisplaySize.y});
        if (auto pick = pickHall(ray, world.event(), world.parts())) {
            const net::Booth* booth = pick->booth >= 0 ? &world.event().booths[size_t(pick->booth)] : nullptr;
            m_hoverBooth = pick->booth;
            // A click on an exhibit opens it in the inspector; anywhere else walks there.
            if (ImGui::IsMouseClicked(ImGuiMouseButton_Left) && m_rendererReady) {
                const int exhibit = m_renderer->pickExhibit(ray.origin, ray.dir);
                if (exhibit >= 0 && m_inspector.open(exhibit, *m_renderer, world.event(), m_font)) return;
            }
            if (ImGui::IsMouseClicked(ImGuiMouseButton_Left)) {
                spdlog::debug("walk to ({:.1f}, {:.1f}), booth {}", pick->floor.x, pick->floor.y, pick->booth);
                if (booth) walkToBooth(size_t(pick->booth));
                else m_pilot.walkTo({pick->floor.x, pick->floor.y}, m_keyRun);
            }
        }
    }
}

// "Present" (net/protocol/present_msgs.h): follow what the booth's exhibitor shows, or show it.
void App::updatePresentation(uint64_t nowMs) {
    const World& world = m_conn->world();
    // Someone presents at the booth I stand at: the inspector follows, unless I said no to them.
    const auto& shown = m_conn->presented();
    if (m_conn->presentedVersion() != m_presentSeen) {
        m_presentSeen = m_conn->presentedVersion();
        if (!shown) {
            m_presentDeclined = {};
            if (m_inspector.following()) m_inspector.close();
        } else if (shown->presenter != m_presentDeclined) {
            const InspectedExhibit& at = m_inspector.info();
            bool same = m_inspector.isOpen() && at.booth == shown->booth && at.exhibit == shown->exhibit;
            if (!same && m_inspector.presenting()) m_presentSent.reset();  // my own presentation gives way
            if (same || m_inspector.openAt(shown->booth, shown->exhibit, *m_renderer, world.event(), m_font)) {
                const net::Participant* who = world.participant(shown->presenter);
                m_inspector.follow(shown->pose, who ? who->name : std::string());
            }
        }
    }
    if (m_inspector.takeUnfollowRequest() && shown) {
        m_presentDeclined = shown->presenter;
        m_inspector.stopFollowing();
    }
    // My own booth's exhibit: the switch, and the pose sent when it changes (at most 20 a second).
    const InspectedExhibit& info = m_inspector.info();
    bool mine = false;
    if (const net::Participant* me = world.participant(world.self());
        me && m_inspector.isOpen() && info.booth >= 0 && size_t(info.booth) < world.event().booths.size() &&
        (me->role == net::Role::Exhibitor || me->role == net::Role::University)) {
        const net::LocalText& owner = world.event().booths[size_t(info.booth)].owner.name;
        auto same = [](std::string a, std::string b) {
            for (auto* s : {&a, &b})
                for (char& c : *s) c = char(std::tolower(static_cast<unsigned char>(c)));
            return !a.empty() && a == b;
        };
        mine = same(me->org, owner.zh) || same(me->org, owner.en);
    }
    m_inspector.setCanPresent(mine && !m_inspector.following());
    if (m_conn->myPresentationEnded() != m_presentEndedSeen) {
        m_presentEndedSeen = m_conn->myPresentationEnded();
        m_inspector.setPresenting(false);  // the server ended it (walked away, or refused)
        m_presentSent.reset();
    }
    if (m_inspector.presenting()) {
        net::PresentSet set{true, uint16_t(info.booth), uint8_t(info.exhibit), net::clampPose(m_inspector.pose())};
        bool changed = !m_presentSent || !(m_presentSent->pose == set.pose) || m_presentSent->booth != set.booth ||
                       m_presentSent->exhibit != set.exhibit;
        if (changed && nowMs - m_presentSentMs >= 50) {
            m_conn->sendPresent(set);
            m_presentSent = set;
            m_presentSentMs = nowMs;
        }
    } else if (m_presentSent) {
        net::PresentSet stop = *m_presentSent;
        stop.active = false;
        m_conn->sendPresent(stop);
        m_presentSent.reset();
    }
}

void App::walkToBooth(size_t booth) {
    const auto& booths = m_conn->world().event().booths;
    if (booth >= booths.size()) return;
    m_pilot.walkTo(boothVisitSpot(booths[booth]), m_keyRun);  // the aisle in front: open or closed
    if (m_conn->stage().boothLocked(booths[booth].id.v)) {
        // Closed: say so now, in the chat's notices, rather than when the server shows one out.
        const std::string name = booths[booth].owner.name.in(isChinese(m_lang));
        char text[512];
        std::snprintf(text, sizeof text, tr(UiText::DirClosedNotice, m_lang), name.c_str());
        m_conn->world().onNotice({net::NoticeCode::Info, text});
    }
}

void App::drawWayfinding() {
    const net::EventLayout& ev = m_conn->world().event();
    const std::vector<bool> closed = closedBooths(ev, m_conn->stage());
    if (m_showDirectory) {
        if (auto booth = m_directory.draw(ev, closed, m_lang, m_font, m_showDirectory, m_directoryHover)) walkToBooth(size_t(*booth));
    } else {
        m_directoryHover = -1;
    }
    MinimapView map;
    map.event = &ev;
    map.avatars = m_avatars;
    map.walkTarget = m_pilot.target();
    map.highlightBooth = m_directoryHover >= 0 ? m_directoryHover : m_hoverBooth;
    map.topBarHeight = m_topBarHeight;
    map.closedBooths = &closed;
    if (auto spot = drawMinimap(map, m_lang, m_font)) {
        // On a booth: to the spot in front of it; elsewhere: to the point.
        int id = boothAt(ev, *spot);
        size_t index = ev.booths.size();
        for (size_t i = 0; i < ev.booths.size(); ++i)
            if (ev.booths[i].id.v == id) index = i;
        if (index < ev.booths.size()) walkToBooth(index);
        else m_pilot.walkTo(*spot, m_keyRun);
    }
}

void App::sendInputTick() {
    World& world = m_conn->world();
    // Nothing to steer before the server has placed the avatar; the first input must not turn it.
    auto self = world.selfState();
    if (!self) return;
    aimBehind(self->yaw);
    net::MoveInput in;
    in.seq = m_conn->nextInputSeq();
    glm::vec2 keys = moveFromKeys(m_keyForward, m_keyRight, m_camera.yaw());
    if (glm::length(keys) > 0.01f) {
        m_pilot.stop();
        in.moveX = keys.x;
        in.moveZ = keys.y;
        in.run = m_keyRun;
    } else if (m_pilot.active()) {
        m_pilot.steer(*self, in);
    }
    glm::vec2 move{in.moveX, in.moveZ};
    if (glm::length(move) > 0.01f) m_facing = yawFacing(move);
    in.yaw = m_facing;
    m_conn->sendInput(in);
}

void App::drawPanels() {
    TopBarInfo top;
    if (m_conn && (m_phase == Phase::Hall || m_phase == Phase::Failed)) {
        top.eventName = m_conn->world().event().name.in(isChinese(m_lang));
        top.people = int(m_conn->world().peopleInHall());
    } else if (m_desc.preview) {
        top.eventName = m_desc.preview->name.in(isChinese(m_lang));
    }
    top.state = m_conn ? m_conn->state() : ConnState::Connecting;
    top.fps = m_fps;
    top.showDocking = &m_showDocking;
    top.showDirectory = &m_showDirectory;
    if (m_desc.embeddedServer) top.serverNote = formatText(UiText::ServerEmbedded, m_lang, m_desc.port);
    const bool hallShown = m_phase == Phase::Hall || (m_phase == Phase::Failed && m_conn && m_wasInHall);
    if (hallShown) m_topBarHeight = drawTopBar(top, m_lang, m_showHelp);

    if (m_phase == Phase::Join || m_phase == Phase::Connecting) {
        JoinDialogInfo info;
        info.busy = m_phase == Phase::Connecting;
        info.serverLabel = m_desc.embeddedServer ? formatText(UiText::JoinEmbedded, m_lang, m_desc.port)
                                                 : m_desc.host + ":" + std::to_string(m_desc.port);
        m_font.want(m_form.name);
        m_font.want(m_form.org);
        if (drawJoinDialog(m_form, m_lang, info)) startJoin();
    }
    if (hallShown) {
        // Panels at the top start below the agenda strip (drawn under the top bar by the stage).
        const float panelsTop = m_topBarHeight + StagePanels::agendaHeight(*m_conn);
        if (auto line = m_chat.draw(m_lang, panelsTop, m_focusChat, m_font)) {
            if (m_conn && m_conn->sendChat(*line)) m_conn->transport().flush();
        }
        m_focusChat = false;
        drawParticipants(m_conn->world(), m_lang, panelsTop);
        if (m_showDocking) m_dockingPanels.draw(*m_conn, m_lang, panelsTop, m_font, m_showDocking);
        drawWayfinding();
        m_stagePanels.draw(*m_conn, m_lang, m_topBarHeight, m_font,
                           m_conn->hallUnixMs(monoMs()), &m_stageScene->photo());
        // Called to the stage, or "all eyes on stage": turn to face it.
        const StageState& stage = m_conn->stage();
        if (stage.callsReceived() != m_stageCallsSeen && !stage.calls().empty()) {
            m_stageCallsSeen = stage.callsReceived();
            const net::StageCall& call = stage.calls().back();
            m_facing = yawFacing({call.look.x - call.at.x, call.look.y - call.at.y});
            m_camera.setYaw(m_facing);
        }
        if (m_conn->assets()) drawAssetDownloads(*m_conn->assets(), m_conn->world().event(), m_lang, panelsTop, m_font);
        if (const net::Participant* me = m_conn->world().participant(m_conn->world().self()))
            m_uploadPanel.draw(*m_conn, me->org, me->role, m_lang, m_font, panelsTop);
        const auto& booths = m_conn->world().event().booths;
        if (m_hoverBooth >= 0 && size_t(m_hoverBooth) < booths.size() && m_phase == Phase::Hall)
            drawBoothTooltip(booths[size_t(m_hoverBooth)], m_lang);
        ImFont* font = ImGui::GetFont();
        drawNameTags(m_tags, font, ImGui::GetFontSize());
    }
    drawHelp(m_lang, m_showHelp);
    // "Could not join" while joining; "connection lost" once in the hall, whatever the reason.
    if (m_phase == Phase::Failed && drawConnectionModal(!m_wasInHall, failureText(m_lang), m_lang)) {
        m_phase = Phase::Join;
        leave();
        m_topBarHeight = 0;
    }
}

std::string App::failureText(Language lang) const {
    if (!m_failedUnreachable) return m_failedText;
    char buf[512];
    std::string address = m_desc.host + ":" + std::to_string(m_desc.port);
    std::snprintf(buf, sizeof buf, tr(UiText::ModalUnreachable, lang), address.c_str());
    return buf;
}

void App::collectNameTags(const glm::mat4& viewProj, glm::vec3 eye, const std::vector<AvatarInstance>& avatars) {
    m_tags.clear();
    if (!m_conn) return;
    const World& world = m_conn->world();
    const ImGuiIO& io = ImGui::GetIO();
    // Aimed at = the person under the mouse pointer (over the hall, not a panel), else the one
    // nearest the middle of the view: a ray through that point from the inverse matrix.
    glm::vec2 ndc{0, 0};
    if (ImGui::IsMousePosValid() && !io.WantCaptureMouse && io.DisplaySize.x > 0 && io.DisplaySize.y > 0)
        ndc = {io.MousePos.x / io.DisplaySize.x * 2 - 1, 1 - io.MousePos.y / io.DisplaySize.y * 2};
    const glm::mat4 inv = glm::inverse(viewProj);
    const glm::vec4 nearPt = inv * glm::vec4(ndc, -1, 1), farPt = inv * glm::vec4(ndc, 1, 1);
    const glm::vec3 aim = glm::vec3(farPt) / farPt.w - glm::vec3(nearPt) / nearPt.w;
    // The nearest and the aimed-at person, capped, none hidden behind a wall or a booth.
    std::vector<NameTagPick> picks;
    std::span<const net::HallPart> parts;
    if (m_renderer) parts = m_renderer->hallParts();
    pickNameTags(viewProj, eye, aim, avatars, parts,
                 {.maxTags = kTagMaxCount, .maxDistance = kTagMaxDistance, .headHeight = kTagHeight}, picks);
    const auto& shown = m_lastShown;
    for (const NameTagPick& pick : picks) {
        const AvatarInstance& a = avatars[pick.avatar];
        auto screen = projectToScreen(viewProj, {a.x, kTagHeight, a.z}, {io.DisplaySize.x, io.DisplaySize.y});
        if (!screen || pick.avatar >= shown.size()) continue;
        const net::Participant* p = world.participant(shown[pick.avatar]);
        if (!p) continue;
        NameTag t;
        t.x = screen->x;
        t.y = screen->y;
        // An aimed-at tag far away stays readable (the fade in drawNameTags works on distance).
        t.distance = pick.aimed ? std::min(pick.distance, kTagMaxDistance * 0.6f) : pick.distance;
        t.name = p->name;
        t.org = p->org;
        t.role = p->role;
        t.self = a.self;
        m_tags.push_back(std::move(t));
    }
}

// The view: the hall around the own avatar, or a slow flight over the preview hall behind the
// join dialog; the --camera option overrides either. Fills m_avatars. False: no hall to show.
bool App::updateView(uint64_t nowMs, CameraView& view) {
    view.fovYDeg = kFovYDeg;
    view.nearZ = kNearZ;
    view.farZ = kFarZ;
    m_avatars.clear();
    m_lastShown.clear();
    if (m_conn && (m_phase == Phase::Hall || (m_phase == Phase::Failed && m_wasInHall)) && m_rendererReady) {
        World& world = m_conn->world();
        const net::EventLayout& ev = world.event();
        const auto& shown = world.interpolate(nowMs, m_dt);
        glm::vec3 focus{ev.spawn.x, kAvatarEyeHeight, ev.spawn.y};
        for (const ShownAvatar& s : shown) {
            AvatarInstance a{};
            a.x = s.x;
            a.z = s.z;
            a.yaw = s.yaw;
            const net::Participant* p = world.participant(s.id);
            a.role = p ? p->role : net::Role::Attendee;
            a.anim = s.anim;
            a.animPhase = s.animPhase;
            a.self = s.self;
            m_avatars.push_back(a);
            m_lastShown.push_back(s.id);
            if (s.self) {
                focus = {s.x, kAvatarEyeHeight, s.z};
                aimBehind(s.yaw);
            }
        }
        m_stageScene->update(*m_conn, *m_renderer, m_avatars, m_lastShown, nowMs);  // screen, handshake, group picture
        m_camera.follow(focus, m_dt);
        view.target = m_camera.target();
        view.eye = keepEyeInHall(view.target, m_camera.eye(), {ev.hallSize.x, ev.hallSize.y});
    } else if (m_desc.preview && m_rendererReady) {
        const net::EventLayout& ev = *m_desc.preview;
        m_previewAngle += m_dt * 0.06f;
        glm::vec3 centre{ev.hallSize.x * 0.5f, 0.0f, ev.hallSize.y * 0.5f};
        float r = std::max(ev.hallSize.x, ev.hallSize.y) * 0.45f;
        view.target = centre;
        view.eye = centre + glm::vec3{std::sin(m_previewAngle) * r, r * 0.55f, std::cos(m_previewAngle) * r};
        view.eye = keepEyeInHall(view.target, view.eye, {ev.hallSize.x, ev.hallSize.y}, 1.0f);
    } else {
        return false;
    }
    if (m_desc.camera) {
        view.eye = m_desc.camera->eye;
        view.target = view.eye + lookDirection(glm::radians(m_desc.camera->yawDeg), glm::radians(m_desc.camera->pitchDeg));
    }
    return true;
}

void App::aimBehind(float yaw) {
    if (m_cameraAimed) return;
    m_camera.setYaw(yaw);
    m_facing = yaw;
    m_cameraAimed = true;
}

void App::frame() {
    glfwPollEvents();
    const double t = glfwGetTime();
    m_frameSeconds = t - m_lastTime;
    m_dt = float(std::clamp(m_frameSeconds, 0.0, 0.25));
    m_lastTime = t;
    ++m_fpsFrames;
    if (t - m_fpsSince >= 0.5) {  // frames counted over half a second: steady and honest
        m_fps = float(double(m_fpsFrames) / (t - m_fpsSince));
        m_fpsFrames = 0;
        m_fpsSince = t;
    }
    m_font.rebuildIfNeeded(t);

    const uint64_t nowMs = monoMs();
    updateConnection(nowMs);
    if (m_phase == Phase::Hall) refreshModels(nowMs);
    if (m_exitCode) return;

    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    ImGui::NewFrame();

    int fbW = 0, fbH = 0;
    glfwGetFramebufferSize(m_window, &fbW, &fbH);

    // Input, then one MoveInput per tick.
    const bool inHall = m_phase == Phase::Hall && m_conn && m_conn->state() == ConnState::Joined;
    if (inHall) m_inputClock.setStretched(m_conn->inputsAhead());
    if (inHall && m_inspector.isOpen()) {
        m_inspector.handleInput(*m_renderer);
        m_keyForward = m_keyRight = 0;
        for (int due = m_inputClock.advance(nowMs); due > 0; --due) sendInputTick();
        m_conn->transport().flush();
    } else if (inHall) {
        handleHallInput();
        for (int due = m_inputClock.advance(nowMs); due > 0; --due) sendInputTick();
        m_conn->transport().flush();
    } else {
        m_hoverBooth = -1;
    }
    if (m_pressedF1) m_showHelp = !m_showHelp;
    m_pressedF1 = m_pressedEnter = false;

    CameraView view{};
    const bool showHall = updateView(nowMs, view);

    m_tags.clear();
    m_haveViewProj = showHall && fbW > 0 && fbH > 0;
    if (m_haveViewProj) {
        m_lastViewProj = m_renderer->viewProj(view, fbW, fbH);
        if (m_phase != Phase::Join && m_phase != Phase::Connecting && !m_inspector.isOpen())
            collectNameTags(m_lastViewProj, view.eye, m_avatars);
    }
    drawPanels();
    if (inHall && m_inspector.isOpen()) m_inspector.drawPanel(*m_renderer, m_lang);
    if (inHall && m_rendererReady) updatePresentation(nowMs);
    if (!inHall) m_inspector.close();

    // Draw: the 3D hall in linear light onto the sRGB framebuffer, then ImGui in sRGB as is.
    if (m_rendererReady && m_rendererLang != m_lang) {
        m_renderer->setLanguage(isChinese(m_lang));
        m_rendererLang = m_lang;
    }
    glViewport(0, 0, fbW, fbH);
    if (showHall && fbW > 0 && fbH > 0 && m_inspector.isOpen()) {
        m_inspector.render(*m_renderer, fbW, fbH);
    } else if (showHall && fbW > 0 && fbH > 0) {
        if (m_conn) m_renderer->setClosedBooths(closedBooths(m_conn->world().event(), m_conn->stage()));
        glEnable(GL_FRAMEBUFFER_SRGB);
        m_renderer->render(view, m_avatars, fbW, fbH, m_hoverBooth);
        glDisable(GL_FRAMEBUFFER_SRGB);
    } else {
        glClearColor(0.10f, 0.12f, 0.16f, 1.0f);
        glClear(GL_COLOR_BUFFER_BIT | GL_DEPTH_BUFFER_BIT);
    }
    ImGui::Render();
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());

    if (!m_desc.screenshotPath.empty() && screenshotDone(nowMs)) return;
    glfwSwapBuffers(m_window);
}

// Frame times of the screenshot run (first hall frame excluded: it includes the join).
void App::logFrameTimes() {
    if (m_hallFrameMs.empty()) return;
    std::vector<float> ms = m_hallFrameMs;
    std::sort(ms.begin(), ms.end());
    double sum = 0;
    for (float v : ms) sum += v;
    auto at = [&](double q) { return ms[std::min(ms.size() - 1, size_t(q * double(ms.size())))]; };
    spdlog::info("hall frames: {} with {} people in the hall, frame ms p50 {:.1f} p95 {:.1f} max {:.1f}, {:.1f} fps",
                 ms.size(), m_conn ? m_conn->world().participants().size() : 0, at(0.5), at(0.95), ms.back(),
                 1000.0 * double(ms.size()) / sum);
}

// Screenshot mode: counts frames in the hall once the own avatar is there, then saves the back
// buffer (the frame just drawn, panels included). True when the app should exit (m_exitCode set).
bool App::screenshotDone(uint64_t nowMs) {
    if (m_phase == Phase::Hall) {
        bool ready = (m_conn && m_conn->world().selfState()) || nowMs - m_joinedAtMs > kScreenshotWaitForSelfMs;
        if (ready && m_framesInHall > 0) m_hallFrameMs.push_back(float(m_frameSeconds * 1000.0));
        if (ready && ++m_framesInHall >= m_desc.screenshotFrames) {
            logFrameTimes();
            m_exitCode = saveScreenshot() ? 0 : 1;
            return true;
        }
    } else if (m_phase == Phase::Failed) {
        std::fprintf(stderr, "dockhall: could not join %s:%u: %s\n", m_desc.host.c_str(), unsigned(m_desc.port),
                     failureText(Language::English).c_str());
        m_exitCode = 2;
        return true;
    }
    if (nowMs - m_startMs > kScreenshotGiveUpMs) {
        std::fprintf(stderr, "dockhall: gave up waiting to join %s:%u for the screenshot\n", m_desc.host.c_str(),
                     unsigned(m_desc.port));
        m_exitCode = 3;
        return true;
    }
    return false;
}

bool App::saveScreenshot() {
    int w = 0, h = 0;
    glfwGetFramebufferSize(m_window, &w, &h);
    std::vector<uint8_t> pixels(size_t(w) * size_t(h) * 4);
    glReadBuffer(GL_BACK);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadPixels(0, 0, w, h, GL_RGBA, GL_UNSIGNED_BYTE, pixels.data());
    // GL's rows run bottom up; a PNG's top down. The window's alpha means nothing: make it opaque.
    std::vector<uint8_t> flipped(pixels.size());
    const size_t row = size_t(w) * 4;
    for (int y = 0; y < h; ++y)
        std::copy_n(pixels.data() + size_t(h - 1 - y) * row, row, flipped.data() + size_t(y) * row);
    for (size_t i = 3; i < flipped.size(); i += 4) flipped[i] = 255;
    if (!savePng(m_desc.screenshotPath, w, h, flipped)) {
        std::fprintf(stderr, "dockhall: cannot write %s\n", m_desc.screenshotPath.c_str());
        return false;
    }
    spdlog::info("saved {} ({}x{})", m_desc.screenshotPath, w, h);
    return true;
}

int App::run() {
    m_startMs = monoMs();
    std::string error;
    if (!openWindow(error) || !initUi(error)) {
        std::fprintf(stderr, "dockhall: %s\n", error.c_str());
        return 1;
    }
    if (m_desc.preview && !initRenderer(*m_desc.preview, error)) {
        std::fprintf(stderr, "dockhall: cannot draw the hall: %s\n", error.c_str());
        return 1;
    }
    if (m_desc.joinAtOnce) startJoin();
    m_lastTime = m_fpsSince = glfwGetTime();
    while (!m_exitCode && !glfwWindowShouldClose(m_window) && !(m_desc.stop && m_desc.stop->load())) {
        const double start = glfwGetTime();
        frame();
        // Where vsync does nothing (some X servers, Xvfb) do not spin: at most kMaxFps frames a second.
        const double spare = 1.0 / kMaxFps - (glfwGetTime() - start);
        if (spare > 0.0005) std::this_thread::sleep_for(std::chrono::duration<double>(spare));
    }
    leave();
    return m_exitCode.value_or(0);
}

}  // namespace client
