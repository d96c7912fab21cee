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
    {UiText::TopDocking, "对接洽谈", "Docking"},
    {UiText::DockTitle, "产学研对接", "Docking board"},
    {UiText::DockTabBoard, "需求与成果", "Board"},
    {UiText::DockTabForYou, "为您推荐", "For you"},
    {UiText::DockTabPost, "发布", "Post"},
    {UiText::DockTabMeetings, "我的日程", "My schedule"},
    {UiText::DockTabContacts, "名片与联系人", "Cards & contacts"},
    {UiText::DockTabLeads, "访客线索", "Visitor leads"},
    {UiText::DockSearchHint, "关键词（中文或英文）", "Keywords (Chinese or English)"},
    {UiText::DockSearch, "搜索", "Search"},
    {UiText::DockKindAll, "全部", "All"},
    {UiText::DockKindNeeds, "技术需求", "Needs"},
    {UiText::DockKindCaps, "科研能力", "Capabilities"},
    {UiText::DockAnyField, "全部领域", "Any field"},
    {UiText::DockOrgKinds, "单位类型", "Organization type"},
    {UiText::DockNoResults, "没有找到帖子。", "No posts found."},
    {UiText::DockNeedLabel, "需求", "Need"},
    {UiText::DockCapLabel, "能力", "Capability"},
    {UiText::DockHidden, "（已隐藏）", "(hidden)"},
    {UiText::DockMine, "本单位", "ours"},
    {UiText::DockAskMeeting, "预约会谈", "Request a meeting"},
    {UiText::DockSlot, "时段", "Slot"},
    {UiText::DockNoSessions, "本次活动未设置洽谈时段。", "This event has no meeting sessions."},
    {UiText::DockEdit, "编辑", "Edit"},
    {UiText::DockWithdraw, "撤回", "Withdraw"},
    {UiText::DockHide, "隐藏", "Hide"},
    {UiText::DockShow, "恢复显示", "Show"},
    {UiText::DockForYouEmpty, "发布需求或能力后，这里会显示为您匹配的结果。", "Post a need or a capability to see its matches here."},
    {UiText::DockMatchScore, "匹配度 %.0f", "match %.0f"},
    {UiText::DockWhy, "匹配理由：", "Why: "},
    {UiText::DockTitleZh, "标题 / 研究方向（中文）", "Title / research direction (Chinese)"},
    {UiText::DockTitleEn, "标题 / 研究方向（英文）", "Title / research direction (English)"},
    {UiText::DockDescZh, "描述（中文）", "Description (Chinese)"},
    {UiText::DockDescEn, "描述（英文）", "Description (English)"},
    {UiText::DockExtraNeed, "预期成果", "Expected outcome"},
    {UiText::DockExtraCap, "实验设备", "Lab equipment"},
    {UiText::DockBudget, "预算（元，最低 / 最高，0 为面议）", "Budget (yuan, min / max, 0 = negotiable)"},
    {UiText::DockReadiness, "技术成熟度 (TRL 1-9)", "Readiness (TRL 1-9)"},
    {UiText::DockContact, "联系人及方式", "Contact person and how to reach them"},
    {UiText::DockFields, "领域（最多 5 个）", "Fields (up to 5)"},
    {UiText::DockSubmit, "发布", "Post"},
    {UiText::DockSaveEdit, "保存修改", "Save changes"},
    {UiText::DockNewPost, "新建", "New"},
    {UiText::DockCantPost, "以参展企业或高校/院所身份加入后才能发布。", "Join as an exhibitor or a university / institute to post."},
    {UiText::DockScheduleEmpty, "还没有会谈。", "No meetings yet."},
    {UiText::DockStateRequested, "待答复", "waiting"},
    {UiText::DockStateAccepted, "已确认", "booked"},
    {UiText::DockStateDeclined, "已婉拒", "declined"},
    {UiText::DockStateCancelled, "已取消", "cancelled"},
    {UiText::DockWaitingYou, "等待您答复", "waiting for you"},
    {UiText::DockTable, "洽谈桌 %d 号", "table %d"},
    {UiText::DockAccept, "接受", "Accept"},
    {UiText::DockDecline, "婉拒", "Decline"},
    {UiText::DockPropose, "改约到所选时段", "Propose the chosen slot"},
    {UiText::DockCancel, "取消会谈", "Cancel"},
    {UiText::DockGoToTable, "前往洽谈桌", "Go to table"},
    {UiText::DockNotes, "会谈纪要", "Notes"},
    {UiText::DockOutcome, "结果", "Outcome"},
    {UiText::DockOutcomeNone, "未填写", "not set"},
    {UiText::DockOutcomeFollowUp, "继续跟进", "follow up"},
    {UiText::DockOutcomeIntent, "合作意向", "intent to cooperate"},
    {UiText::DockOutcomeNoFit, "暂不合适", "no fit"},
    {UiText::DockSaveNotes, "保存纪要", "Save notes"},
    {UiText::DockAgreement, "协议草案：", "Agreement draft: "},
    {UiText::DockTableChat, "洽谈桌聊天（仅在座双方可见）", "Table chat (only those seated)"},
    {UiText::DockCallReminder, "会谈即将开始", "Your meeting starts soon"},
    {UiText::DockCallStart, "会谈开始了", "Your meeting starts now"},
    {UiText::DockMyCard, "我的名片", "My card"},
    {UiText::DockCardTitle, "职务", "Job title"},
    {UiText::DockCardPhone, "电话", "Phone"},
    {UiText::DockCardEmail, "邮箱", "Email"},
    {UiText::DockSaveCard, "保存名片", "Save card"},
    {UiText::DockExchangeWith, "与在场人员交换名片：", "Exchange cards with someone here:"},
    {UiText::DockExchange, "交换名片", "Exchange cards"},
    {UiText::DockContactAsked, "已请求", "asked"},
    {UiText::DockContactAskedOfMe, "请求与您交换", "wants to exchange"},
    {UiText::DockContactExchanged, "已交换", "exchanged"},
    {UiText::DockContactDeclined, "已婉拒", "declined"},
    {UiText::DockExportVCard, "导出 vCard", "Export vCard"},
    {UiText::DockExported, "已导出到 %s", "Exported to %s"},
    {UiText::DockLeadsEmpty, "还没有访客。", "No visitors yet."},
    {UiText::DockLeadLine, "%d 次，共 %d 秒", "%d visits, %d s in all"},
    {UiText::DockSchedule, "安排会谈（主办方）", "Schedule a meeting (organizer)"},
    {UiText::DockWith, "对方：", "With: "},
    {UiText::DockByOrganizer, "（主办方安排）", "(by the organizer)"},
    {UiText::DockSelectHint, "在列表中选择一条查看详情。", "Select a post in the list to see it in full."},
    {UiText::DockAllMeetings, "全部会谈", "All meetings"},
    {UiText::DockAddField, "增加领域", "Add field"},
    {UiText::DockFieldKey, "标识（英文小写，如 laser-cladding）", "key (lowercase, e.g. laser-cladding)"},
    {UiText::DockFieldZh, "中文名", "Chinese name"},
    {UiText::DockFieldEn, "英文名", "English name"},
    {UiText::DockExtraNeedEn, "预期成果（英文）", "Expected outcome (English)"},
    {UiText::DockExtraCapEn, "实验设备（英文）", "Lab equipment (English)"},
    {UiText::DockDeadline, "截止日期（YYYY-MM-DD，留空为长期）", "Deadline (YYYY-MM-DD, empty = open)"},
    {UiText::DockDeadlineBad, "截止日期应写成 2026-12-31 这样的日期。", "Write the deadline as a date like 2026-12-31."},
    {UiText::DockDeadlineValue, "截止日期：%s", "Deadline: %s"},
    {UiText::DockAchievements, "可转化成果（专利、样机、工艺）", "Achievements for transfer (patents, prototypes, processes)"},
    {UiText::DockAddAchievement, "增加成果", "Add achievement"},
    {UiText::DockAchTitleZh, "成果名称（中文）", "Title (Chinese)"},
    {UiText::DockAchTitleEn, "成果名称（英文）", "Title (English)"},
    {UiText::DockAchReference, "专利号等（可空）", "Patent no. etc. (optional)"},
    {UiText::DockAchPatent, "专利", "Patent"},
    {UiText::DockAchPrototype, "样机", "Prototype"},
    {UiText::DockAchProcess, "工艺", "Process"},
    {UiText::DockAchSoftware, "软件", "Software"},
    {UiText::DockAchOther, "其他", "Other"},
    {UiText::DockExportPath, "保存到", "Save to"},
    {UiText::DockExportFailed, "无法写入 %s", "Could not write %s"},
    {UiText::InspTitle, "展品检视", "Inspect exhibit"},
    {UiText::InspPlaceholder, "模型未能加载，显示的是占位方块", "The model could not be loaded: a placeholder box is shown"},
    {UiText::InspMaterial, "材料", "Material"},
    {UiText::InspProcess, "工艺", "Process"},
    {UiText::InspMass, "质量", "Mass"},
    {UiText::InspMassValue, "%.2f 千克", "%.2f kg"},
    {UiText::InspDimensions, "外形尺寸", "Overall size"},
    {UiText::InspDimensionsValue, "%.1f × %.1f × %.1f 毫米", "%.1f × %.1f × %.1f mm"},
    {UiText::InspParts, "%d 个部件，%d 个三角形", "%d parts, %d triangles"},
    {UiText::InspSection, "剖切面", "Section plane"},
    {UiText::InspSectionNone, "无", "None"},
    {UiText::InspSectionPosition, "位置", "Position"},
    {UiText::InspSectionFlip, "保留另一半", "Keep the other half"},
    {UiText::InspExplode, "爆炸视图", "Exploded view"},
    {UiText::InspWireframe, "线框", "Wireframe"},
    {UiText::InspMeasure, "两点测量（点击零件表面）", "Measure two points (click the surface)"},
    {UiText::InspDistance, "两点距离：%.2f 毫米", "Distance: %.2f mm"},
    {UiText::InspClear, "清除", "Clear"},
    {UiText::InspResetView, "重置视角", "Reset view"},
    {UiText::InspClose, "关闭（Esc）", "Close (Esc)"},
    {UiText::InspHelp, "左键拖动旋转 · 右键拖动平移 · 滚轮缩放", "Left drag: orbit · right drag: pan · wheel: zoom"},
    {UiText::AssetTitle, "模型下载", "Model downloads"},
    {UiText::AssetTotal, "%d / %d 个模型，%.1f / %.1f MB", "%d of %d models, %.1f of %.1f MB"},
    {UiText::AssetWaiting, "排队中", "waiting"},
    {UiText::AssetDone, "已完成", "done"},
    {UiText::AssetFailed, "失败：", "failed: "},
    {UiText::AssetPlaceholder, "模型到达前，展台显示占位方块。", "Until a model arrives, its booth shows a placeholder box."},
    {UiText::UploadTitle, "添加展品", "Add an exhibit"},
    {UiText::UploadBooth, "添加到展位：%s", "To the booth of %s"},
    {UiText::UploadUp, "上一级文件夹", "Parent folder"},
    {UiText::UploadPicked, "模型文件：%s", "Model file: %s"},
    {UiText::UploadNameZh, "名称（中文）", "Name (Chinese)"},
    {UiText::UploadNameEn, "名称（英文）", "Name (English)"},
    {UiText::UploadMaterial, "材料牌号", "Material grade"},
    {UiText::UploadProcessZh, "工艺（中文）", "Process (Chinese)"},
    {UiText::UploadProcessEn, "工艺（英文）", "Process (English)"},
    {UiText::UploadMass, "质量（千克）", "Mass (kg)"},
    {UiText::UploadDescZh, "介绍（中文）", "Description (Chinese)"},
    {UiText::UploadDescEn, "介绍（英文）", "Description (English)"},
    {UiText::UploadButton, "转换并上传", "Bake and upload"},
    {UiText::UploadBaking, "正在转换模型…", "Baking the model…"},
    {UiText::UploadSending, "正在上传…", "Uploading…"},
    {UiText::UploadNeeds, "请选择模型文件并填写名称。", "Pick a model file and give it a name."},
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
