// i18n.cpp: the string table. One row per UiText, in enum order: { Chinese, English }.
#include "client/ui/i18n.h"

#include <array>

namespace client {

namespace {

struct Row {
    UiText id;
    const char* zh;
    const char* en;
};

// Rows carry their id so a missing or misplaced row is caught (static_assert below).
constexpr Row kTable[] = {
    {UiText::JoinTitle, "加入产学研对接会", "Join the docking meeting"},
    {UiText::JoinIntro, "填写您的姓名与单位，进入三维展厅。", "Enter your name and organization to walk into the 3D hall."},
    {UiText::JoinName, "姓名", "Name"},
    {UiText::JoinOrg, "单位", "Organization"},
    {UiText::JoinRole, "身份", "Role"},
    {UiText::JoinPassword, "主办方密码", "Organizer password"},
    {UiText::JoinLanguage, "语言", "Language"},
    {UiText::JoinServer, "服务器", "Server"},
    {UiText::JoinEmbedded, "本机（内置服务器，端口 %u）", "this computer (embedded server, port %u)"},
    {UiText::JoinButton, "进入展厅", "Join"},
    {UiText::JoinConnecting, "正在连接…", "Connecting…"},
    {UiText::JoinNameMissing, "请填写姓名。", "Please enter your name."},
    {UiText::JoinOrgMissing, "请填写单位。", "Please enter your organization."},
    {UiText::JoinNameTooLong, "姓名太长。", "The name is too long."},
    {UiText::JoinOrgTooLong, "单位名称太长。", "The organization's name is too long."},
    {UiText::RoleAttendee, "参会者", "Attendee"},
    {UiText::RoleExhibitor, "参展企业", "Exhibitor"},
    {UiText::RoleUniversity, "高校/院所", "University / institute"},
    {UiText::RoleOrganizer, "主办方", "Organizer"},
    {UiText::StateConnecting, "连接中", "connecting"},
    {UiText::StateHandshaking, "验证中", "signing in"},
    {UiText::StateJoined, "已连接", "connected"},
    {UiText::StateRefused, "被拒绝", "refused"},
    {UiText::StateLost, "已断开", "disconnected"},
    {UiText::TopEvent, "会议", "Event"},
    {UiText::TopConnection, "状态", "Status"},
    {UiText::TopPeople, "%d 人在线", "%d online"},
    {UiText::TopFps, "%.0f 帧/秒", "%.0f FPS"},
    {UiText::TopHelp, "帮助 (F1)", "Help (F1)"},
    {UiText::TopLanguage, "语言", "Language"},
    {UiText::ChatTitle, "聊天", "Chat"},
    {UiText::ChatHint, "输入消息，回车发送", "Type a message, Enter to send"},
    {UiText::ChatSend, "发送", "Send"},
    {UiText::ChatNotice, "系统", "Notice"},
    {UiText::ChatAnnouncement, "公告", "Announcement"},
    {UiText::ChatEmpty, "还没有消息，打个招呼吧。", "No messages yet. Say hello!"},
    {UiText::PeopleTitle, "参会人员", "Participants"},
    {UiText::PeopleCount, "展厅内 %d 人", "%d in the hall"},
    {UiText::PeopleYou, "（我）", "(you)"},
    {UiText::HelpTitle, "操作说明", "Controls"},
    {UiText::HelpWalk, "W A S D / 方向键：行走（相对镜头方向）", "W A S D / arrow keys: walk (relative to the camera)"},
    {UiText::HelpRun, "按住 Shift：跑步", "Hold Shift: run"},
    {UiText::HelpClick, "左键点击展位：走到展位前", "Left click a booth: walk to it"},
    {UiText::HelpCamera, "按住右键拖动：转动镜头", "Right mouse drag: turn the camera"},
    {UiText::HelpZoom, "滚轮：拉近 / 拉远", "Mouse wheel: zoom in / out"},
    {UiText::HelpChat, "回车：输入聊天；Esc：退出输入", "Enter: type in chat; Esc: stop typing"},
    {UiText::HelpToggle, "F1：显示 / 隐藏本说明", "F1: show / hide this help"},
    {UiText::HelpClose, "关闭", "Close"},
    {UiText::BoothClickToVisit, "点击前往该展位", "Click to walk to this booth"},
    {UiText::ModalRefusedTitle, "无法进入展厅", "Could not join the hall"},
    {UiText::ModalLostTitle, "连接已断开", "Connection lost"},
    {UiText::ModalBack, "返回登录", "Back to join"},
    {UiText::ModalUnreachable, "无法连接到 %s 的会场服务器。请检查地址和端口，并确认会场已开启。",
     "No hall answered at %s. Check the address and port, and that the hall is running."},
    {UiText::ServerEmbedded, "本机主持，端口 %u", "hosting on port %u"},
};
static_assert(std::size(kTable) == size_t(UiText::Count), "one row per UiText");

constexpr bool rowsInOrder() {
    for (size_t i = 0; i < std::size(kTable); ++i)
        if (size_t(kTable[i].id) != i) return false;
    return true;
}
static_assert(rowsInOrder(), "kTable rows must follow the UiText enum order");

}  // namespace

const char* tr(UiText id, Language lang) {
    size_t i = size_t(id);
    if (i >= std::size(kTable)) return "";
    return lang == Language::Chinese ? kTable[i].zh : kTable[i].en;
}

const char* languageName(Language lang) {
    switch (lang) {
        case Language::Chinese: return "中文";
        case Language::English: return "English";
        case Language::Count: break;
    }
    return "";
}

const char* roleText(net::Role role, Language lang) {
    switch (role) {
        case net::Role::Attendee: return tr(UiText::RoleAttendee, lang);
        case net::Role::Exhibitor: return tr(UiText::RoleExhibitor, lang);
        case net::Role::University: return tr(UiText::RoleUniversity, lang);
        case net::Role::Organizer: return tr(UiText::RoleOrganizer, lang);
        case net::Role::Count: break;
    }
    return "";
}

const char* connStateText(ConnState state, Language lang) {
    switch (state) {
        case ConnState::Connecting: return tr(UiText::StateConnecting, lang);
        case ConnState::Handshaking: return tr(UiText::StateHandshaking, lang);
        case ConnState::Joined: return tr(UiText::StateJoined, lang);
        case ConnState::Refused: return tr(UiText::StateRefused, lang);
        case ConnState::Lost: return tr(UiText::StateLost, lang);
    }
    return "";
}

}  // namespace client
