// permissions.cpp: the table of client messages (permissions.h; docs/roles.md says it in words).
#include "server/core/permissions.h"

#include <array>

#include "net/protocol/agreement.h"
#include "net/protocol/asset_msgs.h"
#include "net/protocol/docking_msgs.h"
#include "net/protocol/stage_msgs.h"

namespace server {

namespace {

using net::MsgType;
constexpr auto kJoined = SessionPhase::Joined;
constexpr uint8_t kEv = net::kChannelEvents;

// Sizes: the largest a genuine client can encode (the serialize() limits), with room for the
// length prefixes. A post carries four 8,000-byte texts and 32 achievements, hence its size.
constexpr MessageRule kRules[] = {
    {MsgType::Hello, SessionPhase::Handshake, kAllRoles, kEv, 1024, RateClass::None,
     "join the hall", "加入会场"},
    {MsgType::Input, kJoined, kAllRoles, net::kChannelState, 64, RateClass::None,
     "move", "移动"},
    {MsgType::ChatSend, kJoined, kAllRoles, kEv, net::kMaxChatBytes * 4 + 16, RateClass::Chat,
     "write in the hall chat", "在展厅聊天"},
    {MsgType::PostSave, kJoined, kPostingRoles, kEv, 96 * 1024, RateClass::Action,
     "post a need or a capability", "发布需求或能力"},
    {MsgType::PostWithdraw, kJoined, kPostingRoles, kEv, 64, RateClass::Action,
     "withdraw a post", "撤回帖子"},
    {MsgType::PostHide, kJoined, kOrganizerOnly, kEv, 64, RateClass::Action,
     "hide or show a post", "隐藏或显示帖子"},
    {MsgType::BoardSearch, kJoined, kAllRoles, kEv, 1024, RateClass::Query,
     "search the board", "搜索对接信息"},
    {MsgType::MeetingAsk, kJoined, kAllRoles, kEv, 64, RateClass::Action,
     "ask for a meeting", "预约会谈"},
    {MsgType::MeetingAnswer, kJoined, kAllRoles, kEv, 64, RateClass::Action,
     "answer a meeting request", "答复会谈"},
    {MsgType::MeetingSchedule, kJoined, kOrganizerOnly, kEv, 64, RateClass::Action,
     "schedule a meeting for others", "为他人安排会谈"},
    {MsgType::MeetingNotes, kJoined, kAllRoles, kEv, net::kMaxDockTextBytes + 64, RateClass::Action,
     "write a meeting's notes", "记录会谈纪要"},
    {MsgType::GoToTable, kJoined, kAllRoles, kEv, 64, RateClass::Action,
     "go to a meeting table", "前往洽谈桌"},
    {MsgType::TableChatSend, kJoined, kAllRoles, kEv, net::kMaxChatBytes * 4 + 32, RateClass::Chat,
     "write at a meeting table", "在洽谈桌发言"},
    {MsgType::CardAsk, kJoined, kAllRoles, kEv, 64, RateClass::Action,
     "ask for a business card", "请求交换名片"},
    {MsgType::CardAnswer, kJoined, kAllRoles, kEv, 64, RateClass::Action,
     "answer a card exchange", "答复名片交换"},
    {MsgType::CardSet, kJoined, kAllRoles, kEv, 4 * 1024, RateClass::Action,
     "set my business card", "设置我的名片"},
    {MsgType::FieldAdd, kJoined, kOrganizerOnly, kEv, 1024, RateClass::Action,
     "add a field to the board's taxonomy", "增加对接领域"},
    // Up to 20 a second while presenting (the pose follows the presenter's mouse): bounded by
    // the packet rate, not a bucket.
    {MsgType::PresentSet, kJoined, kExhibitingRoles, kEv, 64, RateClass::None,
     "present an exhibit at a booth", "在展位讲解展品"},
    {MsgType::KeyRegister, kJoined, kAllRoles, kEv, 64, RateClass::Action,
     "register a signing key", "登记签约密钥"},
    {MsgType::AgreementSave, kJoined, kOrganizerOnly, kEv, 4 * net::kMaxAgreementTextBytes + 16 * 1024, RateClass::Action,
     "draft an agreement", "起草协议"},
    {MsgType::CeremonyAct, kJoined, kOrganizerOnly, kEv, 64, RateClass::Action,
     "run a signing ceremony", "主持签约仪式"},
    {MsgType::CeremonySign, kJoined, kAllRoles, kEv, 256, RateClass::Action,
     "sign an agreement", "签署协议"},
    {MsgType::Announce, kJoined, kOrganizerOnly, kEv, 4 * net::kMaxAnnouncementBytes + 64, RateClass::Action,
     "make an announcement", "发布公告"},
    {MsgType::Moderate, kJoined, kOrganizerOnly, kEv, 64, RateClass::Action,
     "moderate the hall", "管理会场秩序"},
    {MsgType::EyesOnStage, kJoined, kOrganizerOnly, kEv, 32, RateClass::Action,
     "draw everyone's eyes to the stage", "请全场关注舞台"},
    // Slides travel in 32 KiB chunks, one after the other: bounded by size and the packet rate.
    {MsgType::SlideUpload, kJoined, kPresentingRoles, kEv, net::kSlideChunkBytes + 1024, RateClass::None,
     "upload a slide", "上传幻灯片"},
    {MsgType::SlideShow, kJoined, kPresentingRoles, kEv, 32, RateClass::Action,
     "show a slide on the big screen", "切换大屏幻灯片"},
    {MsgType::SlideFetch, kJoined, kAllRoles, kEv, 32, RateClass::None,
     "fetch a slide", "获取幻灯片"},
    // Assets travel on their own channel; a download asks and acknowledges chunk by chunk, so
    // these are bounded by the server's per-client window and the packet rate, not a bucket.
    {MsgType::AssetRequest, kJoined, kAllRoles, net::kChannelAssets, 64, RateClass::None,
     "fetch a model", "下载模型"},
    {MsgType::AssetAck, kJoined, kAllRoles, net::kChannelAssets, 64, RateClass::None,
     "acknowledge a model's chunks", "确认模型分块"},
    // Any role may try: the service answers in words which booths one may exhibit at (an
    // UploadResult the upload window shows), so the table does not refuse first.
    {MsgType::UploadBegin, kJoined, kAllRoles, net::kChannelAssets, 64 * 1024, RateClass::Action,
     "upload an exhibit", "上传展品"},
    {MsgType::UploadChunk, kJoined, kAllRoles, net::kChannelAssets, net::kMaxAssetChunkBytes + 1024, RateClass::None,
     "send a piece of an upload", "上传展品分块"},
    {MsgType::SlideClear, kJoined, kPresentingRoles, kEv, 32, RateClass::Action,
     "clear the slides", "清空幻灯片"},
};

constexpr std::array<const MessageRule*, size_t(MsgType::Count)> byType() {
    std::array<const MessageRule*, size_t(MsgType::Count)> out{};
    for (const MessageRule& r : kRules) out[size_t(r.type)] = &r;
    return out;
}
constexpr auto kByType = byType();

constexpr bool inTypeOrder() {
    for (size_t i = 1; i < std::size(kRules); ++i)
        if (kRules[i - 1].type >= kRules[i].type) return false;
    return true;
}
static_assert(inTypeOrder(), "kRules rows follow MsgType order, one row per type");
static_assert(int(MsgType::Count) == 66,
              "a message type was added: give it a row in kRules if clients send it (and in docs/roles.md), "
              "then update this count");

}  // namespace

std::span<const MessageRule> clientMessageRules() { return kRules; }

const MessageRule* ruleFor(net::MsgType type) { return size_t(type) < kByType.size() ? kByType[size_t(type)] : nullptr; }

bool roleMaySend(net::Role role, net::MsgType type) {
    const MessageRule* r = ruleFor(type);
    return r && (r->roles & roleBit(role)) != 0;
}

}  // namespace server
