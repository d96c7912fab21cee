// keys.h: the signing key of each account on this machine: an Ed25519 key pair the person
// signs agreements with. The secret key never leaves the machine; the public key is
// registered with the server.
//
// One file per account under the user's data folder (defaultKeyDir):
//
//   $XDG_DATA_HOME/dockhall/keys/<account>.key   (or ~/.local/share/dockhall/keys/)
//
//   dockhall-signing-key 1
//   account <the account label, as given>
//   seed <64 hex digits: the Ed25519 seed>
//   public <64 hex digits>
//
// Created on first use, readable by its owner only (0600, in a 0700 folder). A file that others
// can read, or whose public key does not belong to its seed, is refused with a message saying
// what to do; nothing is ever overwritten.
//
//   client::KeyStore keys(client::defaultKeyDir());
//   client::AccountKey key;
//   std::string error;
//   if (!keys.loadOrCreate("hall.example.org:7777/42", key, nullptr, error)) show(error);
//   auto sig = client::signDigest(key, contentHash);
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace client {

struct AccountKey {
    std::array<uint8_t, 32> publicKey{};
    std::array<uint8_t, 64> secretKey{};  // libsodium's form: seed followed by the public key
    std::string path;                     // the file it was read from or written to
};

// $XDG_DATA_HOME/dockhall/keys, else $HOME/.local/share/dockhall/keys; "" when neither is set.
std::string defaultKeyDir();
// The same from given values (either may be null or empty), for tests.
std::string keyDirFrom(const char* xdgDataHome, const char* home);

class KeyStore {
public:
    explicit KeyStore(std::string dir) : m_dir(std::move(dir)) {}

    const std::string& dir() const { return m_dir; }
    // The file of an account: its label with every character outside [A-Za-z0-9._-] replaced,
    // plus a short hash of the label when anything was replaced (so labels never collide).
    std::string pathFor(std::string_view account) const;

    // Reads the account's key. False with a message when there is none or it is unusable.
    bool load(std::string_view account, AccountKey& out, std::string& error) const;
    // Reads the account's key, or makes a new one when there is none (*created = true).
    bool loadOrCreate(std::string_view account, AccountKey& out, bool* created, std::string& error) const;

private:
    std::string m_dir;
};

// An Ed25519 signature over a 32-byte digest (an agreement's content hash).
std::array<uint8_t, 64> signDigest(const AccountKey& key, std::span<const uint8_t, 32> digest);
// Lowercase hex of a public key, as it is registered with the server.
std::string signingKeyHex(const AccountKey& key);
// The key's fingerprint as the server and certificates show it: BLAKE2b-256 of the public key,
// first 16 bytes, eight groups of four hex digits.
std::string signingKeyFingerprint(const AccountKey& key);

}  // namespace client
