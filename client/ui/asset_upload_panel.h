// asset_upload_panel.h: "Add an exhibit" for exhibitors and universities: pick a model file in
// a small folder browser, fill in its facts in both languages, and the client bakes it with
// dockhall-bake (a child process started from a worker thread: Assimp never runs on the render
// thread, and a file that crashes the importer costs only the child), then uploads it to the
// user's own booth (client/core/asset_upload.h). The server's answer is shown as it comes.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "client/core/asset_upload.h"
#include "client/core/connection.h"
#include "client/ui/i18n.h"

namespace client {

class UiFont;

// The booth of an organization (matched by its Chinese or English name, case and spacing
// aside, as the server matches it); -1 when it has none.
int ownBooth(const net::EventLayout& event, const std::string& org);

// Bakes `path` with the dockhall-bake next to this executable into `out`. False with a message
// naming the file. Blocks (call it from a worker thread).
bool bakeWithTool(const std::string& path, std::vector<uint8_t>& out, std::string& error);

class UploadPanel {
public:
    UploadPanel();
    ~UploadPanel();
    UploadPanel(const UploadPanel&) = delete;
    UploadPanel& operator=(const UploadPanel&) = delete;

    // Draws the window (for exhibitors and universities with a booth) and pumps an upload.
    // `top`: where the panels below the top bar (and the agenda strip) may start.
    void draw(Connection& conn, const std::string& myOrg, net::Role myRole, Language lang, UiFont& font, float top);

private:
    void listFolder();
    void startBake();

    std::string m_folder;
    std::vector<std::pair<std::string, bool>> m_entries;  // name, is a folder
    std::string m_picked;            // full path of the chosen file
    char m_titleZh[200] = {}, m_titleEn[200] = {}, m_material[64] = {}, m_processZh[120] = {},
         m_processEn[120] = {}, m_descZh[1000] = {}, m_descEn[1000] = {};
    float m_massKg = 0;
    // The bake runs on a worker thread; the render thread polls `m_bakeDone`.
    std::thread m_worker;
    std::atomic<bool> m_baking{false}, m_bakeDone{false};
    std::vector<uint8_t> m_baked;
    std::string m_bakeError;
    std::unique_ptr<AssetUpload> m_upload;
    uint32_t m_nextReq = 1;
    std::string m_status;            // the latest outcome, in words
    bool m_statusOk = false;
};

}  // namespace client
