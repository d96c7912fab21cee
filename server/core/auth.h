// auth.h: accounts' secrets and the pace of sign-ins: password hashes, session tokens, throttling.
//
// Passwords are stored as Argon2id hashes (libsodium's crypto_pwhash_str, the parameters inside the
// string, so a later change of kPasswordOps / kPasswordMemBytes still verifies older hashes).
// A check costs tens of milliseconds, more than a 30 Hz tick may spend, so the server hands them
// to a PasswordWorker thread and picks up the answers on a later update (docs/security.md).
//
// Session tokens are 32 random bytes; the store keeps only their BLAKE2b-256 digest, so a copy of
// the database does not let anyone in.
//
// LoginThrottle slows down repeated wrong passwords per key (an e-mail, an address): after the
// k-th failure in a row the next answer for that key waits base * 2^(k-1) ms (capped). The table
// is bounded: when full, the entry that failed longest ago is forgotten.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "net/protocol/messages.h"

namespace server {

// Who may come in without an account made by the organizer.
enum class Registration : uint8_t {
    Open,       // anyone joins by name, organization and role as typed (local demo; no accounts)
    Attendees,  // accounts sign in; a new e-mail with a password registers itself as an attendee
    Accounts,   // only accounts the organizer imported (dockhall-admin accounts import)
};
const char* registrationName(Registration r);                   // "open", "attendees", "accounts"
bool parseRegistration(const std::string& s, Registration& out);

// Argon2id cost: OWASP's minimum (2 passes over 19 MiB, one lane); measured in docs/security.md.
constexpr unsigned long long kPasswordOps = 2;
constexpr size_t kPasswordMemBytes = size_t(19) << 20;
constexpr size_t kMinPasswordBytes = 8;

// The crypto_pwhash_str string for `password`; empty on failure (out of memory).
std::string hashPassword(const std::string& password);
// The same with other costs (the string records them; verifyPassword reads them back). Tests use
// libsodium's minimum so that many sign-ins stay fast under the sanitizers.
std::string hashPassword(const std::string& password, unsigned long long ops, size_t memBytes);
// True when `password` matches `hash` (a crypto_pwhash_str string). Constant-time in the password.
bool verifyPassword(const std::string& hash, const std::string& password);
// A fresh random password for an imported account: 12 characters without look-alikes (0/O, 1/l/I).
std::string randomPassword(size_t length = 12);

net::SessionToken newSessionToken();
// Hex of BLAKE2b-256(token): what the store keeps.
std::string tokenDigest(const net::SessionToken& token);

// Lower-cases ASCII and trims spaces. An address is accepted when it has one '@' with text on both
// sides, no spaces or control characters, and fits net::kMaxEmailBytes.
std::string normalizeEmail(const std::string& email);
bool validEmail(const std::string& normalized);

struct ThrottleDesc {
    uint32_t baseDelayMs = 500;     // after the first failure
    uint32_t maxDelayMs = 8000;     // never longer (a client gives up waiting for an answer after 10 s)
    uint32_t forgetAfterMs = 15 * 60 * 1000;  // a key quiet this long starts afresh
    size_t maxKeys = 4096;          // table bound
    uint32_t freeFailures = 0;      // failures in a row before any delay
};

class LoginThrottle {
public:
    explicit LoginThrottle(const ThrottleDesc& desc = {}) : m_desc(desc) {}

    // How long an answer to `key` must wait now (0: none), given the failures so far.
    uint32_t delayMs(const std::string& key, uint64_t nowMs) const;
    static uint32_t delayForFailures(uint32_t failures, const ThrottleDesc& desc);
    void onFailure(const std::string& key, uint64_t nowMs);
    void onSuccess(const std::string& key) { m_keys.erase(key); }
    size_t size() const { return m_keys.size(); }

private:
    struct Entry {
        uint32_t failures = 0;
        uint64_t lastMs = 0;
    };
    ThrottleDesc m_desc;
    std::unordered_map<std::string, Entry> m_keys;
};

// Runs password hashes and checks off the caller's thread, one at a time, in order.
//
//   PasswordWorker worker;
//   worker.submit({.ticket = 7, .hash = row.passwordHash, .password = typed});
//   ... later, every update:  for (auto& r : worker.poll()) if (r.ticket == 7 && r.ok) ...
//
// With `threaded` false the work runs inside submit() (deterministic tests, tools).
class PasswordWorker {
public:
    struct Job {
        uint64_t ticket = 0;     // the caller's, handed back with the result
        std::string hash;        // check `password` against it; empty: make a hash of `password`
        std::string password;
    };
    struct Result {
        uint64_t ticket = 0;
        bool ok = false;         // the password matches / the hash was made
        std::string hash;        // the new hash (when one was asked for)
    };

    explicit PasswordWorker(bool threaded = true);
    ~PasswordWorker();  // finishes the job in hand, drops the rest
    PasswordWorker(const PasswordWorker&) = delete;
    PasswordWorker& operator=(const PasswordWorker&) = delete;

    void submit(Job job);
    // The results ready now (appended to `out`), in submission order.
    void poll(std::vector<Result>& out);
    size_t inFlight() const;  // submitted and not yet polled

private:
    void run();
    static Result work(Job& job);

    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<Job> m_jobs;
    std::vector<Result> m_done;
    size_t m_inFlight = 0;
    bool m_stop = false;
    std::thread m_thread;
};

}  // namespace server
