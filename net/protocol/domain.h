// domain.h: the event's records as they travel between server and client.
//
// Coordinates: metres, right-handed, y up. The hall floor spans x in [0, size.x] and z in
// [0, size.y]. Booths are axis aligned: their `facing` is a multiple of 90 degrees.
// Text that people read comes in both languages (`LocalText`); either side may be empty.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "net/protocol/serialize.h"

namespace net {

// --- typed ids -------------------------------------------------------------------------------
struct ParticipantId { uint16_t v = 0; friend bool operator==(ParticipantId, ParticipantId) = default; };
struct BoothId       { uint16_t v = 0; friend bool operator==(BoothId, BoothId) = default; };
struct TableId       { uint16_t v = 0; friend bool operator==(TableId, TableId) = default; };

constexpr uint16_t kMaxParticipants = 4095;  // ENet's peer id limit; id 0 means "nobody"
constexpr uint16_t kMaxBooths = 512;
constexpr uint16_t kMaxTables = 256;
constexpr uint16_t kMaxZones = 64;
constexpr uint16_t kMaxExhibitsPerBooth = 16;
constexpr float kMaxHallSize = 600.0f;       // metres, either side

constexpr uint32_t kMaxNameBytes = 64;       // a person's display name (UTF-8)
constexpr uint32_t kMaxOrgBytes = 160;       // an organization's name (UTF-8)
constexpr uint32_t kMaxTitleBytes = 200;
constexpr uint32_t kMaxDescriptionBytes = 2000;
constexpr uint32_t kMaxAssetPathBytes = 200;
constexpr uint32_t kMaxChatBytes = 500;      // one chat line

enum class Role : uint8_t {
    Attendee,    // walks, inspects, chats, exchanges cards
    Exhibitor,   // owns an enterprise booth
    University,  // owns a lab booth (universities and institutes)
    Organizer,   // runs the event, the stage and the ceremonies
    Speaker,     // gives a talk on the stage: uploads, advances and clears the big screen's slides
    Count
};
const char* roleName(Role r);                      // "attendee", "exhibitor", ..., "speaker"
bool parseRole(const std::string& s, Role& out);   // accepts the names above

enum class OrgKind : uint8_t {
    Enterprise,   // shows products and forgings
    University,   // presents labs and results
    Institute,    // research institute
    Association,  // industry association or government office
    Count
};
const char* orgKindName(OrgKind k);
bool parseOrgKind(const std::string& s, OrgKind& out);

enum class ZoneKind : uint8_t {
    Enterprise,  // enterprise booths
    University,  // university and institute lab booths
    Stage,       // the signing stage and its audience
    Meeting,     // negotiation tables
    Count
};
const char* zoneKindName(ZoneKind k);
bool parseZoneKind(const std::string& s, ZoneKind& out);

struct LocalText {
    std::string zh;
    std::string en;
    // The text in the wanted language, falling back to the other one.
    const std::string& in(bool chinese) const { return chinese ? (zh.empty() ? en : zh) : (en.empty() ? zh : en); }
};

struct Vec2 { float x = 0, y = 0; };  // a point on the floor: (x, z) in world terms

struct Rect {  // axis-aligned area on the floor
    Vec2 min, max;
    bool contains(Vec2 p) const { return p.x >= min.x && p.x <= max.x && p.y >= min.y && p.y <= max.y; }
    Vec2 center() const { return {(min.x + max.x) * 0.5f, (min.y + max.y) * 0.5f}; }
};

struct Organization {
    LocalText name;
    OrgKind kind = OrgKind::Enterprise;
};

struct Exhibit {
    std::string asset;   // path under assets/, e.g. "models/spur_gear.glb"
    LocalText title;
    std::string material;       // grade, e.g. "42CrMo"
    LocalText process;          // e.g. closed-die forging
    float massKg = 0;
    Vec2 sizeXY{};              // reserved; overall size is read from the model
    LocalText description;
};

struct Booth {
    BoothId id;
    uint16_t zone = 0;          // index into EventLayout::zones
    Organization owner;
    Vec2 center;                // footprint centre
    Vec2 size{6, 4};            // footprint width (along its front) and depth
    uint8_t facing = 0;         // quarter turns: 0 front faces +z, 1 +x, 2 -z, 3 -x
    LocalText brochure;
    std::vector<Exhibit> exhibits;
};

struct Zone {
    ZoneKind kind = ZoneKind::Enterprise;
    LocalText name;
    Rect area;
};

struct Stage {
    Rect area;                  // the raised platform
    float height = 0.6f;        // platform height
    uint8_t facing = 0;         // the audience side, in quarter turns as for booths
};

struct NegotiationTable {
    TableId id;
    Vec2 center;
    uint8_t seats = 4;
};

struct AgendaItem {
    std::string start;          // "2024-06-04 09:30"
    uint16_t minutes = 30;
    LocalText title;
    LocalText place;
    std::string speakers;       // "王教授（浙江大学）、李总" as the organizer writes it; may be empty
};

struct EventLayout {
    LocalText name;
    std::string dates;          // "2024-06-04"
    Vec2 hallSize{80, 50};
    Vec2 spawn{40, 45};         // where newcomers appear
    std::vector<Zone> zones;
    std::vector<Booth> booths;
    Stage stage;
    std::vector<NegotiationTable> tables;
    std::vector<AgendaItem> agenda;
};

// --- serialize -------------------------------------------------------------------------------
template <typename S> bool serialize(S& s, LocalText& v) {
    DH_SERIALIZE_STRING(s, v.zh, kMaxDescriptionBytes);
    DH_SERIALIZE_STRING(s, v.en, kMaxDescriptionBytes);
    return true;
}
template <typename S> bool serialize(S& s, Vec2& v) {
    DH_SERIALIZE_QFLOAT(s, v.x, 0.0f, kMaxHallSize, 0.01f);
    DH_SERIALIZE_QFLOAT(s, v.y, 0.0f, kMaxHallSize, 0.01f);
    return true;
}
template <typename S> bool serialize(S& s, Rect& v) {
    DH_SERIALIZE_OBJECT(s, v.min);
    DH_SERIALIZE_OBJECT(s, v.max);
    return true;
}
template <typename S> bool serialize(S& s, Organization& v) {
    DH_SERIALIZE_OBJECT(s, v.name);
    DH_SERIALIZE_INT(s, v.kind, 0, int(OrgKind::Count) - 1);
    return true;
}
template <typename S> bool serialize(S& s, Exhibit& v) {
    DH_SERIALIZE_STRING(s, v.asset, kMaxAssetPathBytes);
    DH_SERIALIZE_OBJECT(s, v.title);
    DH_SERIALIZE_STRING(s, v.material, kMaxTitleBytes);
    DH_SERIALIZE_OBJECT(s, v.process);
    DH_SERIALIZE_QFLOAT(s, v.massKg, 0.0f, 1.0e6f, 0.01f);
    DH_SERIALIZE_OBJECT(s, v.sizeXY);
    DH_SERIALIZE_OBJECT(s, v.description);
    return true;
}
template <typename S> bool serialize(S& s, Booth& v) {
    DH_SERIALIZE_INT(s, v.id.v, 0, kMaxBooths - 1);
    DH_SERIALIZE_INT(s, v.zone, 0, kMaxZones - 1);
    DH_SERIALIZE_OBJECT(s, v.owner);
    DH_SERIALIZE_OBJECT(s, v.center);
    DH_SERIALIZE_OBJECT(s, v.size);
    DH_SERIALIZE_INT(s, v.facing, 0, 3);
    DH_SERIALIZE_OBJECT(s, v.brochure);
    DH_SERIALIZE_VECTOR(s, v.exhibits, kMaxExhibitsPerBooth);
    return true;
}
template <typename S> bool serialize(S& s, Zone& v) {
    DH_SERIALIZE_INT(s, v.kind, 0, int(ZoneKind::Count) - 1);
    DH_SERIALIZE_OBJECT(s, v.name);
    DH_SERIALIZE_OBJECT(s, v.area);
    return true;
}
template <typename S> bool serialize(S& s, Stage& v) {
    DH_SERIALIZE_OBJECT(s, v.area);
    DH_SERIALIZE_QFLOAT(s, v.height, 0.0f, 3.0f, 0.01f);
    DH_SERIALIZE_INT(s, v.facing, 0, 3);
    return true;
}
template <typename S> bool serialize(S& s, NegotiationTable& v) {
    DH_SERIALIZE_INT(s, v.id.v, 0, kMaxTables - 1);
    DH_SERIALIZE_OBJECT(s, v.center);
    DH_SERIALIZE_INT(s, v.seats, 2, 12);
    return true;
}
template <typename S> bool serialize(S& s, AgendaItem& v) {
    DH_SERIALIZE_STRING(s, v.start, 32);
    DH_SERIALIZE_INT(s, v.minutes, 1, 24 * 60);
    DH_SERIALIZE_OBJECT(s, v.title);
    DH_SERIALIZE_OBJECT(s, v.place);
    DH_SERIALIZE_STRING(s, v.speakers, kMaxTitleBytes);
    return true;
}
template <typename S> bool serialize(S& s, EventLayout& v) {
    DH_SERIALIZE_OBJECT(s, v.name);
    DH_SERIALIZE_STRING(s, v.dates, 64);
    DH_SERIALIZE_OBJECT(s, v.hallSize);
    DH_SERIALIZE_OBJECT(s, v.spawn);
    DH_SERIALIZE_VECTOR(s, v.zones, kMaxZones);
    DH_SERIALIZE_VECTOR(s, v.booths, kMaxBooths);
    DH_SERIALIZE_OBJECT(s, v.stage);
    DH_SERIALIZE_VECTOR(s, v.tables, kMaxTables);
    DH_SERIALIZE_VECTOR(s, v.agenda, 256);
    return true;
}

}  // namespace net
