// bench_render.cpp: `dockhall-bench render`: the sample hall with N avatars walking between the
// booths (simulated here with net::stepAvatar against the hall's parts: no server), drawn
// offscreen at 1920x1080 with MSAA through headless EGL (the device platform: no X, no window).
//
//   dockhall-bench render --avatars 2000 --seconds 10 --json render.json
//                         [--width 1920 --height 1080 --msaa 4 --camera overview|follow --png last.png]
//
// A frame is timed from the start of Renderer::render() to the end of glFinish(), so the GPU's
// work is inside the figure (not just the CPU's submission); the avatar simulation is timed apart
// (sim_ms_mean) and is not in frame_ms. GL timer queries give the GPU's own share (gpu_ms) and
// the time to return from render() the CPU's (cpu_submit_ms). The crowd walks 15 simulated seconds before the first
// frame, then one 30 Hz tick per frame; the first frames (shader compilation, first uploads) are
// not counted.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <numbers>
#include <random>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "client/render/headless_gl.h"
#include "client/render/renderer.h"
#include "net/protocol/hall.h"
#include "server/core/event_loader.h"
#include "tools/bench/bench.h"

namespace bench {

namespace {

constexpr int kWarmupFrames = 5;
constexpr int kSettleTicks = 15 * net::kTickRate;  // simulated seconds before the first frame
constexpr float kPi = std::numbers::pi_v<float>;

using Clock = std::chrono::steady_clock;

double msSince(Clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

// One simulated attendee: walks to a goal (in front of a booth, or somewhere in the aisles),
// lingers there a few seconds, picks the next.
struct Walker {
    net::AvatarState state;
    net::Vec2 goal{};
    float pause = 0;          // seconds left standing at the goal
    float phase = 0;          // walk cycle
    float stuckClock = 0;     // seconds since the last progress check
    net::Vec2 checkpoint{};   // where it was at the last check
    net::Role role = net::Role::Attendee;
};

struct Crowd {
    const net::EventLayout* layout = nullptr;
    std::vector<net::HallPart> parts;
    std::vector<Walker> walkers;
    std::mt19937 rng{20240604};

    float uniform(float a, float b) { return std::uniform_real_distribution<float>(a, b)(rng); }

    net::Vec2 freeSpot(net::Vec2 p) {
        float x = p.x, z = p.y;
        for (int i = 0; i < 4; ++i) net::resolveCollisions(x, z, net::kAvatarRadius, parts, layout->hallSize);
        return {x, z};
    }

    net::Vec2 pickGoal() {
        const auto& booths = layout->booths;
        if (!booths.empty() && uniform(0, 1) < 0.75f) {
            // In the aisle in front of a booth, somewhere along its width.
            const net::Booth& b = booths[size_t(uniform(0, float(booths.size()) - 0.001f))];
            const float hw = std::max(0.0f, b.size.x * 0.5f - 0.6f);
            return freeSpot(net::boothToWorld(b, {uniform(-hw, hw), b.size.y * 0.5f + uniform(0.6f, 2.5f)}));
        }
        return freeSpot({uniform(1, layout->hallSize.x - 1), uniform(1, layout->hallSize.y - 1)});
    }

    void spawn(int n) {
        walkers.resize(size_t(n));
        for (size_t i = 0; i < walkers.size(); ++i) {
            Walker& w = walkers[i];
            const net::Vec2 p = freeSpot({uniform(1, layout->hallSize.x - 1), uniform(1, layout->hallSize.y - 1)});
            w.state.x = p.x;
            w.state.z = p.y;
            w.state.yaw = uniform(0, 2 * kPi);
            w.goal = pickGoal();
            w.pause = uniform(0, 40);
            w.phase = uniform(0, 2 * kPi);
            w.checkpoint = p;
            // Mostly attendees, some exhibitors and university staff, a few organizers.
            const float r = uniform(0, 1);
            w.role = r < 0.7f ? net::Role::Attendee : r < 0.85f ? net::Role::Exhibitor : r < 0.97f ? net::Role::University : net::Role::Organizer;
        }
    }

    void step(float dt) {
        for (Walker& w : walkers) {
            net::MoveInput in;
            in.yaw = w.state.yaw;
            if (w.pause > 0) {
                w.pause -= dt;
            } else {
                const float dx = w.goal.x - w.state.x, dz = w.goal.y - w.state.z;
                const float len = std::sqrt(dx * dx + dz * dz);
                if (len < 0.4f) {
                    w.pause = uniform(15, 50);  // a booth visit: most of the crowd stands at any time
                    w.goal = pickGoal();
                } else {
                    in.moveX = dx / len;
                    in.moveZ = dz / len;
                    in.yaw = std::atan2(dx, dz);  // yaw 0 faces +z
                    if (in.yaw < 0) in.yaw += 2 * kPi;
                }
                // Stuck against a booth corner for two seconds: go somewhere else.
                w.stuckClock += dt;
                if (w.stuckClock > 2.0f) {
                    const float mx = w.state.x - w.checkpoint.x, mz = w.state.z - w.checkpoint.y;
                    if (mx * mx + mz * mz < 0.25f && w.pause <= 0) w.goal = pickGoal();
                    w.stuckClock = 0;
                    w.checkpoint = {w.state.x, w.state.z};
                }
            }
            net::stepAvatar(w.state, in, dt, parts, layout->hallSize);
            if (w.state.anim == net::Anim::Walk) w.phase = std::fmod(w.phase + dt * 2 * kPi * 0.9f, 2 * kPi);
        }
    }

    void fill(std::vector<client::AvatarInstance>& out) const {
        out.resize(walkers.size());
        for (size_t i = 0; i < walkers.size(); ++i) {
            const Walker& w = walkers[i];
            out[i] = {.x = w.state.x, .z = w.state.z, .yaw = w.state.yaw, .role = w.role, .anim = w.state.anim,
                      .animPhase = w.phase, .self = i == 0};
        }
    }
};

double percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    const double pos = p * double(v.size() - 1);
    const size_t lo = size_t(pos);
    const size_t hi = std::min(lo + 1, v.size() - 1);
    return v[lo] + (v[hi] - v[lo]) * (pos - double(lo));
}

}  // namespace

int render(int argc, char** argv) {
    CLI::App app{"dockhall-bench render: the sample hall with N moving avatars, offscreen through headless EGL"};
    int avatars = 2000, width = 1920, height = 1080, msaa = 4;
    double seconds = 10;
    std::string jsonPath, pngPath, camera = "overview";
    std::string eventPath = std::string(DOCKHALL_SOURCE_DIR) + "/assets/events/sample.json";
    std::string assetsDir = std::string(DOCKHALL_SOURCE_DIR) + "/assets";
    app.add_option("--avatars", avatars, "avatars walking in the hall")->check(CLI::Range(0, 100000));
    app.add_option("--seconds", seconds, "how long to measure (wall clock)")->check(CLI::Range(0.1, 3600.0));
    app.add_option("--json", jsonPath, "write the figures here as JSON (they are printed on stdout too)");
    app.add_option("--width", width, "framebuffer width")->check(CLI::Range(16, 8192));
    app.add_option("--height", height, "framebuffer height")->check(CLI::Range(16, 8192));
    app.add_option("--msaa", msaa, "samples per pixel (1 = none)")->check(CLI::Range(1, 16));
    app.add_option("--camera", camera, "overview: high over the hall, the whole crowd in view; "
                                       "follow: behind one walking attendee at head height")
        ->check(CLI::IsMember({"overview", "follow"}));
    app.add_option("--event", eventPath, "event file (default: the sample hall)");
    app.add_option("--assets", assetsDir, "folder the event's model paths are relative to");
    app.add_option("--png", pngPath, "save the last frame as a PNG");
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    }

    net::EventLayout layout;
    std::string error;
    if (!server::loadEventFile(eventPath, layout, error)) {
        std::fprintf(stderr, "dockhall-bench render: %s\n", error.c_str());
        return 1;
    }
    auto gl = client::HeadlessGl::create(&error);
    if (!gl) {
        std::fprintf(stderr, "dockhall-bench render: %s\n", error.c_str());
        return 1;
    }
    client::Renderer renderer;
    if (!renderer.init(layout, {.assetsDir = assetsDir}, &error)) {
        std::fprintf(stderr, "dockhall-bench render: %s\n", error.c_str());
        return 1;
    }
    for (const std::string& w : renderer.warnings()) std::fprintf(stderr, "warning: %s\n", w.c_str());
    client::OffscreenTarget target;
    if (!target.create(width, height, msaa, &error)) {
        std::fprintf(stderr, "dockhall-bench render: %s\n", error.c_str());
        return 1;
    }

    Crowd crowd;
    crowd.layout = &layout;
    net::buildHallParts(layout, crowd.parts);
    crowd.spawn(avatars);
    // Walk for a while first, so the measured frames see a settled crowd (some walking, most
    // lingering at booths) rather than everyone standing where they spawned.
    for (int i = 0; i < kSettleTicks; ++i) crowd.step(net::kTickSeconds);
    std::vector<client::AvatarInstance> instances;

    std::vector<double> frameMs, simMs, submitMs, gpuMs;
    double drawCalls = 0, triangles = 0, drawn = 0, moving = 0, lods[client::kAvatarLodCount] = {};
    int glErrors = 0;
    const float hx = layout.hallSize.x, hz = layout.hallSize.y;
    const Clock::time_point start = Clock::now();
    Clock::time_point measureStart = start;
    for (int frame = 0;; ++frame) {
        if (frame == kWarmupFrames) measureStart = Clock::now();
        if (frame > kWarmupFrames && msSince(measureStart) >= seconds * 1000.0) break;

        // One 30 Hz tick of walking per frame: the same motion at any frame rate.
        const Clock::time_point s0 = Clock::now();
        crowd.step(net::kTickSeconds);
        crowd.fill(instances);
        const double sim = msSince(s0);

        const float t = float(frame) * net::kTickSeconds;
        client::CameraView cam;
        cam.fovYDeg = 55;
        if (camera == "follow" && !crowd.walkers.empty()) {
            const Walker& w = crowd.walkers[0];
            const glm::vec3 feet{w.state.x, 0, w.state.z};
            const glm::vec3 fwd{std::sin(w.state.yaw), 0, std::cos(w.state.yaw)};
            cam.eye = feet - fwd * 4.0f + glm::vec3{0, 2.6f, 0};
            cam.target = feet + fwd * 6.0f + glm::vec3{0, 1.2f, 0};
        } else {
            // High over the near end, swaying slowly, looking down the whole hall.
            cam.eye = {hx * 0.5f + 10.0f * std::sin(t * 0.15f), 24.0f, hz - 1.0f};
            cam.target = {hx * 0.5f, 0.0f, hz * 0.42f};
        }

        const Clock::time_point r0 = Clock::now();
        target.bind();
        renderer.render(cam, instances, width, height);
        const double submit = msSince(r0);
        gl->finish();
        const double ms = msSince(r0);

        if (frame < kWarmupFrames) continue;
        const client::FrameStats st = renderer.lastFrameStats();
        frameMs.push_back(ms);
        simMs.push_back(sim);
        submitMs.push_back(submit);
        if (st.gpuMs >= 0 && frame > kWarmupFrames) gpuMs.push_back(st.gpuMs);  // the frame before
        drawCalls += st.drawCalls;
        triangles += double(st.triangles);
        drawn += st.avatarsDrawn;
        for (int l = 0; l < client::kAvatarLodCount; ++l) lods[l] += st.avatarsAtLod[l];
        glErrors += st.glErrors;
        int walking = 0;
        for (const auto& a : instances) walking += a.anim != net::Anim::Idle ? 1 : 0;
        moving += instances.empty() ? 0.0 : double(walking) / double(instances.size());
    }

    if (!pngPath.empty()) {
        std::vector<uint8_t> rgba;
        if (!target.readRgba(rgba) || !client::savePng(pngPath, width, height, rgba))
            std::fprintf(stderr, "dockhall-bench render: cannot write %s\n", pngPath.c_str());
    }

    const double n = std::max<double>(1.0, double(frameMs.size()));
    double sum = 0;
    for (double v : frameMs) sum += v;
    double simSum = 0;
    for (double v : simMs) simSum += v;
    const double p50 = percentile(frameMs, 0.5);
    nlohmann::json out = {
        {"avatars", avatars},
        {"seconds", seconds},
        {"width", width},
        {"height", height},
        {"msaa", msaa},
        {"camera", camera},
        {"frames", frameMs.size()},
        {"frame_ms_mean", sum / n},
        {"frame_ms_p50", p50},
        {"frame_ms_p99", percentile(frameMs, 0.99)},
        {"frame_ms_max", frameMs.empty() ? 0.0 : *std::max_element(frameMs.begin(), frameMs.end())},
        {"fps_p50", p50 > 0 ? 1000.0 / p50 : 0.0},
        {"cpu_submit_ms_p50", percentile(submitMs, 0.5)},
        {"gpu_ms_p50", percentile(gpuMs, 0.5)},
        {"gpu_ms_p99", percentile(gpuMs, 0.99)},
        {"draw_calls_mean", drawCalls / n},
        {"triangles_mean", triangles / n},
        {"avatars_drawn_mean", drawn / n},
        {"avatars_lod_mean", {lods[0] / n, lods[1] / n, lods[2] / n}},
        {"avatars_moving_ratio", moving / n},
        {"sim_ms_mean", simSum / n},
        {"gl_errors", glErrors},
        {"gl_renderer", gl->rendererName()},
        {"gl_version", gl->versionString()},
        {"egl_platform", gl->platformName()},
        {"timing", "frame_ms: render() + glFinish() per frame, wall clock, simulation excluded; "
                   "cpu_submit_ms: render() alone; gpu_ms: GL_TIME_ELAPSED around render()"},
    };
    if (!writeFigures(out, jsonPath, "render")) return 1;
    return glErrors == 0 ? 0 : 1;
}

}  // namespace bench
