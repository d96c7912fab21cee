// stage_msgs.cpp: names of the stage enums (stage_msgs.h).
#include "net/protocol/stage_msgs.h"

#include <array>

namespace net {

namespace {
constexpr std::array<const char*, size_t(CeremonyPhase::Count)> kPhaseNames = {
    "draft", "ready", "calling-representatives", "signing", "signed", "paused", "cancelled"};
constexpr std::array<const char*, size_t(CeremonyAction::Count)> kActionNames = {
    "finalize", "start", "open-signing", "pause", "resume", "cancel"};
constexpr std::array<const char*, size_t(ModerationAction::Count)> kModerationNames = {
    "mute", "unmute", "kick", "ban", "unban", "set-role", "summon", "lock-booth", "unlock-booth"};
}  // namespace

bool isStageType(MsgType t) { return (t >= MsgType::KeyRegister && t <= MsgType::SlideData) || t == MsgType::SlideClear; }

const char* ceremonyPhaseName(CeremonyPhase p) { return size_t(p) < kPhaseNames.size() ? kPhaseNames[size_t(p)] : "?"; }
const char* ceremonyActionName(CeremonyAction a) { return size_t(a) < kActionNames.size() ? kActionNames[size_t(a)] : "?"; }
const char* moderationActionName(ModerationAction a) {
    return size_t(a) < kModerationNames.size() ? kModerationNames[size_t(a)] : "?";
}

}  // namespace net
