// keys.cpp: per-account Ed25519 signing keys in files under the user's data folder (keys.h).
#include "client/core/keys.h"

#include <sodium.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace client {

namespace {

constexpr const char* kHeader = "dockhall-signing-key 1";

std::string hex(const uint8_t* p, size_t n) {
    std::string s(n * 2 + 1, '\0');
    sodium_bin2hex(s.data(), s.size(), p, n);
    s.pop_back();
    return s;
}

bool unhex(const std::string& text, uint8_t* out, size_t n) {
    size_t got = 0;
    return text.size() == n * 2 &&
           sodium_hex2bin(out, n, text.data(), text.size(), nullptr, &got, nullptr) == 0 && got == n;
}

bool safeLabelChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

// Creates `dir` and its parents; the last level is made 0700. False with a message.
bool makeKeyDir(const std::string& dir, std::string& error) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) {
        error = dir + ": cannot create the key folder (" + ec.message() + "); check that it is writable";
        return false;
    }
    ::chmod(dir.c_str(), 0700);
    return true;
}

// Writes the whole of `text` to a new file at `path`, 0600 from the start. Fails if it exists.
bool writeNewFile(const std::string& path, const std::string& text, std::string& error) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        error = path + ": cannot create the key file (" + std::strerror(errno) + ")";
        return false;
    }
    size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        done += size_t(n);
    }
    const bool ok = done == text.size() && ::fsync(fd) == 0;
    ::close(fd);
    if (!ok) {
        ::unlink(path.c_str());
        error = path + ": cannot write the key file (disk full?)";
    }
    return ok;
}

// An account label is one line of printable text (it is written into the key file).
bool validLabel(std::string_view account, std::string& error) {
    if (account.empty() || account.size() > 256) {
        error = "an account label must be 1 to 256 bytes";
        return false;
    }
    for (char c : account)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
            error = "an account label must not hold control characters or line breaks";
            return false;
        }
    return true;
}

}  // namespace

std::string keyDirFrom(const char* xdgDataHome, const char* home) {
    if (xdgDataHome && *xdgDataHome) return std::string(xdgDataHome) + "/dockhall/keys";
    if (home && *home) return std::string(home) + "/.local/share/dockhall/keys";
    return {};
}

std::string defaultKeyDir() { return keyDirFrom(std::getenv("XDG_DATA_HOME"), std::getenv("HOME")); }

std::string KeyStore::pathFor(std::string_view account) const {
    std::string name;
    bool replaced = account.empty() || account.front() == '.';
    for (char c : account) {
        if (safeLabelChar(c)) {
            name += c;
        } else {
            name += '_';
            replaced = true;
        }
    }
    if (replaced) {
        uint8_t h[4];
        crypto_generichash(h, sizeof h, reinterpret_cast<const uint8_t*>(account.data()), account.size(), nullptr, 0);
        name += "-" + hex(h, sizeof h);
    }
    return m_dir + "/" + name + ".key";
}

bool KeyStore::load(std::string_view account, AccountKey& out, std::string& error) const {
    if (!validLabel(account, error)) return false;
    if (sodium_init() < 0) {
        error = "libsodium cannot start (no entropy source)";
        return false;
    }
    const std::string path = pathFor(account);
    struct stat st{};
    if (::stat(path.c_str(), &st) != 0) {
        error = path + ": no signing key for this account yet";
        return false;
    }
    if ((st.st_mode & 077) != 0) {
        error = path + ": the signing key can be read by others; run `chmod 600 " + path + "` and try again";
        return false;
    }
    std::ifstream in(path);
    if (!in) {
        error = path + ": cannot read the signing key; check its permissions";
        return false;
    }
    std::string header, line, accountWord, seedWord, seedHex, publicWord, publicHex;
    std::getline(in, header);
    std::getline(in, line);
    accountWord = line.substr(0, line.find(' '));
    const std::string label = line.size() > 8 ? line.substr(8) : std::string();
    in >> seedWord >> seedHex >> publicWord >> publicHex;
    uint8_t seed[32];
    AccountKey key;
    const bool parsed = header == kHeader && accountWord == "account" && seedWord == "seed" && publicWord == "public" &&
                        unhex(seedHex, seed, sizeof seed) && unhex(publicHex, key.publicKey.data(), 32);
    sodium_memzero(seedHex.data(), seedHex.size());
    if (!parsed) {
        error = path + ": not a Dockhall signing key (expected \"" + kHeader +
                "\", then account, seed and public lines); move it away only if you never signed with it";
        return false;
    }
    if (label != account) {
        error = path + ": this key belongs to account \"" + label + "\", not \"" + std::string(account) + "\"";
        return false;
    }
    std::array<uint8_t, 32> derived{};
    crypto_sign_seed_keypair(derived.data(), key.secretKey.data(), seed);
    sodium_memzero(seed, sizeof seed);
    if (derived != key.publicKey) {
        error = path + ": the public key does not belong to the secret key; the file is damaged";
        return false;
    }
    key.path = path;
    out = key;
    return true;
}

bool KeyStore::loadOrCreate(std::string_view account, AccountKey& out, bool* created, std::string& error) const {
    if (created) *created = false;
    if (!validLabel(account, error)) return false;
    if (m_dir.empty()) {
        error = "no folder for signing keys: set XDG_DATA_HOME or HOME";
        return false;
    }
    if (sodium_init() < 0) {
        error = "libsodium cannot start (no entropy source)";
        return false;
    }
    const std::string path = pathFor(account);
    struct stat st{};
    if (::stat(path.c_str(), &st) == 0) return load(account, out, error);
    if (!makeKeyDir(m_dir, error)) return false;

    uint8_t seed[32];
    randombytes_buf(seed, sizeof seed);
    AccountKey key;
    crypto_sign_seed_keypair(key.publicKey.data(), key.secretKey.data(), seed);
    std::string text = std::string(kHeader) + "\naccount " + std::string(account) + "\nseed " + hex(seed, sizeof seed) +
                       "\npublic " + hex(key.publicKey.data(), 32) + "\n";
    sodium_memzero(seed, sizeof seed);
    const bool ok = writeNewFile(path, text, error);
    sodium_memzero(text.data(), text.size());
    if (!ok) return false;
    key.path = path;
    out = key;
    if (created) *created = true;
    return true;
}

std::array<uint8_t, 64> signDigest(const AccountKey& key, std::span<const uint8_t, 32> digest) {
    std::array<uint8_t, 64> sig{};
    crypto_sign_detached(sig.data(), nullptr, digest.data(), digest.size(), key.secretKey.data());
    return sig;
}

std::string signingKeyHex(const AccountKey& key) { return hex(key.publicKey.data(), key.publicKey.size()); }

std::string signingKeyFingerprint(const AccountKey& key) {
    std::array<uint8_t, 32> h{};
    crypto_generichash(h.data(), h.size(), key.publicKey.data(), key.publicKey.size(), nullptr, 0);
    const std::string x = hex(h.data(), 16);
    std::string out;
    for (size_t i = 0; i < x.size(); i += 4) {
        if (i) out += ' ';
        out += x.substr(i, 4);
    }
    return out;
}

}  // namespace client
