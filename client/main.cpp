// dockhall: the hall client. Thin wiring: options, the embedded server, the app.
//
//   dockhall                                   host a hall here (UDP 7777) and join it
//   dockhall --connect 10.0.0.5:7777 --name 王磊 --org 寧夏力成電氣集團 --role exhibitor
//   dockhall --connect 10.0.0.5:7777 --server-key 3f9a...   (the key from the invitation)
//   dockhall --screenshot hall.png --frames 60 --camera 40,12,48,180,25
#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>

#include <CLI/CLI.hpp>
#include <spdlog/cfg/env.h>
#include <spdlog/spdlog.h>

#include "client/ui/app.h"
#include "server/core/event_loader.h"
#include "server/host/host.h"

namespace {

std::atomic<bool> g_stop{false};  // set by SIGINT/SIGTERM; the only global, as signals demand
void onSignal(int) { g_stop.store(true); }

struct Address {
    std::string host;
    uint16_t port = 7777;
};

// "HOST:PORT" or "HOST" (port 7777).
std::optional<Address> parseAddress(const std::string& text) {
    Address a;
    auto colon = text.rfind(':');
    a.host = text.substr(0, colon);
    if (colon != std::string::npos) {
        const std::string p = text.substr(colon + 1);
        char* end = nullptr;
        long v = std::strtol(p.c_str(), &end, 10);
        if (p.empty() || *end != '\0' || v < 1 || v > 65535) return std::nullopt;
        a.port = uint16_t(v);
    }
    if (a.host.empty()) return std::nullopt;
    return a;
}

// Where server keys are pinned on first use: $XDG_CONFIG_HOME/dockhall or ~/.config/dockhall.
std::string defaultKnownServersPath() {
    const char* xdg = std::getenv("XDG_CONFIG_HOME");
    const char* home = std::getenv("HOME");
    std::filesystem::path dir;
    if (xdg && *xdg) dir = std::filesystem::path(xdg) / "dockhall";
    else if (home && *home) dir = std::filesystem::path(home) / ".config" / "dockhall";
    else return "";
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    return ec ? "" : (dir / "known_servers").string();
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App cli{"Dockhall: the 3D hall of an industry-university-research docking meeting.\n"
                 "Without --connect it hosts the hall on this computer and joins it; others join with\n"
                 "--connect THIS_COMPUTER:PORT."};
    std::string connect, name, org, roleName = "attendee", password, email, lang = "zh", screenshot, cameraText;
    std::string eventPath = DOCKHALL_SOURCE_DIR "/assets/events/sample.json";
    std::string assetsDir = DOCKHALL_SOURCE_DIR "/assets";
    std::string dbPath = "dockhall-embedded.sqlite";
    std::string fontPath;
    uint16_t port = 7777;
    int width = 1280, height = 720, frames = 60;
    cli.add_option("--connect", connect, "join the hall at HOST:PORT instead of hosting one here");
    std::string rehearse, dockingTab;
    cli.add_option("--rehearse", rehearse,
                   "hosting: start the event's clock at this local time (a rehearsal), e.g. \"2024-06-04 10:50\"");
    std::string serverKey, knownServers = defaultKnownServersPath();
    cli.add_option("--server-key", serverKey,
                   "the hall's key from the invitation (64 hex digits); without it the key met first is pinned");
    cli.add_option("--known-servers", knownServers, "file of server keys pinned on first use")->capture_default_str();
    cli.add_option("--name", name, "your name; given, the join dialog is skipped");
    cli.add_option("--org", org, "your organization (enterprise, university, institute, ...)");
    cli.add_option("--role", roleName, "attendee | exhibitor | university | organizer | speaker")
        ->check(CLI::IsMember({"attendee", "exhibitor", "university", "organizer", "speaker"}))
        ->capture_default_str();
    cli.add_option("--password", password,
                   "the account's password with --email; else the organizer password (hosting: the password the hall "
                   "asks of organizers)");
    cli.add_option("--email", email, "sign in with this account (the e-mail of your invitation)");
    cli.add_option("--port", port, "UDP port of the hall hosted here")->capture_default_str();
    cli.add_option("--event", eventPath, "event definition to host (JSON)")->capture_default_str();
    cli.add_option("--db", dbPath, "SQLite file of the hall hosted here (\":memory:\" keeps nothing)")->capture_default_str();
    cli.add_option("--assets", assetsDir, "assets folder (models, textures)")->capture_default_str();
    std::string assetCache;
    cli.add_option("--asset-cache", assetCache,
                   "folder for models downloaded from the hall (default: $XDG_CACHE_HOME/dockhall/assets or "
                   "~/.cache/dockhall/assets)");
    cli.add_option("--font", fontPath, "CJK font file for the interface (default: found on the system)");
    cli.add_option("--lang", lang, "interface language: zh | en")->check(CLI::IsMember({"zh", "en"}))->capture_default_str();
    cli.add_option("--width", width, "window width")->check(CLI::Range(320, 8192))->capture_default_str();
    cli.add_option("--height", height, "window height")->check(CLI::Range(240, 8192))->capture_default_str();
    cli.add_option("--screenshot", screenshot, "join, render --frames frames, save the window as PNG here and exit");
    cli.add_option("--frames", frames, "frames to render in the hall before the screenshot")
        ->check(CLI::Range(1, 100000))
        ->capture_default_str();
    cli.add_option("--camera", cameraText, "fixed camera x,y,z,yaw,pitch (metres, degrees; pitch > 0 looks down)");
    cli.add_option("--docking-tab", dockingTab, "the docking window's tab shown first")
        ->check(CLI::IsMember({"board", "foryou", "post", "schedule", "contacts", "leads"}));
    bool noDocking = false;
    cli.add_flag("--no-docking", noDocking, "start with the docking window closed (it opens from the top bar)");
    std::string photoDir;
    cli.add_option("--photo-dir", photoDir,
                   "where the signing moment's group picture is saved (default: ~/Pictures/Dockhall, or "
                   "~/.local/share/dockhall/photos without a Pictures folder)");
    std::optional<std::string> directoryQuery;
    cli.add_option("--directory", directoryQuery, "open the booth directory with this search (\"\" lists every booth)");
    CLI11_PARSE(cli, argc, argv);
    spdlog::cfg::load_env_levels();  // SPDLOG_LEVEL=debug shows more

    client::AppDesc desc;
    desc.dockingTab = dockingTab;
    desc.directoryQuery = directoryQuery;
    desc.photoDir = photoDir;
    desc.dockingOpen = !noDocking;
    desc.width = width;
    desc.height = height;
    desc.assetsDir = assetsDir;
    desc.assetCacheDir = assetCache;
    desc.fontPath = fontPath;
    desc.language = lang == "en" ? client::Language::English : client::Language::Chinese;
    desc.join.name = name;
    desc.join.org = org;
    net::parseRole(roleName, desc.join.role);
    desc.join.password = password;
    desc.join.email = email;
    desc.joinAtOnce = !name.empty() || (!email.empty() && !password.empty());
    desc.screenshotPath = screenshot;
    desc.screenshotFrames = frames;
    if (!screenshot.empty()) {
        if (desc.join.name.empty()) desc.join.name = "Reviewer";
        if (desc.join.org.empty()) desc.join.org = "Dockhall";
        desc.joinAtOnce = true;
    }
    if (desc.joinAtOnce && desc.join.org.empty()) desc.join.org = "-";
    if (!cameraText.empty()) {
        desc.camera = client::parseFixedCamera(cameraText);
        if (!desc.camera) {
            std::fprintf(stderr, "dockhall: --camera wants x,y,z,yaw,pitch (five numbers), got \"%s\"\n", cameraText.c_str());
            return 2;
        }
    }

    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
    desc.stop = &g_stop;

    // Host the hall here unless joining another one.
    server::Host host;
    std::atomic<bool> stopHost{false};
    std::thread hostThread;
    if (connect.empty()) {
        server::HostDesc hd;
        hd.bindAddress = "0.0.0.0";
        hd.port = port;
        hd.eventPath = eventPath;
        hd.dbPath = dbPath;
        if (email.empty()) hd.organizerPassword = password;  // with --email it is the account's password
        hd.rehearseFrom = rehearse;
        std::string error;
        if (!host.start(hd, error)) {
            std::fprintf(stderr, "dockhall: cannot host the hall: %s\n  (--port N hosts on another port; --connect HOST:PORT joins a running hall)\n",
                         error.c_str());
            return 1;
        }
        spdlog::info("hosting {} on UDP port {} (db {})", eventPath, host.port(), dbPath);
        hostThread = std::thread([&] { host.run(stopHost); });
        desc.host = "127.0.0.1";
        desc.port = host.port();
        desc.embeddedServer = true;
        desc.serverKey = host.linkPublicKey();  // our own hall: its key is known, nothing to pin
        net::EventLayout layout;
        if (server::loadEventFile(eventPath, layout, error)) desc.preview = std::move(layout);
    } else {
        auto address = parseAddress(connect);
        if (!address) {
            std::fprintf(stderr, "dockhall: --connect wants HOST:PORT, got \"%s\"\n", connect.c_str());
            return 2;
        }
        desc.host = address->host;
        desc.port = address->port;
        if (!serverKey.empty()) {
            net::LinkPublicKey key{};
            if (!net::parsePublicKeyHex(serverKey, key)) {
                std::fprintf(stderr, "dockhall: --server-key wants the 64 hex digits of the invitation, got \"%s\"\n",
                             serverKey.c_str());
                return 2;
            }
            desc.serverKey = key;
        } else {
            desc.knownServersPath = knownServers;
        }
    }

    int rc = 0;
    {
        client::App app(std::move(desc));
        rc = app.run();
    }  // the app leaves the hall and closes its window here

    if (hostThread.joinable()) {
        stopHost.store(true);
        hostThread.join();
    }
    return rc;
}
