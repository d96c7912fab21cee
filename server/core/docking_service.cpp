// docking_service.cpp: posts, matches, search, meetings, table chat, business cards, visits.
#include "server/core/docking_service.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "net/protocol/event_time.h"
#include "net/protocol/hall.h"
#include "server/core/meetings.h"
#include "server/docking/board.h"

namespace server {

namespace {

constexpr size_t kTableChatReplay = 50;  // lines of a table's chat a party gets back on joining

std::string lowerTrim(const std::string& s) {
    size_t b = s.find_first_not_of(" \t\r\n"), e = s.find_last_not_of(" \t\r\n");
    std::string out = b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
    for (char& c : out) c = char(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string trim(const std::string& s) {
    size_t b = s.find_first_not_of(" \t\r\n"), e = s.find_last_not_of(" \t\r\n");
    return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

// The organizations of the event, once each, in booth order (as the store numbers them).
std::vector<net::Organization> eventOrganizations(const net::EventLayout& layout) {
    std::vector<net::Organization> out;
    for (const auto& b : layout.booths) {
        bool seen = std::any_of(out.begin(), out.end(), [&](const net::Organization& o) {
            return o.name.zh == b.owner.name.zh && o.name.en == b.owner.name.en;
        });
        if (!seen) out.push_back(b.owner);
    }
    return out;
}

docking::TechNeed needFrom(const net::PostView& p, net::OrgKind kind, uint32_t org) {
    docking::TechNeed n;
    n.title = p.title;
    n.fields = p.fields;
    n.description = p.description;
    n.expectedOutcome = p.extra;
    n.budget = {p.budgetMin, p.budgetMax};
    n.deadlineUnixMs = p.deadlineMs;
    n.contact = p.contact;
    n.orgKind = kind;
    n.organization = org;
    return n;
}

docking::Capability capabilityFrom(const net::PostView& p, net::OrgKind kind, uint32_t org) {
    docking::Capability c;
    c.researchDirection = p.title;
    c.fields = p.fields;
    c.description = p.description;
    for (const auto& a : p.achievements)
        c.achievements.push_back({docking::AchievementKind(std::min<int>(a.kind, 4)), a.title, a.reference});
    c.equipment = p.extra;
    c.readiness = p.readiness;
    c.contact = p.contact;
    c.orgKind = kind;
    c.organization = org;
    return c;
}

net::PostSummary summaryOf(const net::PostView& p) {
    return {p.id, p.kind, p.org, p.orgKind, p.title, p.fields};
}

std::optional<net::OrgKind> orgKindForRole(net::Role role) {
    switch (role) {
        case net::Role::Exhibitor: return net::OrgKind::Enterprise;
        case net::Role::University: return net::OrgKind::University;
        case net::Role::Organizer: return net::OrgKind::Association;
        default: return std::nullopt;
    }
}

}  // namespace

std::string orgKeyFor(const std::string& org, const std::vector<net::Organization>& orgs) {
    std::string want = lowerTrim(org);
    for (size_t i = 0; i < orgs.size(); ++i)
        if (!want.empty() && (want == lowerTrim(orgs[i].name.zh) || want == lowerTrim(orgs[i].name.en)))
            return "org:" + std::to_string(i + 1);
    return "name:" + want;
}

// --- state ---------------------------------------------------------------------------------------

struct DockingService::Impl {
    struct Person {
        DockingPerson who;
        std::string orgKey;
        net::LocalText orgName;
        std::optional<net::OrgKind> orgKind;  // nullopt: may not post
        int booth = -1;                       // index of the booth they stand at, -1 none
        int64_t boothSinceMs = 0;
        net::Bytes lastForYou;                // the ForYou last sent (to skip repeats)
    };

    DockingDesc desc;
    const net::EventLayout& layout;
    EventStore* store;
    DockingLink& link;
    std::vector<net::Organization> orgs;
    docking::Board board;
    std::map<uint32_t, DockPostRow> posts;
    std::unordered_map<std::string, uint32_t> orgNumbers;
    std::map<uint32_t, MeetingRow> meetings;
    MeetingBook book;
    std::vector<CardExchangeRow> exchanges;
    std::unordered_map<uint32_t, net::BusinessCard> cards;
    std::vector<VisitRow> visits;
    std::unordered_map<uint32_t, net::PersonView> accounts;  // everyone ever seen
    std::unordered_map<uint32_t, std::string> accountOrgKeys;
    std::map<uint16_t, Person> online;
    std::map<std::string, uint32_t> localAccounts;            // store-less numbering
    uint32_t nextLocalId = 1;                                 // post / meeting / exchange ids without a store
    int64_t lastVisitCheckMs = 0;
    std::vector<net::Organization> boothOwners;               // per booth: its organization

    Impl(const DockingDesc& d, const net::EventLayout& l, EventStore* s, DockingLink& k)
        : desc(d), layout(l), store(s), link(k), orgs(eventOrganizations(l)), board(docking::BoardDesc{}) {}

    // --- sending ---------------------------------------------------------------------------------
    template <typename T> void send(const Person& p, const T& msg) { sendTo(p.who.id, net::encodeDock(msg)); }
    void sendTo(net::ParticipantId id, const net::Bytes& b) {
        if (!b.empty()) link.send(id, b);
    }
    void notice(const Person& p, net::NoticeCode code, const std::string& en, const std::string& zh) {
        sendTo(p.who.id, net::encode(net::Notice{code, en + " " + zh}));
    }
    bool refuse(const Person& p, uint32_t req, const std::string& zh, const std::string& en) {
        send(p, net::DockReply{req, false, zh, en});
        notice(p, net::NoticeCode::Refused, en, zh);
        return true;
    }
    void ok(const Person& p, uint32_t req, const std::string& zh, const std::string& en) {
        send(p, net::DockReply{req, true, zh, en});
    }
    bool storeFailed(const Person& p, uint32_t req) {
        return refuse(p, req, "保存失败，请稍后重试；内容未丢失，可再次提交。",
                      "Could not be saved; nothing was changed. Please try again in a moment.");
    }
    std::vector<const Person*> membersOf(const std::string& orgKey) const {
        std::vector<const Person*> out;
        for (const auto& [id, p] : online)
            if (p.orgKey == orgKey) out.push_back(&p);
        return out;
    }
    const Person* onlineAccount(uint32_t account) const {
        for (const auto& [id, p] : online)
            if (p.who.account == account) return &p;
        return nullptr;
    }

    uint32_t orgNumber(const std::string& key) {
        auto [it, inserted] = orgNumbers.emplace(key, uint32_t(orgNumbers.size() + 1));
        return it->second;
    }
    std::string when(int64_t ms) const { return net::formatEventTime(ms, desc.utcOffsetMinutes, net::EventTimeFormat::MonthDayTime); }

    // --- posts -------------------------------------------------------------------------------------
    net::PostView viewFor(const DockPostRow& r, const Person* reader) const {
        net::PostView v = r.post;
        v.mine = reader && reader->orgKey == r.orgKey;
        return v;
    }
    bool visibleTo(const DockPostRow& r, const Person& p) const {
        return !r.post.hidden || p.orgKey == r.orgKey || p.who.role == net::Role::Organizer;
    }
    net::MatchView matchView(const docking::Match& m) const {
        net::MatchView mv;
        auto it = posts.find(m.post.v);
        if (it != posts.end()) mv.post = summaryOf(it->second.post);
        mv.score = std::clamp(m.score, 0.0f, 100.0f);
        mv.terms.assign(m.terms.begin(), m.terms.begin() + long(std::min<size_t>(m.terms.size(), net::kMaxDockTerms)));
        mv.fields.assign(m.fields.begin(), m.fields.begin() + long(std::min<size_t>(m.fields.size(), net::kMaxDockFields)));
        for (auto& t : mv.terms)
            if (t.size() > 128) t.resize(0);
        return mv;
    }
    std::vector<net::MatchView> matchViews(const std::vector<docking::Match>& ms) const {
        std::vector<net::MatchView> out;
        for (const auto& m : ms)
            if (posts.count(m.post.v) && out.size() < net::kMaxDockMatches) out.push_back(matchView(m));
        return out;
    }

    bool addToBoard(const DockPostRow& r, const docking::PostOptions& opt, docking::PostResult* result, bool update) {
        uint32_t org = orgNumber(r.orgKey);
        docking::PostResult res;
        if (r.post.kind == net::DockKind::Need) {
            auto n = needFrom(r.post, r.post.orgKind, org);
            res = update ? board.updateNeed({r.post.id}, n, opt) : board.addNeed({r.post.id}, n, opt);
        } else {
            auto c = capabilityFrom(r.post, r.post.orgKind, org);
            res = update ? board.updateCapability({r.post.id}, c, opt) : board.addCapability({r.post.id}, c, opt);
        }
        if (result) *result = std::move(res);
        return !result || result->ok;
    }

    void sendForYou(Person& p, bool force) {
        net::ForYou fy;
        for (const auto& [id, r] : posts) {
            if (r.orgKey != p.orgKey) continue;
            if (fy.posts.size() >= net::kMaxForYouPosts) break;
            net::ForYouEntry e;
            e.mine = summaryOf(r.post);
            if (!r.post.hidden) e.matches = matchViews(board.topK({id}, desc.matchesPerPost));
            fy.posts.push_back(std::move(e));
        }
        if (fy.posts.empty() && !force && p.lastForYou.empty()) return;
        net::Bytes b = net::encodeDock(fy);
        while (b.empty() && !fy.posts.empty()) {  // too big for one message: send fewer posts
            fy.posts.pop_back();
            b = net::encodeDock(fy);
        }
        if (b == p.lastForYou && !force) return;
        p.lastForYou = b;
        sendTo(p.who.id, b);
    }
    void refreshForYouOf(const std::string& orgKey) {
        for (auto& [id, p] : online)
            if (p.orgKey == orgKey) sendForYou(p, false);
    }
    void refreshForYouAll() {
        for (auto& [id, p] : online) sendForYou(p, false);
    }

    // Tells the organizations of `notify` that `post` matches one of their posts.
    void tellMatched(const std::vector<docking::PostId>& notify, const DockPostRow& post) {
        std::set<std::string> orgsTold;
        for (docking::PostId pid : notify) {
            auto it = posts.find(pid.v);
            if (it == posts.end() || it->second.orgKey == post.orgKey) continue;
            const DockPostRow& theirs = it->second;
            if (!orgsTold.insert(theirs.orgKey).second) continue;
            for (auto& [id, p] : online) {
                if (p.orgKey != theirs.orgKey) continue;
                notice(p, net::NoticeCode::Match,
                       "New match for \"" + theirs.post.title.in(false) + "\": \"" + post.post.title.in(false) + "\" (" +
                           post.post.org.in(false) + ").",
                       "新匹配：“" + theirs.post.title.in(true) + "”匹配到“" + post.post.title.in(true) + "”（" +
                           post.post.org.in(true) + "）。");
                sendForYou(p, false);
            }
        }
    }

    bool onPostSave(Person& p, net::PostSave& m, int64_t now) {
        net::PostView& v = m.post;
        if (!p.orgKind)
            return refuse(p, m.req, "只有企业、高校或院所的参会者可以发布需求或能力；请以参展企业或高校身份加入，并填写单位名称。",
                          "Only members of an enterprise, a university or an institute can post. Join as an exhibitor "
                          "or a university with your organization's name.");
        DockPostRow row;
        bool edit = v.id != 0;
        if (edit) {
            auto it = posts.find(v.id);
            if (it == posts.end())
                return refuse(p, m.req, "该帖子不存在或已撤回。", "That post does not exist or was withdrawn.");
            if (it->second.orgKey != p.orgKey)
                return refuse(p, m.req, "只有发布单位（" + it->second.post.org.in(true) + "）可以修改该帖子。",
                              "Only its organization (" + it->second.post.org.in(false) + ") may edit this post.");
            if (it->second.post.kind != v.kind)
                return refuse(p, m.req, "不能把需求改为能力（或反之）；请撤回后重新发布。",
                              "A need cannot become a capability (or back); withdraw it and post anew.");
            row = it->second;
        } else {
            row.orgKey = p.orgKey;
            row.authorAccount = p.who.account;
            row.createdMs = now;
            row.post.org = p.orgName;
            row.post.orgKind = *p.orgKind;
            row.post.author = p.who.name;
        }
        // Content from the request; ownership, hiding and times from the server.
        net::PostView content = v;
        content.id = row.post.id;
        content.org = row.post.org;
        content.orgKind = row.post.orgKind;
        content.author = row.post.author;
        content.hidden = row.post.hidden;
        content.mine = false;
        content.updatedMs = now;
        content.title = {trim(v.title.zh), trim(v.title.en)};
        content.contact = trim(v.contact);
        std::vector<docking::Problem> problems =
            v.kind == net::DockKind::Need
                ? docking::validateNeed(needFrom(content, *p.orgKind, 0), board.taxonomy(), edit ? 0 : now)
                : docking::validateCapability(capabilityFrom(content, *p.orgKind, 0), board.taxonomy());
        if (!problems.empty()) {
            std::string zh, en;
            for (size_t i = 0; i < problems.size() && i < 3; ++i) {
                zh += (i ? "；" : "") + problems[i].zh;
                en += (i ? "; " : "") + problems[i].en;
            }
            return refuse(p, m.req, zh, en);
        }
        row.post = content;
        if (edit) {
            if (store && !store->updatePost(row)) return storeFailed(p, m.req);
        } else {
            if (store) {
                auto id = store->insertPost(row);
                if (!id) return storeFailed(p, m.req);
                row.post.id = *id;
            } else {
                row.post.id = nextLocalId++;
            }
        }
        posts[row.post.id] = row;
        docking::PostResult res;
        addToBoard(row, {.k = desc.matchesPerPost}, &res, edit);
        net::PostSaved saved{m.req, viewFor(row, &p), matchViews(res.matches)};
        send(p, saved);
        ok(p, m.req, edit ? "已保存修改。" : "已发布。", edit ? "Changes saved." : "Posted.");
        refreshForYouOf(row.orgKey);
        tellMatched(res.notify, row);
        return true;
    }

    bool onPostWithdraw(Person& p, const net::PostWithdraw& m, int64_t now) {
        auto it = posts.find(m.post);
        if (it == posts.end()) return refuse(p, m.req, "该帖子不存在或已撤回。", "That post does not exist or was withdrawn.");
        if (it->second.orgKey != p.orgKey)
            return refuse(p, m.req, "只有发布单位（" + it->second.post.org.in(true) + "）可以撤回该帖子。",
                          "Only its organization (" + it->second.post.org.in(false) + ") may withdraw this post.");
        if (store && !store->withdrawPost(m.post, now)) return storeFailed(p, m.req);
        board.remove({m.post});
        posts.erase(it);
        ok(p, m.req, "已撤回。", "Withdrawn.");
        refreshForYouAll();
        return true;
    }

    bool onPostHide(Person& p, const net::PostHide& m, int64_t now) {
        if (p.who.role != net::Role::Organizer)
            return refuse(p, m.req, "只有主办方可以隐藏帖子。", "Only the organizer may hide posts.");
        auto it = posts.find(m.post);
        if (it == posts.end()) return refuse(p, m.req, "该帖子不存在或已撤回。", "That post does not exist or was withdrawn.");
        if (store && !store->setPostHidden(m.post, m.hidden, now)) return storeFailed(p, m.req);
        it->second.post.hidden = m.hidden;
        it->second.post.updatedMs = now;
        board.setHidden({m.post}, m.hidden);
        ok(p, m.req, m.hidden ? "已隐藏。" : "已恢复显示。", m.hidden ? "Hidden." : "Shown again.");
        refreshForYouAll();
        return true;
    }

    // The organizer extends the taxonomy: stored first, then everyone online gets the new list.
    bool onFieldAdd(Person& p, const net::FieldAdd& m, int64_t now) {
        if (p.who.role != net::Role::Organizer)
            return refuse(p, m.req, "只有主办方可以增加领域。", "Only the organizer may add fields.");
        docking::Field f{trim(m.field.key), trim(m.field.zh), trim(m.field.en)};
        if (docking::findField(board.taxonomy(), f.key))
            return refuse(p, m.req, "领域“" + f.key + "”已存在。", "The field \"" + f.key + "\" exists already.");
        docking::Taxonomy check = board.taxonomy();
        std::vector<docking::Problem> problems = docking::addField(check, f);
        if (!problems.empty()) return refuse(p, m.req, problems[0].zh, problems[0].en);
        if (store && !store->insertField({f.key, f.zh, f.en}, now)) return storeFailed(p, m.req);
        board.addField(f);
        ok(p, m.req, "已增加领域：" + f.zh, "Field added: " + f.en);
        for (const auto& [id, o] : online) sendSessions(o);
        return true;
    }

    void sendSessions(const Person& p) {
        net::DockSessions setup;
        setup.account = p.who.account;
        setup.sessions = book.sessions();
        setup.tables = uint16_t(book.tables().size());
        for (const auto& f : board.taxonomy().fields) setup.taxonomy.push_back({f.key, f.zh, f.en});
        send(p, setup);
    }

    bool onSearch(Person& p, const net::BoardSearch& m) {
        net::BoardResults out{m.req, {}};
        if (m.fetch) {
            auto it = posts.find(m.fetch);
            if (it == posts.end() || !visibleTo(it->second, p))
                return refuse(p, m.req, "该帖子不存在或已撤回。", "That post does not exist or was withdrawn.");
            out.results.push_back({viewFor(it->second, &p), 0, {}});
        } else {
            docking::SearchQuery q;
            q.text = m.text;
            q.fields = m.fields;
            if (m.kind == 1) q.kind = docking::PostKind::Need;
            if (m.kind == 2) q.kind = docking::PostKind::Capability;
            for (int k = 0; k < int(net::OrgKind::Count); ++k)
                if (m.orgKinds & (1 << k)) q.orgKinds.push_back(net::OrgKind(k));
            q.limit = std::clamp<size_t>(m.limit, 1, net::kMaxDockResults);
            for (const auto& hit : board.search(q)) {
                auto it = posts.find(hit.post.v);
                if (it == posts.end()) continue;
                net::SearchResult r{viewFor(it->second, &p), std::clamp(hit.relevance, 0.0f, 1000.0f), {}};
                for (const auto& t : hit.terms)
                    if (r.terms.size() < net::kMaxDockTerms && t.size() <= 128) r.terms.push_back(t);
                out.results.push_back(std::move(r));
            }
        }
        net::Bytes b = net::encodeDock(out);
        while (b.empty() && !out.results.empty()) {
            out.results.pop_back();
            b = net::encodeDock(out);
        }
        sendTo(p.who.id, b);
        return true;
    }

    // --- meetings ----------------------------------------------------------------------------------
    net::PersonView personOf(const Person& p) const { return {p.who.account, p.who.name, p.who.org}; }

    void sendMeeting(const MeetingRow& r) {
        net::Bytes b = net::encodeDock(net::MeetingUpdate{r.view});
        for (const auto& [id, p] : online)
            if (p.who.account == r.view.requester.account || p.who.account == r.view.responder.account ||
                p.who.role == net::Role::Organizer)
                sendTo(p.who.id, b);
    }
    void tellParties(const MeetingRow& r, const std::string& en, const std::string& zh, uint32_t except = 0) {
        for (uint32_t acc : {r.view.requester.account, r.view.responder.account})
            if (acc != except)
                if (const Person* o = onlineAccount(acc)) notice(*o, net::NoticeCode::Meeting, en, zh);
    }
    bool isParty(const MeetingRow& r, const Person& p) const {
        return p.who.account == r.view.requester.account || p.who.account == r.view.responder.account;
    }

    // Checks that both parties and a table are free for `slot`; on success fills `table`.
    bool checkFree(const Person& p, uint32_t req, const SlotTime& t, uint32_t a, uint32_t b, uint32_t except,
                   uint16_t& table) {
        for (uint32_t acc : {a, b}) {
            if (!book.busy(acc, t, except)) continue;
            const auto& who = accounts[acc];
            if (acc == p.who.account) {
                refuse(p, req, "您在 " + when(t.startMs) + " 已有会谈，请换一个时段。",
                       "You already have a meeting at " + when(t.startMs) + "; pick another slot.");
            } else {
                refuse(p, req, who.name + " 在 " + when(t.startMs) + " 已有会谈，请提议其他时段。",
                       who.name + " is already booked at " + when(t.startMs) + "; propose another slot.");
            }
            return false;
        }
        auto free = book.freeTable(t, except);
        if (!free) {
            refuse(p, req, when(t.startMs) + " 的全部 " + std::to_string(book.tables().size()) + " 张洽谈桌已约满，请换一个时段。",
                   "All " + std::to_string(book.tables().size()) + " tables are taken at " + when(t.startMs) +
                       "; pick another slot.");
            return false;
        }
        table = *free;
        return true;
    }

    std::optional<SlotTime> slotOrRefuse(const Person& p, uint32_t req, net::SlotRef slot, int64_t now) {
        auto t = book.slotTime(slot);
        if (!t) {
            refuse(p, req, "没有这个洽谈时段；请从活动的洽谈时段中选择。", "No such meeting slot; pick one of the event's meeting slots.");
        } else if (t->startMs <= now) {
            refuse(p, req, "该时段（" + when(t->startMs) + "）已开始或已过去；请选择之后的时段。",
                   "That slot (" + when(t->startMs) + ") has already begun; pick a later one.");
            return std::nullopt;
        }
        return t;
    }

    bool saveNewMeeting(const Person& p, uint32_t req, MeetingRow& row) {
        if (store) {
            auto id = store->insertMeeting(row);
            if (!id) return false;
            row.view.id = *id;
        } else {
            row.view.id = nextLocalId++;
        }
        meetings[row.view.id] = row;
        if (row.view.state == net::MeetingState::Accepted) {
            auto t = book.slotTime(row.view.slot);
            book.book({row.view.id, row.view.requester.account, row.view.responder.account, row.view.table, *t});
        }
        ok(p, req, "已发送。", "Sent.");
        sendMeeting(row);
        return true;
    }

    // Who answers for a post: its author, or (a post seeded from the event file, no author) a
    // member of its organization who is in the hall now. 0: nobody.
    uint32_t answererFor(const DockPostRow& post) const {
        if (post.authorAccount) return post.authorAccount;
        for (const auto& [id, o] : online)
            if (o.orgKey == post.orgKey) return o.who.account;
        return 0;
    }
    bool nobodyFor(const Person& p, uint32_t req, const DockPostRow& post) {
        return refuse(p, req, post.post.org.in(true) + " 目前没有人在展厅，请稍后再约，或交换名片后联系。",
                      "Nobody from " + post.post.org.in(false) +
                          " is in the hall right now; try again later or exchange business cards.");
    }

    bool onMeetingAsk(Person& p, const net::MeetingAsk& m, int64_t now) {
        auto it = posts.find(m.post);
        if (it == posts.end() || !visibleTo(it->second, p))
            return refuse(p, m.req, "该帖子不存在或已撤回。", "That post does not exist or was withdrawn.");
        const DockPostRow& post = it->second;
        if (post.orgKey == p.orgKey)
            return refuse(p, m.req, "这是本单位的帖子；请在对方的帖子上预约会谈。",
                          "This is your organization's post; ask for a meeting on the other side's post.");
        uint32_t answerer = answererFor(post);
        if (!answerer) return nobodyFor(p, m.req, post);
        auto t = slotOrRefuse(p, m.req, m.slot, now);
        if (!t) return true;
        if (book.busy(p.who.account, *t, 0))
            return refuse(p, m.req, "您在 " + when(t->startMs) + " 已有会谈，请换一个时段。",
                          "You already have a meeting at " + when(t->startMs) + "; pick another slot.");
        MeetingRow row;
        row.view.post = post.post.id;
        row.view.topic = post.post.title;
        row.view.requester = personOf(p);
        row.requesterOrgKey = p.orgKey;
        row.view.responder = accounts[answerer];
        row.view.responder.account = answerer;
        row.responderOrgKey = post.orgKey;
        row.view.slot = m.slot;
        row.view.startMs = t->startMs;
        row.view.minutes = t->minutes;
        row.view.state = net::MeetingState::Requested;
        row.view.waitingFor = answerer;
        row.createdMs = row.updatedMs = now;
        if (!saveNewMeeting(p, m.req, row)) return storeFailed(p, m.req);
        tellParties(row, p.who.name + " (" + p.who.org + ") asks to meet about \"" + post.post.title.in(false) + "\" at " +
                             when(t->startMs) + ".",
                    p.who.name + "（" + p.who.org + "）希望就“" + post.post.title.in(true) + "”在 " + when(t->startMs) + " 会谈。",
                    p.who.account);
        return true;
    }

    bool onMeetingSchedule(Person& p, const net::MeetingSchedule& m, int64_t now) {
        if (p.who.role != net::Role::Organizer)
            return refuse(p, m.req, "只有主办方可以直接安排会谈。", "Only the organizer may schedule meetings directly.");
        auto n = posts.find(m.need), c = posts.find(m.capability);
        if (n == posts.end() || c == posts.end() || n->second.post.kind != net::DockKind::Need ||
            c->second.post.kind != net::DockKind::Capability)
            return refuse(p, m.req, "请选择一条需求和一条能力。", "Pick one need and one capability.");
        auto t = slotOrRefuse(p, m.req, m.slot, now);
        if (!t) return true;
        uint32_t a = answererFor(n->second), b = answererFor(c->second);
        if (!a) return nobodyFor(p, m.req, n->second);
        if (!b) return nobodyFor(p, m.req, c->second);
        uint16_t table = 0;
        if (!checkFree(p, m.req, *t, a, b, 0, table)) return true;
        MeetingRow row;
        row.view.post = m.need;
        row.view.topic = {n->second.post.title.zh + " × " + c->second.post.title.zh,
                          n->second.post.title.en + " × " + c->second.post.title.en};
        row.view.requester = accounts[a];
        row.view.requester.account = a;
        row.requesterOrgKey = n->second.orgKey;
        row.view.responder = accounts[b];
        row.view.responder.account = b;
        row.responderOrgKey = c->second.orgKey;
        row.view.slot = m.slot;
        row.view.startMs = t->startMs;
        row.view.minutes = t->minutes;
        row.view.table = table;
        row.view.state = net::MeetingState::Accepted;
        row.view.byOrganizer = true;
        row.createdMs = row.updatedMs = now;
        if (!saveNewMeeting(p, m.req, row)) return storeFailed(p, m.req);
        tellParties(row, "The organizer booked you a meeting at " + when(t->startMs) + ", table " + std::to_string(table) + ".",
                    "主办方为您安排了 " + when(t->startMs) + " 的会谈，洽谈桌 " + std::to_string(table) + " 号。");
        return true;
    }

    bool onMeetingAnswer(Person& p, const net::MeetingAnswer& m, int64_t now) {
        auto it = meetings.find(m.meeting);
        if (it == meetings.end() || !isParty(it->second, p))
            return refuse(p, m.req, "没有这个会谈。", "No such meeting.");
        MeetingRow row = it->second;
        net::MeetingView& v = row.view;
        uint32_t other = v.requester.account == p.who.account ? v.responder.account : v.requester.account;
        bool open = v.state == net::MeetingState::Requested || v.state == net::MeetingState::Accepted;
        std::string en, zh;
        switch (m.action) {
            case net::MeetingAction::Accept: {
                if (v.state != net::MeetingState::Requested || v.waitingFor != p.who.account)
                    return refuse(p, m.req, "该会谈不在等待您的答复。", "This meeting is not waiting for your answer.");
                auto t = book.slotTime(v.slot);
                if (!t) return refuse(p, m.req, "该时段已不存在，请提议其他时段。", "That slot no longer exists; propose another.");
                if (t->startMs <= now)
                    return refuse(p, m.req, "提议的时段（" + when(t->startMs) + "）已开始或已过去；请提议其他时段。",
                                  "The proposed slot (" + when(t->startMs) + ") has already begun; propose another.");
                uint16_t table = 0;
                if (!checkFree(p, m.req, *t, v.requester.account, v.responder.account, v.id, table)) return true;
                v.state = net::MeetingState::Accepted;
                v.table = table;
                v.waitingFor = 0;
                en = p.who.name + " accepted: " + when(v.startMs) + ", table " + std::to_string(table) + ".";
                zh = p.who.name + " 已接受：" + when(v.startMs) + "，洽谈桌 " + std::to_string(table) + " 号。";
                break;
            }
            case net::MeetingAction::Decline:
                if (v.state != net::MeetingState::Requested || v.waitingFor != p.who.account)
                    return refuse(p, m.req, "该会谈不在等待您的答复。", "This meeting is not waiting for your answer.");
                v.state = net::MeetingState::Declined;
                v.waitingFor = 0;
                en = p.who.name + " declined the meeting about \"" + v.topic.in(false) + "\".";
                zh = p.who.name + " 婉拒了关于“" + v.topic.in(true) + "”的会谈。";
                break;
            case net::MeetingAction::Propose: {
                if (!open) return refuse(p, m.req, "该会谈已结束，请重新预约。", "This meeting is closed; ask for a new one.");
                if (v.state == net::MeetingState::Requested && v.waitingFor != p.who.account)
                    return refuse(p, m.req, "请等待对方答复。", "Wait for the other side's answer.");
                auto t = slotOrRefuse(p, m.req, m.slot, now);
                if (!t) return true;
                if (book.busy(p.who.account, *t, v.id))
                    return refuse(p, m.req, "您在 " + when(t->startMs) + " 已有会谈，请换一个时段。",
                                  "You already have a meeting at " + when(t->startMs) + "; pick another slot.");
                v.state = net::MeetingState::Requested;
                v.slot = m.slot;
                v.startMs = t->startMs;
                v.minutes = t->minutes;
                v.table = 0;
                v.waitingFor = other;
                row.reminded = row.called = false;
                en = p.who.name + " proposes " + when(t->startMs) + " instead.";
                zh = p.who.name + " 提议改为 " + when(t->startMs) + "。";
                break;
            }
            case net::MeetingAction::Cancel:
                if (!open) return refuse(p, m.req, "该会谈已结束。", "This meeting is already closed.");
                v.state = net::MeetingState::Cancelled;
                v.waitingFor = 0;
                en = p.who.name + " cancelled the meeting at " + when(v.startMs) + ".";
                zh = p.who.name + " 取消了 " + when(v.startMs) + " 的会谈。";
                break;
            case net::MeetingAction::Count: return false;
        }
        row.updatedMs = now;
        if (store && !store->updateMeeting(row)) return storeFailed(p, m.req);
        it->second = row;
        if (v.state == net::MeetingState::Accepted)
            book.book({v.id, v.requester.account, v.responder.account, v.table, *book.slotTime(v.slot)});
        else
            book.release(v.id);
        ok(p, m.req, "已更新。", "Updated.");
        sendMeeting(row);
        tellParties(row, en, zh, p.who.account);
        return true;
    }

    bool onMeetingNotes(Person& p, net::MeetingNotes& m, int64_t now) {
        auto it = meetings.find(m.meeting);
        if (it == meetings.end() || !isParty(it->second, p)) return refuse(p, m.req, "没有这个会谈。", "No such meeting.");
        if (it->second.view.state != net::MeetingState::Accepted)
            return refuse(p, m.req, "只有已确认的会谈可以记录纪要。", "Only a booked meeting can have notes.");
        if (m.notes.size() > 4000)
            return refuse(p, m.req, "纪要太长（最多约 1300 个汉字），请精简。", "The notes are too long (4000 bytes at most); shorten them.");
        MeetingRow row = it->second;
        row.view.notes = m.notes;
        row.view.outcome = m.outcome;
        row.updatedMs = now;
        std::optional<AgreementDraftRow> draft;
        if (m.outcome == net::MeetingOutcome::Intent && row.view.agreementId == 0) {
            draft = AgreementDraftRow{};
            draft->meeting = row.view.id;
            draft->title = "合作意向：" + row.view.topic.in(true) + " / Cooperation intent: " + row.view.topic.in(false);
            draft->partyA = row.view.requester.org;
            draft->partyB = row.view.responder.org;
            draft->createdMs = now;
        }
        if (store) {
            auto id = store->recordOutcome(row, draft ? &*draft : nullptr);
            if (!id) return storeFailed(p, m.req);
            if (draft) row.view.agreementId = *id;
        } else if (draft) {
            row.view.agreementId = nextLocalId++;
        }
        if (draft) row.view.agreementTitle = draft->title;
        it->second = row;
        ok(p, m.req, draft ? "已保存，并生成协议草案，可在签约仪式上签署。" : "纪要已保存。",
           draft ? "Saved; an agreement draft was made for the signing ceremony." : "Notes saved.");
        sendMeeting(row);
        return true;
    }

    // The seat of `who` at the table of `r`: requester on one side, responder on the other.
    net::Vec2 seatFor(const MeetingRow& r, const net::NegotiationTable& t, uint32_t account) const {
        float dx = account == r.view.requester.account ? -1.0f : 1.0f;
        return {std::clamp(t.center.x + dx, 0.5f, layout.hallSize.x - 0.5f), t.center.y};
    }
    bool inWindow(const MeetingRow& r, int64_t now) const {
        int64_t from = r.view.startMs - int64_t(desc.reminderMinutes) * 60'000;
        return now >= from && now < r.view.startMs + int64_t(r.view.minutes) * 60'000;
    }
    bool seated(const MeetingRow& r, const Person& p, int64_t now) const {
        if (r.view.state != net::MeetingState::Accepted || !isParty(r, p) || !inWindow(r, now)) return false;
        const net::NegotiationTable* t = book.table(r.view.table);
        auto at = link.position(p.who.id);
        if (!t || !at) return false;
        float dx = at->x - t->center.x, dy = at->y - t->center.y;
        return dx * dx + dy * dy <= desc.seatRadius * desc.seatRadius;
    }

    bool onGoToTable(Person& p, const net::GoToTable& m, int64_t now) {
        auto it = meetings.find(m.meeting);
        if (it == meetings.end() || !isParty(it->second, p)) return refuse(p, m.req, "没有这个会谈。", "No such meeting.");
        const MeetingRow& r = it->second;
        if (r.view.state != net::MeetingState::Accepted)
            return refuse(p, m.req, "该会谈尚未确认，还没有洽谈桌。", "This meeting is not booked yet, so it has no table.");
        if (!inWindow(r, now))
            return refuse(p, m.req,
                          "会谈在 " + when(r.view.startMs) + " 开始；请在开始前 " + std::to_string(desc.reminderMinutes) + " 分钟内前往。",
                          "The meeting starts at " + when(r.view.startMs) + "; go to the table from " +
                              std::to_string(desc.reminderMinutes) + " minutes before.");
        const net::NegotiationTable* t = book.table(r.view.table);
        if (!t) return refuse(p, m.req, "找不到洽谈桌。", "The table is missing from the hall.");
        link.teleport(p.who.id, seatFor(r, *t, p.who.account));
        ok(p, m.req, "已到洽谈桌 " + std::to_string(t->id.v) + " 号。", "You are at table " + std::to_string(t->id.v) + ".");
        return true;
    }

    bool onTableChat(Person& p, const net::TableChatSend& m, int64_t now) {
        auto it = meetings.find(m.meeting);
        if (it == meetings.end() || !seated(it->second, p, now))
            return refuse(p, 0, "洽谈桌聊天只对在座的会谈双方开放；请先点“前往洽谈桌”。",
                          "Table chat is for the meeting's parties seated at its table; use \"Go to table\" first.");
        std::string text = trim(m.text);
        if (text.empty() || text.size() > net::kMaxChatBytes)
            return refuse(p, 0, "消息为空或过长。", "The message is empty or too long.");
        net::TableChatLine line{m.meeting, it->second.view.table, p.who.name, now, text};
        // Part of the meeting's record: stored before anyone sees it (the echo is the ack).
        if (store && !store->appendTableChat({line, p.who.account})) return storeFailed(p, 0);
        net::Bytes b = net::encodeDock(line);
        for (const auto& [id, o] : online)
            if (seated(it->second, o, now)) sendTo(o.who.id, b);
        return true;
    }

    void callMeetings(int64_t now) {
        for (auto& [id, r] : meetings) {
            if (r.view.state != net::MeetingState::Accepted) continue;
            int64_t end = r.view.startMs + int64_t(r.view.minutes) * 60'000;
            int64_t remindAt = r.view.startMs - int64_t(desc.reminderMinutes) * 60'000;
            net::CallKind kind;
            if (!r.called && now >= r.view.startMs && now < end) kind = net::CallKind::Start;
            else if (!r.reminded && now >= remindAt && now < r.view.startMs) kind = net::CallKind::Reminder;
            else continue;
            MeetingRow next = r;
            next.reminded = true;
            if (kind == net::CallKind::Start) next.called = true;
            if (store && !store->updateMeeting(next)) continue;  // try again next time
            r = next;
            const net::NegotiationTable* t = book.table(r.view.table);
            net::MeetingCall call{id, kind, r.view.table, t ? t->center : net::Vec2{}, r.view.startMs};
            std::string table = std::to_string(r.view.table);
            for (uint32_t acc : {r.view.requester.account, r.view.responder.account}) {
                const Person* p = onlineAccount(acc);
                if (!p) continue;
                send(*p, call);
                if (kind == net::CallKind::Reminder)
                    notice(*p, net::NoticeCode::Meeting,
                           "Your meeting \"" + r.view.topic.in(false) + "\" starts at " + when(r.view.startMs) + " at table " + table + ".",
                           "您的会谈“" + r.view.topic.in(true) + "”将于 " + when(r.view.startMs) + " 在 " + table + " 号洽谈桌开始。");
                else
                    notice(*p, net::NoticeCode::Meeting, "Your meeting starts now: go to table " + table + ".",
                           "会谈现在开始：请前往 " + table + " 号洽谈桌。");
            }
        }
    }

    // --- business cards ----------------------------------------------------------------------------
    net::BusinessCard cardOf(uint32_t account) const {
        auto it = cards.find(account);
        if (it != cards.end()) return it->second;
        auto a = accounts.find(account);
        if (a == accounts.end()) return {};
        return {a->second.name, a->second.org, "", "", ""};
    }
    void sendExchange(const CardExchangeRow& e) {
        for (uint32_t acc : {e.from, e.to}) {
            const Person* p = onlineAccount(acc);
            if (!p) continue;
            uint32_t other = acc == e.from ? e.to : e.from;
            net::ContactUpdate u;
            u.card = e.id;
            u.otherAccount = other;
            u.state = e.state;
            if (e.state == net::ContactState::Asked && acc == e.to) u.state = net::ContactState::AskedOfMe;
            net::BusinessCard full = cardOf(other);
            u.other = e.state == net::ContactState::Exchanged ? full : net::BusinessCard{full.name, full.org, "", "", ""};
            send(*p, u);
        }
    }

    bool onCardSet(Person& p, net::CardSet& m) {
        net::BusinessCard c = m.card;
        c.name = p.who.name;  // a card names its owner as they joined
        c.org = p.who.org;
        if (store && !store->setCard(p.who.account, c)) return storeFailed(p, m.req);
        cards[p.who.account] = c;
        ok(p, m.req, "名片已保存。", "Business card saved.");
        for (const auto& e : exchanges)
            if (e.state == net::ContactState::Exchanged && (e.from == p.who.account || e.to == p.who.account)) sendExchange(e);
        return true;
    }

    bool onCardAsk(Person& p, const net::CardAsk& m, int64_t now) {
        auto it = online.find(m.to.v);
        if (it == online.end()) return refuse(p, m.req, "对方已不在展厅。", "That person is no longer in the hall.");
        const Person& to = it->second;
        if (to.who.account == p.who.account) return refuse(p, m.req, "不能与自己交换名片。", "You cannot exchange cards with yourself.");
        for (const auto& e : exchanges) {
            bool pair = (e.from == p.who.account && e.to == to.who.account) || (e.to == p.who.account && e.from == to.who.account);
            if (!pair) continue;
            if (e.state == net::ContactState::Exchanged)
                return refuse(p, m.req, to.who.name + " 已在您的联系人中。", to.who.name + " is already in your contacts.");
            if (e.state == net::ContactState::Asked)
                return refuse(p, m.req, "交换请求已在等待答复。", "An exchange request is already waiting for an answer.");
        }
        CardExchangeRow row{0, p.who.account, to.who.account, net::ContactState::Asked, now, 0};
        if (store) {
            auto id = store->insertExchange(row);
            if (!id) return storeFailed(p, m.req);
            row.id = *id;
        } else {
            row.id = nextLocalId++;
        }
        exchanges.push_back(row);
        ok(p, m.req, "已请求交换名片。", "Exchange requested.");
        sendExchange(row);
        notice(to, net::NoticeCode::Info, p.who.name + " (" + p.who.org + ") would like to exchange business cards.",
               p.who.name + "（" + p.who.org + "）请求与您交换名片。");
        return true;
    }

    bool onCardAnswer(Person& p, const net::CardAnswer& m, int64_t now) {
        auto it = std::find_if(exchanges.begin(), exchanges.end(), [&](const CardExchangeRow& e) { return e.id == m.card; });
        if (it == exchanges.end() || it->to != p.who.account || it->state != net::ContactState::Asked)
            return refuse(p, m.req, "没有等待您答复的名片交换。", "No card exchange is waiting for your answer.");
        CardExchangeRow row = *it;
        row.state = m.accept ? net::ContactState::Exchanged : net::ContactState::Declined;
        row.answeredMs = now;
        if (store && !store->updateExchange(row)) return storeFailed(p, m.req);
        *it = row;
        ok(p, m.req, m.accept ? "已交换名片。" : "已婉拒。", m.accept ? "Cards exchanged." : "Declined.");
        sendExchange(row);
        return true;
    }

    // --- visits ----------------------------------------------------------------------------------
    int boothAt(net::Vec2 at) const { return net::boothIndexAt(layout, at, net::kAtBoothMargin); }
    std::string boothOrgKey(int booth) const { return orgKeyFor(layout.booths[size_t(booth)].owner.name.zh, orgs); }

    void sendLeads(const Person& p) {
        if (p.who.role != net::Role::Exhibitor && p.who.role != net::Role::University) return;
        std::map<std::pair<uint32_t, uint16_t>, net::Lead> byVisitor;
        for (const auto& v : visits) {
            if (v.booth >= layout.booths.size() || boothOrgKey(v.booth) != p.orgKey) continue;
            if (accountOrgKeys[v.account] == p.orgKey) continue;  // colleagues are not leads
            net::Lead& l = byVisitor[{v.account, v.booth}];
            if (l.visits == 0) {
                l.who = accounts[v.account];
                l.who.account = v.account;
                l.booth = v.booth;
                l.firstMs = v.enterMs;
            }
            l.lastMs = std::max(l.lastMs, v.leaveMs);
            l.seconds += uint32_t(std::max<int64_t>(0, v.leaveMs - v.enterMs) / 1000);
            ++l.visits;
        }
        net::VisitLeads out;
        for (auto& [k, l] : byVisitor)
            if (out.leads.size() < net::kMaxLeads) out.leads.push_back(l);
        std::sort(out.leads.begin(), out.leads.end(), [](const net::Lead& a, const net::Lead& b) { return a.lastMs > b.lastMs; });
        if (out.leads.empty()) return;
        send(p, out);
    }

    void closeVisit(Person& p, int64_t now) {
        if (p.booth < 0) return;
        int booth = p.booth;
        int64_t since = p.boothSinceMs;
        p.booth = -1;
        if (now - since < int64_t(desc.minVisitSeconds) * 1000) return;
        VisitRow v{p.who.account, uint16_t(booth), since, now};
        if (store && !store->appendVisit(v)) return;
        visits.push_back(v);
        std::string key = boothOrgKey(booth);
        if (key == p.orgKey) return;
        for (auto& [id, o] : online)
            if (o.orgKey == key) sendLeads(o);
    }

    void trackVisits(int64_t now) {
        if (now - lastVisitCheckMs < 1000) return;
        lastVisitCheckMs = now;
        for (auto& [id, p] : online) {
            auto at = link.position(p.who.id);
            int booth = at ? boothAt(*at) : -1;
            if (booth == p.booth) continue;
            closeVisit(p, now);
            if (booth >= 0) {
                p.booth = booth;
                p.boothSinceMs = now;
            }
        }
    }

    // --- loading -----------------------------------------------------------------------------------
    void loadSessions(const std::string& eventJson) {
        std::vector<net::MeetingSession> sessions = desc.sessions;
        std::vector<nlohmann::json> seeds;
        nlohmann::json j = nlohmann::json::parse(eventJson.empty() ? std::string("{}") : eventJson, nullptr, false);
        if (j.is_object() && j.contains("docking") && j["docking"].is_object()) {
            const auto& d = j["docking"];
            desc.utcOffsetMinutes = d.value("utcOffsetMinutes", desc.utcOffsetMinutes);
            if (sessions.empty() && d.contains("meetingSessions") && d["meetingSessions"].is_array()) {
                for (const auto& s : d["meetingSessions"]) {
                    net::MeetingSession ms;
                    if (s.contains("name") && s["name"].is_object())
                        ms.name = {s["name"].value("zh", ""), s["name"].value("en", "")};
                    auto start = net::parseEventTime(s.value("start", ""), desc.utcOffsetMinutes);
                    if (!start) continue;
                    ms.startMs = *start;
                    ms.minutes = uint16_t(std::clamp(s.value("minutes", 60), 1, 24 * 60));
                    ms.slotMinutes = uint16_t(std::clamp(s.value("slotMinutes", 20), 5, 240));
                    if (sessions.size() < net::kMaxDockSessions) sessions.push_back(ms);
                }
            }
            if (d.contains("posts") && d["posts"].is_array())
                for (const auto& p : d["posts"]) seeds.push_back(p);
        }
        book = MeetingBook(sessions, layout.tables);
        // Seeds fill a board that was never used, once: withdrawn seeds stay withdrawn.
        if (posts.empty() && (!store || store->postsEverStored() == 0)) seedPosts(seeds);
    }

    // Seed posts of the event's own organizations, stored on the first start only.
    void seedPosts(const std::vector<nlohmann::json>& seeds) {
        for (const auto& s : seeds) {
            if (!s.is_object()) continue;
            auto text = [&](const char* k) -> net::LocalText {
                if (!s.contains(k) || !s[k].is_object()) return {};
                return {s[k].value("zh", ""), s[k].value("en", "")};
            };
            std::string orgName = s.value("org", "");
            std::string key = orgKeyFor(orgName, orgs);
            if (key.rfind("org:", 0) != 0) continue;
            const net::Organization& org = orgs[size_t(std::stoi(key.substr(4)) - 1)];
            DockPostRow row;
            row.orgKey = key;
            row.post.kind = s.value("kind", "need") == "capability" ? net::DockKind::Capability : net::DockKind::Need;
            row.post.org = org.name;
            row.post.orgKind = org.kind;
            row.post.author = s.value("author", s.value("contact", std::string()));
            row.post.title = text("title");
            row.post.description = text("description");
            row.post.extra = text("extra");
            if (s.contains("fields") && s["fields"].is_array())
                for (const auto& f : s["fields"])
                    if (f.is_string()) row.post.fields.push_back(f.get<std::string>());
            row.post.budgetMin = s.value("budgetMin", int64_t(0));
            row.post.budgetMax = s.value("budgetMax", int64_t(0));
            row.post.contact = s.value("contact", "");
            row.post.readiness = uint8_t(std::clamp(s.value("readiness", 0), 0, 9));
            bool valid = row.post.kind == net::DockKind::Need
                             ? docking::validateNeed(needFrom(row.post, org.kind, 0), board.taxonomy(), 0).empty()
                             : docking::validateCapability(capabilityFrom(row.post, org.kind, 0), board.taxonomy()).empty();
            if (!valid) continue;
            if (store) {
                auto id = store->insertPost(row);
                if (!id) continue;
                row.post.id = *id;
            } else {
                row.post.id = nextLocalId++;
            }
            posts[row.post.id] = row;
        }
    }

    void load(const std::string& eventJson) {
        if (store) {
            // Added fields first: stored posts may be filed under them.
            for (const auto& f : store->addedFields()) board.addField({f.key, f.zh, f.en});
            for (auto& r : store->posts()) posts[r.post.id] = std::move(r);
            for (const auto& p : store->participants()) {
                accounts[p.accountId] = {p.accountId, p.name, p.org};
                accountOrgKeys[p.accountId] = orgKeyFor(p.org, orgs);
            }
            for (auto& r : store->meetings()) meetings[r.view.id] = std::move(r);
            exchanges = store->exchanges();
            visits = store->visits();
            for (const auto& [acc, pv] : accounts)
                if (auto c = store->card(acc)) cards[acc] = *c;
        }
        loadSessions(eventJson.empty() && store ? store->loadEventJson().value_or("") : eventJson);
        for (const auto& [id, r] : posts) {
            addToBoard(r, {.match = false}, nullptr, false);
            if (r.post.hidden) board.setHidden({id}, true);
        }
        board.refreshAll({});
        for (const auto& [id, r] : meetings) {
            if (r.view.state != net::MeetingState::Accepted) continue;
            if (auto t = book.slotTime(r.view.slot))
                book.book({id, r.view.requester.account, r.view.responder.account, r.view.table, *t});
        }
    }
};

// --- DockingService ------------------------------------------------------------------------------

DockingService::DockingService(const DockingDesc& desc, const net::EventLayout& layout, EventStore* store,
                               DockingLink& link, const std::string& eventJson)
    : m_impl(std::make_unique<Impl>(desc, layout, store, link)) {
    m_impl->load(eventJson);
}

DockingService::~DockingService() = default;

const docking::Board& DockingService::board() const { return m_impl->board; }
size_t DockingService::postCount() const { return m_impl->posts.size(); }
size_t DockingService::meetingCount() const { return m_impl->meetings.size(); }

void DockingService::onJoin(const DockingPerson& who, int64_t unixMs) {
    Impl::Person p;
    p.who = who;
    if (p.who.account == 0) {
        // No store: number people by name + organization + role for this process's life.
        std::string key = who.name + "\n" + who.org + "\n" + net::roleName(who.role);
        auto [it, inserted] = m_impl->localAccounts.emplace(key, uint32_t(m_impl->localAccounts.size() + 1));
        p.who.account = it->second;
    }
    p.orgKey = orgKeyFor(who.org, m_impl->orgs);
    if (p.orgKey.rfind("org:", 0) == 0) {
        const net::Organization& o = m_impl->orgs[size_t(std::stoi(p.orgKey.substr(4)) - 1)];
        p.orgName = o.name;
        p.orgKind = o.kind;
    } else {
        p.orgName = {who.org, who.org};
        p.orgKind = orgKindForRole(who.role);
    }
    if (who.role == net::Role::Organizer) p.orgKind = net::OrgKind::Association;
    m_impl->accounts[p.who.account] = {p.who.account, who.name, who.org};
    m_impl->accountOrgKeys[p.who.account] = p.orgKey;
    auto& stored = m_impl->online[who.id.v] = std::move(p);

    m_impl->sendSessions(stored);
    m_impl->sendForYou(stored, true);
    for (const auto& [id, r] : m_impl->meetings) {
        if (m_impl->isParty(r, stored) || who.role == net::Role::Organizer) m_impl->send(stored, net::MeetingUpdate{r.view});
        // What was said at my own tables (never another pair's, not even to the organizer).
        if (m_impl->isParty(r, stored) && m_impl->store)
            for (const auto& line : m_impl->store->tableChat(id, kTableChatReplay)) m_impl->send(stored, line.line);
    }
    for (const auto& e : m_impl->exchanges)
        if (e.from == stored.who.account || e.to == stored.who.account) {
            // Only this person's side: sendExchange would tell the other party again.
            uint32_t other = e.from == stored.who.account ? e.to : e.from;
            net::ContactUpdate u{e.id, e.state, other, {}};
            if (e.state == net::ContactState::Asked && e.to == stored.who.account) u.state = net::ContactState::AskedOfMe;
            net::BusinessCard full = m_impl->cardOf(other);
            u.other = e.state == net::ContactState::Exchanged ? full : net::BusinessCard{full.name, full.org, "", "", ""};
            m_impl->send(stored, u);
        }
    m_impl->sendLeads(stored);
    (void)unixMs;
}

void DockingService::onLeave(net::ParticipantId id, int64_t unixMs) {
    auto it = m_impl->online.find(id.v);
    if (it == m_impl->online.end()) return;
    m_impl->closeVisit(it->second, unixMs);
    m_impl->online.erase(it);
}

bool DockingService::onMessage(net::ParticipantId from, net::MsgType type, std::span<const uint8_t> packet, int64_t now) {
    auto it = m_impl->online.find(from.v);
    if (it == m_impl->online.end()) return false;
    Impl::Person& p = it->second;
    switch (type) {
        case net::MsgType::PostSave: { net::PostSave x; return net::decodeDock(packet, x) && m_impl->onPostSave(p, x, now); }
        case net::MsgType::PostWithdraw: { net::PostWithdraw x; return net::decodeDock(packet, x) && m_impl->onPostWithdraw(p, x, now); }
        case net::MsgType::PostHide: { net::PostHide x; return net::decodeDock(packet, x) && m_impl->onPostHide(p, x, now); }
        case net::MsgType::FieldAdd: { net::FieldAdd x; return net::decodeDock(packet, x) && m_impl->onFieldAdd(p, x, now); }
        case net::MsgType::BoardSearch: { net::BoardSearch x; return net::decodeDock(packet, x) && m_impl->onSearch(p, x); }
        case net::MsgType::MeetingAsk: { net::MeetingAsk x; return net::decodeDock(packet, x) && m_impl->onMeetingAsk(p, x, now); }
        case net::MsgType::MeetingAnswer: { net::MeetingAnswer x; return net::decodeDock(packet, x) && m_impl->onMeetingAnswer(p, x, now); }
        case net::MsgType::MeetingSchedule: { net::MeetingSchedule x; return net::decodeDock(packet, x) && m_impl->onMeetingSchedule(p, x, now); }
        case net::MsgType::MeetingNotes: { net::MeetingNotes x; return net::decodeDock(packet, x) && m_impl->onMeetingNotes(p, x, now); }
        case net::MsgType::GoToTable: { net::GoToTable x; return net::decodeDock(packet, x) && m_impl->onGoToTable(p, x, now); }
        case net::MsgType::TableChatSend: { net::TableChatSend x; return net::decodeDock(packet, x) && m_impl->onTableChat(p, x, now); }
        case net::MsgType::CardAsk: { net::CardAsk x; return net::decodeDock(packet, x) && m_impl->onCardAsk(p, x, now); }
        case net::MsgType::CardAnswer: { net::CardAnswer x; return net::decodeDock(packet, x) && m_impl->onCardAnswer(p, x, now); }
        case net::MsgType::CardSet: { net::CardSet x; return net::decodeDock(packet, x) && m_impl->onCardSet(p, x); }
        default: return false;  // server-to-client types
    }
}

void DockingService::update(int64_t unixMs) {
    m_impl->callMeetings(unixMs);
    m_impl->trackVisits(unixMs);
}

}  // namespace server
