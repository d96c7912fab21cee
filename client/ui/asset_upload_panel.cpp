// asset_upload_panel.cpp: pick, bake (in a child process, from a worker thread), upload.
#include "client/ui/asset_upload_panel.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <fcntl.h>
#include <imgui.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include "client/ui/glyphs.h"

extern char** environ;

namespace client {

namespace fs = std::filesystem;

namespace {

std::string lowerTrim(const std::string& s) {
    std::string out;
    for (char c : s)
        if (!std::isspace(static_cast<unsigned char>(c))) out += char(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

bool isModelFile(const fs::path& p) {
    static const char* kExt[] = {".glb", ".gltf", ".obj", ".fbx", ".stl", ".ply", ".3ds", ".dae"};
    std::string ext = p.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return std::find(std::begin(kExt), std::end(kExt), ext) != std::end(kExt);
}

}  // namespace

int ownBooth(const net::EventLayout& event, const std::string& org) {
    const std::string want = lowerTrim(org);
    if (want.empty()) return -1;
    for (size_t i = 0; i < event.booths.size(); ++i) {
        const auto& name = event.booths[i].owner.name;
        if (want == lowerTrim(name.zh) || want == lowerTrim(name.en)) return int(i);
    }
    return -1;
}

bool bakeWithTool(const std::string& path, std::vector<uint8_t>& out, std::string& error) {
    std::error_code ec;
    const fs::path tool = fs::read_symlink("/proc/self/exe", ec).parent_path() / "dockhall-bake";
    if (ec || !fs::exists(tool)) {
        error = path + ": dockhall-bake was not found next to dockhall. 找不到模型转换工具 dockhall-bake。";
        return false;
    }
    const fs::path tmp = fs::temp_directory_path() / ("dockhall-upload-" + std::to_string(::getpid()) + ".dhm");
    std::vector<std::string> args{tool.string(), path, "-o", tmp.string()};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    // The baker's own words (stderr) say what is wrong with the file.
    const fs::path log = fs::path(tmp).replace_extension(".log");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    pid_t pid = 0;
    // posix_spawn (not fork): safe from a program with threads.
    const int spawned = posix_spawn(&pid, tool.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (spawned != 0) {
        error = path + ": could not start dockhall-bake. 无法启动模型转换工具。";
        return false;
    }
    int status = 0;
    const bool ok = waitpid(pid, &status, 0) >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
    std::string why;
    {
        std::ifstream in(log);
        for (std::string line; std::getline(in, line);)
            if (!line.empty()) why = line;
    }
    fs::remove(log, ec);
    if (!ok) {
        fs::remove(tmp, ec);
        if (why.starts_with("dockhall-bake: ")) why = why.substr(15);
        error = (why.empty() ? path + ": the model could not be read (damaged, or not a model file)" : why) +
                ". 模型文件无法读取（已损坏或不是模型文件）。";
        return false;
    }
    std::ifstream in(tmp, std::ios::binary);
    out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    fs::remove(tmp, ec);
    if (out.empty()) {
        error = path + ": the baker wrote nothing. 模型转换没有输出。";
        return false;
    }
    return true;
}

UploadPanel::UploadPanel() {
    const char* home = std::getenv("HOME");
    m_folder = home && *home ? home : fs::current_path().string();
}

UploadPanel::~UploadPanel() {
    if (m_worker.joinable()) m_worker.join();
}

void UploadPanel::listFolder() {
    m_entries.clear();
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(m_folder, fs::directory_options::skip_permission_denied, ec)) {
        const std::string name = e.path().filename().string();
        if (name.empty() || name[0] == '.') continue;
        std::error_code ec2;
        const bool dir = e.is_directory(ec2);
        if (dir || isModelFile(e.path())) m_entries.emplace_back(name, dir);
    }
    std::sort(m_entries.begin(), m_entries.end(), [](const auto& a, const auto& b) {
        return a.second != b.second ? a.second : a.first < b.first;
    });
}

void UploadPanel::startBake() {
    if (m_worker.joinable()) m_worker.join();
    m_baking = true;
    m_bakeDone = false;
    m_baked.clear();
    m_bakeError.clear();
    m_worker = std::thread([this, path = m_picked] {
        std::vector<uint8_t> bytes;
        std::string error;
        const bool ok = bakeWithTool(path, bytes, error);
        m_baked = std::move(bytes);
        m_bakeError = ok ? std::string() : error;
        m_bakeDone = true;  // publishes m_baked / m_bakeError to the render thread
    });
}

void UploadPanel::draw(Connection& conn, const std::string& myOrg, net::Role myRole, Language lang, UiFont& font, float top) {
    if (myRole != net::Role::Exhibitor && myRole != net::Role::University) return;
    const net::EventLayout& event = conn.world().event();
    const int booth = ownBooth(event, myOrg);
    if (booth < 0 || !conn.assets()) return;
    const bool zh = isChinese(lang);

    // The bake finished: send the upload.
    if (m_baking && m_bakeDone) {
        m_baking = false;
        if (m_worker.joinable()) m_worker.join();
        if (!m_bakeError.empty()) {
            m_status = m_bakeError;
            m_statusOk = false;
        } else {
            net::Exhibit facts;
            facts.asset = fs::path(m_picked).filename().string();
            facts.title = {m_titleZh, m_titleEn};
            facts.material = m_material;
            facts.process = {m_processZh, m_processEn};
            facts.massKg = std::max(0.0f, m_massKg);
            facts.description = {m_descZh, m_descEn};
            m_upload = std::make_unique<AssetUpload>(m_nextReq++, uint16_t(booth), facts, m_baked);
            m_status.clear();
        }
    }
    if (m_upload) m_upload->pump(conn, 2);
    for (const auto& r : conn.assets()->takeUploadResults()) {
        if (!m_upload || r.req != m_upload->req()) continue;
        m_status = r.text;
        m_statusOk = r.ok;
        m_upload.reset();
    }

    ImGuiIO& io = ImGui::GetIO();
    // Top left, where nothing else starts (the people list holds the top right, the docking window
    // the middle, chat the bottom left, the map the bottom right); narrow enough at 1280 px to stay
    // clear of the docking window.
    const float w = std::clamp(io.DisplaySize.x * 0.25f, 300.0f, 400.0f);
    ImGui::SetNextWindowPos({8.0f, top + 8.0f}, ImGuiCond_FirstUseEver);
    ImGui::SetNextWindowSize({w, std::min(500.0f, io.DisplaySize.y * 0.6f)}, ImGuiCond_FirstUseEver);
    ImGui::SetNextWindowCollapsed(true, ImGuiCond_FirstUseEver);
    if (!ImGui::Begin(tr(UiText::UploadTitle, lang))) {
        ImGui::End();
        return;
    }
    const std::string boothName = event.booths[size_t(booth)].owner.name.in(zh);
    font.want(boothName);
    ImGui::TextWrapped(tr(UiText::UploadBooth, lang), boothName.c_str());

    // Folder browser.
    if (m_entries.empty()) listFolder();
    font.want(m_folder);
    ImGui::TextDisabled("%s", m_folder.c_str());
    if (ImGui::Button(tr(UiText::UploadUp, lang))) {
        m_folder = fs::path(m_folder).parent_path().string();
        listFolder();
    }
    ImGui::BeginChild("files", {0, 120}, true);
    std::string enter;
    for (const auto& [name, dir] : m_entries) {
        font.want(name);
        const std::string label = (dir ? "[" + name + "]" : name);
        const std::string full = (fs::path(m_folder) / name).string();
        if (ImGui::Selectable(label.c_str(), full == m_picked)) {
            if (dir) enter = full;
            else m_picked = full;
        }
    }
    ImGui::EndChild();
    if (!enter.empty()) {
        m_folder = enter;
        listFolder();
    }
    font.want(m_picked);
    ImGui::TextWrapped(tr(UiText::UploadPicked, lang), m_picked.empty() ? "-" : fs::path(m_picked).filename().c_str());

    // Facts, both languages.
    ImGui::InputText(tr(UiText::UploadNameZh, lang), m_titleZh, sizeof m_titleZh);
    ImGui::InputText(tr(UiText::UploadNameEn, lang), m_titleEn, sizeof m_titleEn);
    ImGui::InputText(tr(UiText::UploadMaterial, lang), m_material, sizeof m_material);
    ImGui::InputText(tr(UiText::UploadProcessZh, lang), m_processZh, sizeof m_processZh);
    ImGui::InputText(tr(UiText::UploadProcessEn, lang), m_processEn, sizeof m_processEn);
    ImGui::InputFloat(tr(UiText::UploadMass, lang), &m_massKg, 0.1f, 1.0f, "%.2f");
    ImGui::InputTextMultiline(tr(UiText::UploadDescZh, lang), m_descZh, sizeof m_descZh, {0, 50});
    ImGui::InputTextMultiline(tr(UiText::UploadDescEn, lang), m_descEn, sizeof m_descEn, {0, 50});
    for (const char* t : {m_titleZh, m_processZh, m_descZh}) font.want(t);

    const bool busy = m_baking || m_upload;
    const bool ready = !m_picked.empty() && (m_titleZh[0] || m_titleEn[0]);
    if (busy) {
        ImGui::ProgressBar(m_upload ? m_upload->progress() : 0.0f, {-1, 0},
                           m_baking ? tr(UiText::UploadBaking, lang) : tr(UiText::UploadSending, lang));
    } else if (ImGui::Button(tr(UiText::UploadButton, lang)) && ready) {
        startBake();
    }
    if (!ready && !busy) ImGui::TextDisabled("%s", tr(UiText::UploadNeeds, lang));
    if (!m_status.empty()) {
        font.want(m_status);
        ImGui::PushStyleColor(ImGuiCol_Text, m_statusOk ? ImVec4{0.5f, 0.9f, 0.5f, 1} : ImVec4{1.0f, 0.45f, 0.35f, 1});
        ImGui::TextWrapped("%s", m_status.c_str());
        ImGui::PopStyleColor();
    }
    ImGui::End();
}

}  // namespace client
