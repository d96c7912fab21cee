// docking_msgs.cpp: names of the docking enums and the vCard export of a business card.
#include "net/protocol/docking_msgs.h"

namespace net {

bool isDockingType(MsgType t) { return t >= MsgType::PostSave && t <= MsgType::VisitLeads; }

const char* meetingStateName(MeetingState s) {
    switch (s) {
        case MeetingState::Requested: return "requested";
        case MeetingState::Accepted: return "accepted";
        case MeetingState::Declined: return "declined";
        case MeetingState::Cancelled: return "cancelled";
        case MeetingState::Count: break;
    }
    return "?";
}

const char* meetingOutcomeName(MeetingOutcome o) {
    switch (o) {
        case MeetingOutcome::None: return "none";
        case MeetingOutcome::FollowUp: return "follow-up";
        case MeetingOutcome::Intent: return "intent";
        case MeetingOutcome::NoFit: return "no-fit";
        case MeetingOutcome::Count: break;
    }
    return "?";
}

bool parseMeetingState(const std::string& s, MeetingState& out) {
    for (int i = 0; i < int(MeetingState::Count); ++i)
        if (s == meetingStateName(MeetingState(i))) { out = MeetingState(i); return true; }
    return false;
}

bool parseMeetingOutcome(const std::string& s, MeetingOutcome& out) {
    for (int i = 0; i < int(MeetingOutcome::Count); ++i)
        if (s == meetingOutcomeName(MeetingOutcome(i))) { out = MeetingOutcome(i); return true; }
    return false;
}

namespace {
// RFC 2426 text value: backslash, comma, semicolon and newline escaped.
std::string vcardText(const std::string& v) {
    std::string out;
    for (char c : v) {
        switch (c) {
            case '\\': out += "\\\\"; break;
            case ',': out += "\\,"; break;
            case ';': out += "\\;"; break;
            case '\n': out += "\\n"; break;
            case '\r': break;
            default: out += c;
        }
    }
    return out;
}
}  // namespace

std::string toVCard(const BusinessCard& card) {
    std::string v = "BEGIN:VCARD\r\nVERSION:3.0\r\n";
    v += "FN;CHARSET=UTF-8:" + vcardText(card.name) + "\r\n";
    v += "N;CHARSET=UTF-8:" + vcardText(card.name) + ";;;;\r\n";
    if (!card.org.empty()) v += "ORG;CHARSET=UTF-8:" + vcardText(card.org) + "\r\n";
    if (!card.title.empty()) v += "TITLE;CHARSET=UTF-8:" + vcardText(card.title) + "\r\n";
    if (!card.phone.empty()) v += "TEL;TYPE=WORK,VOICE:" + vcardText(card.phone) + "\r\n";
    if (!card.email.empty()) v += "EMAIL;TYPE=INTERNET:" + vcardText(card.email) + "\r\n";
    v += "END:VCARD\r\n";
    return v;
}

}  // namespace net
