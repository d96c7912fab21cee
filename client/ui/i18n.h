// i18n.h: every string the client shows, in Chinese and English, in one table.
//
// Panels never hold literal text: they ask tr(UiText::X, language). Strings are UTF-8 and may
// contain printf conversions where the panel formats them (noted per entry in i18n.cpp). The
// table is checked by a unit test: every entry has both languages and the same conversions.
#pragma once

#include <cstdint>

#include "client/core/connection.h"
#include "net/protocol/domain.h"

namespace client {

enum class Language : uint8_t {
    Chinese,  // 中文 (simplified)
    English,  // English
    Count
};

enum class UiText : uint16_t {
    // Join dialog
    JoinTitle,            // window title
    JoinIntro,            // one line under the title
    JoinName,             // label: display name
    JoinOrg,              // label: organization
    JoinRole,             // label: role combo
    JoinPassword,         // label: password (the account's, or the organizer password of an open hall)
    JoinLanguage,         // label: language choice
    JoinServer,           // label: server address (read only)
    JoinEmbedded,         // "this computer (embedded server, port %u)"
    JoinButton,           // the Join button
    JoinConnecting,       // shown while connecting
    JoinNameMissing,      // validation: name empty
    JoinOrgMissing,       // validation: organization empty
    JoinNameTooLong,      // validation: name over the byte limit
    JoinOrgTooLong,       // validation: organization over the byte limit
    JoinEmail,            // label: account e-mail (empty in an open hall)
    JoinAccountHint,      // one line: sign in with the invitation's e-mail, or leave it empty in an open hall
    JoinPasswordMissing,  // validation: e-mail given, password empty
    // Roles
    RoleAttendee,
    RoleExhibitor,
    RoleUniversity,
    RoleOrganizer,
    RoleSpeaker,
    // Connection states
    StateConnecting,
    StateHandshaking,
    StateJoined,
    StateRefused,
    StateLost,
    // Top bar
    TopEvent,             // label before the event's name
    TopConnection,        // label before the connection state
    TopPeople,            // "%d online"
    TopFps,               // "%.0f FPS"
    TopHelp,              // button that opens the help overlay
    TopLanguage,          // language menu label
    // Chat
    ChatTitle,
    ChatHint,             // placeholder in the input line
    ChatSend,             // send button
    ChatNotice,           // prefix of a server notice
    ChatAnnouncement,     // prefix of an organizer announcement
    ChatEmpty,            // no lines yet
    // Participants
    PeopleTitle,
    PeopleCount,          // "%d in the hall"
    PeopleYou,            // marks the own entry
    // Help overlay
    HelpTitle,
    HelpWalk,
    HelpRun,
    HelpClick,
    HelpCamera,
    HelpZoom,
    HelpChat,
    HelpToggle,
    HelpClose,
    // Booth hover tooltip
    BoothClickToVisit,
    // Refusal / lost modal
    ModalRefusedTitle,
    ModalLostTitle,
    ModalBack,
    ModalUnreachable,     // "%s" = host:port: nothing answered there
    // Embedded server
    ServerEmbedded,       // "hosting on port %u"
    // Docking board, meetings, contacts, leads (docking_panels.h)
    TopDocking,
    DockTitle,
    DockTabBoard,
    DockTabForYou,
    DockTabPost,
    DockTabMeetings,
    DockTabContacts,
    DockTabLeads,
    DockSearchHint,
    DockSearch,
    DockKindAll,
    DockKindNeeds,
    DockKindCaps,
    DockAnyField,
    DockOrgKinds,
    DockNoResults,
    DockNeedLabel,
    DockCapLabel,
    DockHidden,
    DockMine,
    DockAskMeeting,
    DockSlot,
    DockNoSessions,
    DockEdit,
    DockWithdraw,
    DockHide,
    DockShow,
    DockForYouEmpty,
    DockMatchScore,
    DockWhy,
    DockTitleZh,
    DockTitleEn,
    DockDescZh,
    DockDescEn,
    DockExtraNeed,
    DockExtraCap,
    DockBudget,
    DockReadiness,
    DockContact,
    DockFields,
    DockSubmit,
    DockSaveEdit,
    DockNewPost,
    DockCantPost,
    DockScheduleEmpty,
    DockStateRequested,
    DockStateAccepted,
    DockStateDeclined,
    DockStateCancelled,
    DockWaitingYou,
    DockTable,
    DockAccept,
    DockDecline,
    DockPropose,
    DockCancel,
    DockGoToTable,
    DockNotes,
    DockOutcome,
    DockOutcomeNone,
    DockOutcomeFollowUp,
    DockOutcomeIntent,
    DockOutcomeNoFit,
    DockSaveNotes,
    DockAgreement,
    DockTableChat,
    DockCallReminder,
    DockCallStart,
    DockMyCard,
    DockCardTitle,
    DockCardPhone,
    DockCardEmail,
    DockSaveCard,
    DockExchangeWith,
    DockExchange,
    DockContactAsked,
    DockContactAskedOfMe,
    DockContactExchanged,
    DockContactDeclined,
    DockExportVCard,
    DockExported,
    DockLeadsEmpty,
    DockLeadLine,
    DockSchedule,
    DockWith,
    DockByOrganizer,
    DockSelectHint,
    DockAllMeetings,
    DockAddField,         // organizer: add a taxonomy field (button and heading)
    DockFieldKey,         // hint: field key
    DockFieldZh,          // hint: Chinese name
    DockFieldEn,          // hint: English name
    DockExtraNeedEn,      // expected outcome, English
    DockExtraCapEn,       // lab equipment, English
    DockDeadline,         // label: deadline, YYYY-MM-DD, empty = open
    DockDeadlineBad,      // the deadline is not a date
    DockDeadlineValue,    // "Deadline: %s"
    DockAchievements,     // heading: achievements available for transfer
    DockAddAchievement,   // button
    DockAchTitleZh,       // hint
    DockAchTitleEn,       // hint
    DockAchReference,     // hint: patent number
    DockAchPatent,        // achievement kinds, AchievementKind order
    DockAchPrototype,
    DockAchProcess,
    DockAchSoftware,
    DockAchOther,
    DockExportPath,       // label: where the vCard file goes
    DockExportFailed,     // "Could not write %s"
    // Exhibit inspector
    InspTitle,            // window title
    InspPlaceholder,      // the model failed to load
    InspMaterial,         // label: material grade
    InspProcess,          // label: process
    InspMass,             // label: mass
    InspMassValue,        // "%.2f kg"
    InspDimensions,       // label: overall size
    InspDimensionsValue,  // "%.1f x %.1f x %.1f mm" (x, y, z)
    InspParts,            // "%d parts, %d triangles"
    InspSection,          // label: section plane
    InspSectionNone,      // radio: no section
    InspSectionPosition,  // slider: plane position
    InspSectionFlip,      // checkbox: keep the other half
    InspExplode,          // slider: exploded view
    InspWireframe,        // checkbox
    InspMeasure,          // checkbox: measuring mode
    InspDistance,         // "%.2f mm" between the two points
    InspClear,            // button: clear the points
    InspResetView,        // button
    InspClose,            // button
    InspHelp,             // mouse help line
    InspFollowing,        // "%s is presenting this exhibit"
    InspStopFollowing,    // button
    InspPresent,          // checkbox: present to everyone at the booth
    InspPresentingHint,   // what presenting does
    // Booth directory and minimap
    TopDirectory,         // top bar: opens the booth directory
    DirTitle,
    DirSearchHint,        // search box hint
    DirCount,             // "%d of %d booths"
    DirWalk,              // button: walk to this booth
    DirNone,              // nothing found
    DirKindEnterprise,
    DirKindUniversity,
    DirKindInstitute,
    DirKindAssociation,
    DirClosed,            // mark on a booth the organizer closed
    DirWalkClosed,        // the walk button of a closed booth: you get to its front only
    DirClosedNotice,      // "%s" is closed: said when walking to it (the booth's name)
    MapTitle,
    MapClickToWalk,       // tooltip line under a booth's name
    // Stage: agenda, organizer console, signing, announcements (stage_panels.h)
    StageNow,
    StageNext,
    StageNoAgenda,
    StageConsoleButton,
    StageConsoleTitle,
    StageTabAnnounce,
    StageTabPeople,
    StageTabFigures,
    StageTabAgreement,
    StageTabCeremony,
    StageAnnounceZh,
    StageAnnounceEn,
    StageAnnounceSend,
    StageEyesOnStage,
    StageMute,
    StageUnmute,
    StageKick,
    StageBan,
    StageUnban,
    StageSummon,
    StageSetRole,
    StageSelectPerson,
    StageMutedMark,
    StagePeopleInHall,
    StagePerZone,
    StagePerBooth,
    StageLock,
    StageUnlock,
    StageLocked,
    StageNoFigures,
    StageTitleZh,
    StageTitleEn,
    StageTextZh,
    StageTextEn,
    StageParty,
    StageWitness,
    StageOrgZh,
    StageOrgEn,
    StageRepresentative,
    StageChooseRep,
    StageAddParty,
    StageRemoveParty,
    StageSaveDraft,
    StageNewDraft,
    StageNoCeremony,
    StageFinalize,
    StageStart,
    StageOpenSigning,
    StagePause,
    StageResume,
    StageCancel,
    StageSignedCount,
    StageSeatCalled,
    StageSeatPresent,
    StageSeatSigned,
    StageEdit,
    StageSignTitle,
    StageSignIntro,
    StageContentHash,
    StageHashMismatch,
    StageKeyFingerprint,
    StageKeyMissing,
    StageRegisterKey,
    StageSign,
    StageSigningWait,
    StageYouRepresent,
    StageMomentTitle,
    StageMomentLine,
    StageMomentClose,
    StageCallSigning,
    StageCallEyes,
    StageCallSummoned,
    StageStateDraft,
    StageStateReady,
    StageStateCalling,
    StageStateSigning,
    StageStateSigned,
    StageStatePaused,
    StageStateCancelled,
    StageTabSlides,
    StageSlidePath,
    StageSlideUpload,
    StageSlideUnreadable,
    StageSlideCount,
    StageSlidePrev,
    StageSlideNext,
    StageBigScreen,
    StageSlideLoading,
    StageSlideClear,      // button: take every slide off the big screen
    StageSlidesButton,    // agenda strip button of a speaker: opens the slides window
    StageSlidesTitle,     // the speaker's slides window
    StageSpeakerHint,     // one line in it: what a speaker does there
    StagePhotoTitle,      // heading over the group picture's thumbnail in the moment window
    StagePhotoPending,    // the picture is taken a few seconds after the moment
    StagePhotoSaved,      // "saved to %s" (the file's path)
    StagePhotoFailed,     // "could not be saved: %s" (the reason, in English from the file system)
    StagePhotoNoStage,    // the hall has no stage to photograph
    // Model downloads (asset_panel.h)
    AssetTitle,           // window title
    AssetTotal,           // "%d of %d models, %.1f of %.1f MB"
    AssetWaiting,         // a file asked for, no byte yet
    AssetChecking,        // every byte here, its hash being checked
    AssetDone,            // a file downloaded and checked
    AssetFailed,          // prefix of a file's error
    AssetPlaceholder,     // why a booth shows a box meanwhile
    // Adding an exhibit (asset_upload_panel.h)
    UploadTitle,          // window title
    UploadBooth,          // "to the booth of %s"
    UploadUp,             // button: parent folder
    UploadPicked,         // "Model file: %s"
    UploadNameZh,         // label: Chinese name
    UploadNameEn,         // label: English name
    UploadMaterial,       // label: material grade
    UploadProcessZh,      // label: process (Chinese)
    UploadProcessEn,      // label: process (English)
    UploadMass,           // label: mass in kg
    UploadDescZh,         // label: description (Chinese)
    UploadDescEn,         // label: description (English)
    UploadButton,         // button: bake and upload
    UploadBaking,         // progress: converting the model
    UploadSending,        // progress: uploading
    UploadNeeds,          // hint: pick a file and give a name
    Count
};

// The text for `id` in `lang`. Never null; an out-of-range id gives "".
const char* tr(UiText id, Language lang);

// The role's display name.
const char* roleText(net::Role role, Language lang);

// A language's own name ("中文", "English"), for the language switch.
const char* languageName(Language lang);

// The connection state's display name.
const char* connStateText(ConnState state, Language lang);

// Whether the language is Chinese (for net::LocalText::in()).
inline bool isChinese(Language lang) { return lang == Language::Chinese; }

}  // namespace client
