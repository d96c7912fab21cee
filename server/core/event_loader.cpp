// event_loader.cpp: JSON event definition -> EventLayout, with validation.
#include "server/core/event_loader.h"

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "net/protocol/hall.h"
#include "net/protocol/serialize.h"

namespace server {

namespace {

using nlohmann::json;

struct LoadError {
    std::string text;
};

[[noreturn]] void fail(const std::string& where, const std::string& what) { throw LoadError{where + ": " + what}; }

const json& need(const json& j, const char* key, const std::string& where) {
    if (!j.is_object() || !j.contains(key)) fail(where, std::string("missing \"") + key + "\"");
    return j.at(key);
}

float number(const json& j, const std::string& where, float lo, float hi) {
    if (!j.is_number()) fail(where, "must be a number");
    double v = j.get<double>();
    if (!(v >= lo && v <= hi)) fail(where, "is " + std::to_string(v) + ", must be within [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
    return float(v);
}

std::string text(const json& j, const std::string& where, size_t maxBytes) {
    if (!j.is_string()) fail(where, "must be a string");
    std::string s = j.get<std::string>();
    if (s.size() > maxBytes) fail(where, "is longer than " + std::to_string(maxBytes) + " bytes");
    // As the Welcome carries it (every event text is one line on the wire): a hall that loaded
    // with a line break in a name would be refused by every client it welcomed.
    if (!net::isCleanUtf8(s.data(), s.size(), false))
        fail(where, "is not one line of clean UTF-8 text (no line breaks or control characters)");
    return s;
}

net::LocalText localText(const json& j, const std::string& where, size_t maxBytes) {
    net::LocalText t;
    if (j.is_string()) { t.en = text(j, where, maxBytes); return t; }
    if (!j.is_object()) fail(where, "must be {\"zh\": ..., \"en\": ...}");
    if (j.contains("zh")) t.zh = text(j["zh"], where + ".zh", maxBytes);
    if (j.contains("en")) t.en = text(j["en"], where + ".en", maxBytes);
    return t;
}

net::Vec2 point(const json& j, const std::string& where, float maxX, float maxY) {
    if (!j.is_array() || j.size() != 2) fail(where, "must be [x, z]");
    return {number(j[0], where + "[0]", 0, maxX), number(j[1], where + "[1]", 0, maxY)};
}

net::Rect rect(const json& j, const std::string& where, net::Vec2 hall) {
    if (!j.is_array() || j.size() != 4) fail(where, "must be [x0, z0, x1, z1]");
    net::Rect r{{number(j[0], where + "[0]", 0, hall.x), number(j[1], where + "[1]", 0, hall.y)},
                {number(j[2], where + "[2]", 0, hall.x), number(j[3], where + "[3]", 0, hall.y)}};
    if (r.max.x <= r.min.x || r.max.y <= r.min.y) fail(where, "is empty (x1 must exceed x0 and z1 exceed z0)");
    return r;
}

bool safeAssetPath(const std::string& p) {
    if (p.empty() || p[0] == '/' || p.find('\\') != std::string::npos) return false;
    std::stringstream ss(p);
    std::string part;
    while (std::getline(ss, part, '/'))
        if (part.empty() || part == "." || part == "..") return false;
    return true;
}

// The floor rectangle a booth covers, in world axes.
net::Rect boothRect(const net::Booth& b) {
    bool sideways = (b.facing & 1) != 0;
    float hw = (sideways ? b.size.y : b.size.x) * 0.5f, hd = (sideways ? b.size.x : b.size.y) * 0.5f;
    return {{b.center.x - hw, b.center.y - hd}, {b.center.x + hw, b.center.y + hd}};
}

bool overlaps(const net::Rect& a, const net::Rect& b) {
    return a.min.x < b.max.x && b.min.x < a.max.x && a.min.y < b.max.y && b.min.y < a.max.y;
}

bool inside(const net::Rect& inner, const net::Rect& outer) {
    const float e = 0.01f;
    return inner.min.x >= outer.min.x - e && inner.min.y >= outer.min.y - e && inner.max.x <= outer.max.x + e &&
           inner.max.y <= outer.max.y + e;
}

std::string boothLabel(size_t i, const net::Booth& b) {
    std::string name = b.owner.name.en.empty() ? b.owner.name.zh : b.owner.name.en;
    return "booths[" + std::to_string(i) + "] (" + name + ")";
}

void load(const json& root, net::EventLayout& ev) {
    if (!root.is_object()) fail("event", "must be a JSON object");
    ev.name = localText(need(root, "name", "event"), "name", net::kMaxTitleBytes);
    if (ev.name.zh.empty() && ev.name.en.empty()) fail("name", "must not be empty");
    if (root.contains("dates")) ev.dates = text(root["dates"], "dates", 64);

    const json& hall = need(root, "hall", "event");
    const json& size = need(hall, "size", "hall");
    if (!size.is_array() || size.size() != 2) fail("hall.size", "must be [width, depth]");
    ev.hallSize = {number(size[0], "hall.size[0]", 10, net::kMaxHallSize), number(size[1], "hall.size[1]", 10, net::kMaxHallSize)};
    ev.spawn = hall.contains("spawn") ? point(hall["spawn"], "hall.spawn", ev.hallSize.x, ev.hallSize.y)
                                      : net::Vec2{ev.hallSize.x * 0.5f, ev.hallSize.y - 3.0f};

    if (root.contains("zones")) {
        const json& zones = root["zones"];
        if (!zones.is_array() || zones.size() > net::kMaxZones) fail("zones", "must be a list of at most 64 zones");
        for (size_t i = 0; i < zones.size(); ++i) {
            std::string w = "zones[" + std::to_string(i) + "]";
            net::Zone z;
            if (!net::parseZoneKind(text(need(zones[i], "kind", w), w + ".kind", 32), z.kind))
                fail(w + ".kind", "must be enterprise, university, stage or meeting");
            z.name = localText(need(zones[i], "name", w), w + ".name", net::kMaxTitleBytes);
            z.area = rect(need(zones[i], "area", w), w + ".area", ev.hallSize);
            ev.zones.push_back(std::move(z));
        }
    }

    if (root.contains("stage")) {
        const json& st = root["stage"];
        ev.stage.area = rect(need(st, "area", "stage"), "stage.area", ev.hallSize);
        if (st.contains("height")) ev.stage.height = number(st["height"], "stage.height", 0, 3);
        if (st.contains("facing")) ev.stage.facing = uint8_t(number(st["facing"], "stage.facing", 0, 3));
    }

    const json& booths = need(root, "booths", "event");
    if (!booths.is_array() || booths.size() > net::kMaxBooths) fail("booths", "must be a list of at most 512 booths");
    const net::Rect hallInner{{1, 1}, {ev.hallSize.x - 1, ev.hallSize.y - 1}};
    for (size_t i = 0; i < booths.size(); ++i) {
        const json& bj = booths[i];
        std::string w = "booths[" + std::to_string(i) + "]";
        net::Booth b;
        b.id.v = uint16_t(i);
        const json& org = need(bj, "org", w);
        b.owner.name = localText(org, w + ".org", net::kMaxOrgBytes);
        if (b.owner.name.zh.empty() && b.owner.name.en.empty()) fail(w + ".org", "needs a name in Chinese or English");
        if (org.contains("kind") && !net::parseOrgKind(text(org["kind"], w + ".org.kind", 32), b.owner.kind))
            fail(w + ".org.kind", "must be enterprise, university, institute or association");
        b.center = point(need(bj, "center", w), w + ".center", ev.hallSize.x, ev.hallSize.y);
        if (bj.contains("size")) {
            const json& s = bj["size"];
            if (!s.is_array() || s.size() != 2) fail(w + ".size", "must be [width, depth]");
            b.size = {number(s[0], w + ".size[0]", 3, 30), number(s[1], w + ".size[1]", 2.5f, 30)};
        }
        if (bj.contains("facing")) b.facing = uint8_t(number(bj["facing"], w + ".facing", 0, 3));
        if (bj.contains("zone")) {
            size_t zi = size_t(number(bj["zone"], w + ".zone", 0, float(net::kMaxZones - 1)));
            if (zi >= ev.zones.size()) fail(w + ".zone", "names zone " + std::to_string(zi) + ", but there are " + std::to_string(ev.zones.size()));
            b.zone = uint16_t(zi);
        }
        if (bj.contains("brochure")) b.brochure = localText(bj["brochure"], w + ".brochure", net::kMaxDescriptionBytes);
        if (bj.contains("exhibits")) {
            const json& ex = bj["exhibits"];
            if (!ex.is_array() || ex.size() > net::kMaxExhibitsPerBooth) fail(w + ".exhibits", "must be a list of at most 16");
            for (size_t k = 0; k < ex.size(); ++k) {
                std::string we = w + ".exhibits[" + std::to_string(k) + "]";
                net::Exhibit e;
                e.asset = text(need(ex[k], "asset", we), we + ".asset", net::kMaxAssetPathBytes);
                if (!safeAssetPath(e.asset)) fail(we + ".asset", "\"" + e.asset + "\" must be a relative path inside assets/ (no '..')");
                if (ex[k].contains("title")) e.title = localText(ex[k]["title"], we + ".title", net::kMaxTitleBytes);
                if (ex[k].contains("material")) e.material = text(ex[k]["material"], we + ".material", net::kMaxTitleBytes);
                if (ex[k].contains("process")) e.process = localText(ex[k]["process"], we + ".process", net::kMaxTitleBytes);
                if (ex[k].contains("massKg")) e.massKg = number(ex[k]["massKg"], we + ".massKg", 0, 1.0e6f);
                if (ex[k].contains("description"))
                    e.description = localText(ex[k]["description"], we + ".description", net::kMaxDescriptionBytes);
                b.exhibits.push_back(std::move(e));
            }
        }
        net::Rect r = boothRect(b);
        if (!inside(r, hallInner)) fail(boothLabel(i, b), "must stand inside the hall, at least 1 m from the walls");
        if (!ev.zones.empty() && bj.contains("zone") && !inside(r, ev.zones[b.zone].area))
            fail(boothLabel(i, b), "lies outside its zone " + std::to_string(b.zone));
        for (size_t k = 0; k < ev.booths.size(); ++k)
            if (overlaps(r, boothRect(ev.booths[k]))) fail(boothLabel(i, b), "overlaps " + boothLabel(k, ev.booths[k]));
        if (ev.stage.area.max.x > 0 && overlaps(r, ev.stage.area)) fail(boothLabel(i, b), "overlaps the stage");
        ev.booths.push_back(std::move(b));
    }

    if (root.contains("tables")) {
        const json& tables = root["tables"];
        if (!tables.is_array() || tables.size() > net::kMaxTables) fail("tables", "must be a list of at most 256 tables");
        for (size_t i = 0; i < tables.size(); ++i) {
            std::string w = "tables[" + std::to_string(i) + "]";
            net::NegotiationTable t;
            t.id.v = uint16_t(i);
            t.center = point(need(tables[i], "center", w), w + ".center", ev.hallSize.x, ev.hallSize.y);
            if (tables[i].contains("seats")) t.seats = uint8_t(number(tables[i]["seats"], w + ".seats", 2, 12));
            const float r = net::kTableRadius + 0.8f;  // table plus chairs
            net::Rect tr{{t.center.x - r, t.center.y - r}, {t.center.x + r, t.center.y + r}};
            if (!inside(tr, hallInner)) fail(w, "must stand inside the hall, at least 1 m from the walls");
            for (size_t k = 0; k < ev.booths.size(); ++k)
                if (overlaps(tr, boothRect(ev.booths[k]))) fail(w, "overlaps " + boothLabel(k, ev.booths[k]));
            ev.tables.push_back(t);
        }
    }

    if (root.contains("agenda")) {
        const json& ag = root["agenda"];
        if (!ag.is_array() || ag.size() > 256) fail("agenda", "must be a list of at most 256 items");
        for (size_t i = 0; i < ag.size(); ++i) {
            std::string w = "agenda[" + std::to_string(i) + "]";
            net::AgendaItem a;
            a.start = text(need(ag[i], "start", w), w + ".start", 32);
            if (ag[i].contains("minutes")) a.minutes = uint16_t(number(ag[i]["minutes"], w + ".minutes", 1, 24 * 60));
            a.title = localText(need(ag[i], "title", w), w + ".title", net::kMaxTitleBytes);
            if (ag[i].contains("place")) a.place = localText(ag[i]["place"], w + ".place", net::kMaxTitleBytes);
            if (ag[i].contains("speakers")) a.speakers = text(ag[i]["speakers"], w + ".speakers", net::kMaxTitleBytes);
            ev.agenda.push_back(std::move(a));
        }
    }

    // The spawn point must be free to stand on.
    std::vector<net::HallPart> parts;
    net::buildHallParts(ev, parts);
    float sx = ev.spawn.x, sz = ev.spawn.y;
    if (net::resolveCollisions(sx, sz, net::kAvatarRadius, parts, ev.hallSize)) fail("hall.spawn", "is inside a wall, booth or table");
}

}  // namespace

bool loadEventJson(const std::string& textIn, net::EventLayout& out, std::string& error) {
    try {
        json root = json::parse(textIn);
        net::EventLayout ev;
        load(root, ev);
        out = std::move(ev);
        return true;
    } catch (const LoadError& e) {
        error = e.text;
    } catch (const json::exception& e) {
        error = std::string("not valid JSON: ") + e.what();
    }
    return false;
}

bool loadEventFile(const std::string& path, net::EventLayout& out, std::string& error) {
    std::ifstream f(path, std::ios::binary);
    if (!f) { error = path + ": cannot open the file"; return false; }
    std::stringstream ss;
    ss << f.rdbuf();
    if (!loadEventJson(ss.str(), out, error)) { error = path + ": " + error; return false; }
    return true;
}

}  // namespace server
