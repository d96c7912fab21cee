// auth.cpp: password hashing, session tokens and sign-in throttling (libsodium).
#include "server/core/auth.h"

#include <sodium.h>

#include <algorithm>

namespace server {

namespace {
bool sodiumReady() {
    static const bool ok = sodium_init() >= 0;  // idempotent and thread-safe in libsodium
    return ok;
}
}  // namespace

const char* registrationName(Registration r) {
    switch (r) {
        case Registration::Open: return "open";
        case Registration::Attendees: return "attendees";
        case Registration::Accounts: return "accounts";
    }
    return "?";
}

bool parseRegistration(const std::string& s, Registration& out) {
    for (Registration r : {Registration::Open, Registration::Attendees, Registration::Accounts})
        if (s == registrationName(r)) {
            out = r;
            return true;
        }
    return false;
}

std::string hashPassword(const std::string& password) { return hashPassword(password, kPasswordOps, kPasswordMemBytes); }

std::string hashPassword(const std::string& password, unsigned long long ops, size_t memBytes) {
    if (!sodiumReady()) return {};
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str_alg(out, password.data(), password.size(), ops, memBytes, crypto_pwhash_ALG_ARGON2ID13) != 0)
        return {};
    return out;
}

bool verifyPassword(const std::string& hash, const std::string& password) {
    if (!sodiumReady() || hash.empty() || hash.size() >= crypto_pwhash_STRBYTES) return false;
    char buf[crypto_pwhash_STRBYTES] = {};
    std::copy(hash.begin(), hash.end(), buf);
    return crypto_pwhash_str_verify(buf, password.data(), password.size()) == 0;
}

std::string randomPassword(size_t length) {
    static constexpr char kAlphabet[] = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    constexpr uint32_t n = sizeof(kAlphabet) - 1;
    sodiumReady();
    std::string out;
    for (size_t i = 0; i < length; ++i) out += kAlphabet[randombytes_uniform(n)];
    return out;
}

net::SessionToken newSessionToken() {
    sodiumReady();
    net::SessionToken t;
    do randombytes_buf(t.bytes.data(), t.bytes.size());
    while (t.empty());  // all zeros means "no token" on the wire
    return t;
}

std::string tokenDigest(const net::SessionToken& token) {
    sodiumReady();
    uint8_t d[32];
    crypto_generichash(d, sizeof d, token.bytes.data(), token.bytes.size(), nullptr, 0);
    char hex[65];
    sodium_bin2hex(hex, sizeof hex, d, sizeof d);
    return hex;
}

std::string normalizeEmail(const std::string& email) {
    size_t b = email.find_first_not_of(" \t\r\n"), e = email.find_last_not_of(" \t\r\n");
    if (b == std::string::npos) return {};
    std::string out = email.substr(b, e - b + 1);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
    return out;
}

bool validEmail(const std::string& s) {
    if (s.empty() || s.size() > net::kMaxEmailBytes) return false;
    size_t at = s.find('@');
    if (at == std::string::npos || at == 0 || at + 1 == s.size() || s.find('@', at + 1) != std::string::npos) return false;
    return std::none_of(s.begin(), s.end(), [](char c) { return uint8_t(c) <= 0x20 || c == 0x7f; });
}

uint32_t LoginThrottle::delayForFailures(uint32_t failures, const ThrottleDesc& desc) {
    if (failures <= desc.freeFailures) return 0;
    failures -= desc.freeFailures;
    uint64_t d = uint64_t(desc.baseDelayMs) << std::min<uint32_t>(failures - 1, 20);
    return uint32_t(std::min<uint64_t>(d, desc.maxDelayMs));
}

uint32_t LoginThrottle::delayMs(const std::string& key, uint64_t nowMs) const {
    auto it = m_keys.find(key);
    if (it == m_keys.end() || nowMs - it->second.lastMs > m_desc.forgetAfterMs) return 0;
    uint64_t wait = delayForFailures(it->second.failures, m_desc);
    uint64_t since = nowMs - it->second.lastMs;
    // The delay runs from the last failure: someone who waited it out is answered at once.
    return since >= wait ? 0 : uint32_t(wait - since);
}

void LoginThrottle::onFailure(const std::string& key, uint64_t nowMs) {
    auto it = m_keys.find(key);
    if (it == m_keys.end()) {
        if (m_keys.size() >= m_desc.maxKeys) {
            // Forget the quietest key: an attacker filling the table only erases its own old entries
            // and other long-quiet ones, never makes the table grow.
            auto oldest = std::min_element(m_keys.begin(), m_keys.end(),
                                           [](const auto& a, const auto& b) { return a.second.lastMs < b.second.lastMs; });
            m_keys.erase(oldest);
        }
        it = m_keys.emplace(key, Entry{}).first;
    } else if (nowMs - it->second.lastMs > m_desc.forgetAfterMs) {
        it->second.failures = 0;
    }
    ++it->second.failures;
    it->second.lastMs = nowMs;
}

PasswordWorker::PasswordWorker(bool threaded) {
    if (threaded) m_thread = std::thread([this] { run(); });
}

PasswordWorker::~PasswordWorker() {
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_all();
    if (m_thread.joinable()) m_thread.join();
}

PasswordWorker::Result PasswordWorker::work(Job& job) {
    Result r{.ticket = job.ticket};
    if (job.hash.empty()) {
        r.hash = hashPassword(job.password);
        r.ok = !r.hash.empty();
    } else {
        r.ok = verifyPassword(job.hash, job.password);
    }
    sodium_memzero(job.password.data(), job.password.size());
    return r;
}

void PasswordWorker::submit(Job job) {
    std::unique_lock lock(m_mutex);
    ++m_inFlight;
    if (!m_thread.joinable()) {
        m_done.push_back(work(job));
        return;
    }
    m_jobs.push_back(std::move(job));
    lock.unlock();
    m_wake.notify_one();
}

void PasswordWorker::poll(std::vector<Result>& out) {
    std::lock_guard lock(m_mutex);
    m_inFlight -= m_done.size();
    for (auto& r : m_done) out.push_back(std::move(r));
    m_done.clear();
}

size_t PasswordWorker::inFlight() const {
    std::lock_guard lock(m_mutex);
    return m_inFlight;
}

void PasswordWorker::run() {
    std::unique_lock lock(m_mutex);
    for (;;) {
        m_wake.wait(lock, [this] { return m_stop || !m_jobs.empty(); });
        if (m_stop) return;
        Job job = std::move(m_jobs.front());
        m_jobs.pop_front();
        lock.unlock();
        Result r = work(job);
        lock.lock();
        m_done.push_back(std::move(r));
    }
}

}  // namespace server
