// keys_test.cpp: the client's per-account signing keys on disk: created once with owner-only
// permissions, read back the same, refused when damaged or readable by others; and what they
// sign verifies in the ceremony.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <sys/stat.h>
#include <unistd.h>

#include "client/core/keys.h"
#include "server/ceremony/agreement.h"
#include "tests/ceremony/fixture.h"

namespace {

namespace fs = std::filesystem;

class KeyStoreTest : public ::testing::Test {
protected:
    void SetUp() override {
        m_root = fs::temp_directory_path() / ("dockhall-keys-" + std::to_string(::getpid()) + "-" +
                                              ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(m_root);
    }
    void TearDown() override { fs::remove_all(m_root); }
    fs::path m_root;
};

mode_t modeOf(const std::string& path) {
    struct stat st{};
    EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
    return st.st_mode & 0777;
}

TEST(KeyDir, FollowsXdgDataHomeThenHome) {
    EXPECT_EQ(client::keyDirFrom("/data", "/home/li"), "/data/dockhall/keys");
    EXPECT_EQ(client::keyDirFrom("", "/home/li"), "/home/li/.local/share/dockhall/keys");
    EXPECT_EQ(client::keyDirFrom(nullptr, "/home/li"), "/home/li/.local/share/dockhall/keys");
    EXPECT_EQ(client::keyDirFrom(nullptr, nullptr), "");
}

TEST_F(KeyStoreTest, CreatedOnFirstUseOwnerOnlyAndTheSameAfterwards) {
    const client::KeyStore store((m_root / "dockhall" / "keys").string());
    client::AccountKey first;
    bool created = false;
    std::string error;
    ASSERT_TRUE(store.loadOrCreate("hall.example.org:7777/42", first, &created, error)) << error;
    EXPECT_TRUE(created);
    EXPECT_EQ(modeOf(first.path), 0600u);
    EXPECT_EQ(modeOf(store.dir()), 0700u);
    EXPECT_EQ(fs::path(first.path).parent_path(), fs::path(store.dir()));

    client::AccountKey again;
    ASSERT_TRUE(store.loadOrCreate("hall.example.org:7777/42", again, &created, error)) << error;
    EXPECT_FALSE(created);
    EXPECT_EQ(again.publicKey, first.publicKey);
    EXPECT_EQ(again.secretKey, first.secretKey);

    // Another account gets its own key and its own file.
    client::AccountKey other;
    ASSERT_TRUE(store.loadOrCreate("hall.example.org:7777/43", other, &created, error)) << error;
    EXPECT_TRUE(created);
    EXPECT_NE(other.publicKey, first.publicKey);
    EXPECT_NE(other.path, first.path);
}

TEST_F(KeyStoreTest, WhatItSignsVerifiesAsTheAgreementsSignature) {
    const client::KeyStore store(m_root.string());
    client::AccountKey key;
    std::string error;
    ASSERT_TRUE(store.loadOrCreate("42", key, nullptr, error)) << error;
    const server::ceremony::ContentHash hash = server::ceremony::contentHash(fixture::agreement());
    const auto sig = client::signDigest(key, hash);
    EXPECT_TRUE(server::ceremony::verifySignature(hash, sig, key.publicKey));
    EXPECT_EQ(client::signingKeyHex(key), server::ceremony::toHex(key.publicKey));
    server::ceremony::ContentHash other = hash;
    other[0] ^= 1;
    EXPECT_FALSE(server::ceremony::verifySignature(other, sig, key.publicKey));
}

TEST_F(KeyStoreTest, LabelsBecomeSafeDistinctFileNames) {
    const client::KeyStore store(m_root.string());
    const std::string a = store.pathFor("hall:7777/42"), b = store.pathFor("hall_7777_42");
    EXPECT_NE(a, b);
    EXPECT_EQ(fs::path(store.pathFor("../../etc/passwd")).parent_path(), m_root);
    EXPECT_EQ(fs::path(store.pathFor("李晓梅")).parent_path(), m_root);
    client::AccountKey key;
    std::string error;
    EXPECT_FALSE(store.loadOrCreate("two\nlines", key, nullptr, error));
    EXPECT_NE(error.find("line breaks"), std::string::npos);
}

TEST_F(KeyStoreTest, AKeyOthersCanReadIsRefusedNotUsed) {
    const client::KeyStore store(m_root.string());
    client::AccountKey key;
    std::string error;
    ASSERT_TRUE(store.loadOrCreate("42", key, nullptr, error)) << error;
    ::chmod(key.path.c_str(), 0644);
    EXPECT_FALSE(store.loadOrCreate("42", key, nullptr, error));
    EXPECT_NE(error.find("chmod 600"), std::string::npos) << error;
    ::chmod(key.path.c_str(), 0600);
    EXPECT_TRUE(store.load("42", key, error)) << error;
}

TEST_F(KeyStoreTest, ADamagedKeyIsRefusedAndNeverOverwritten) {
    const client::KeyStore store(m_root.string());
    client::AccountKey key;
    std::string error;
    ASSERT_TRUE(store.loadOrCreate("42", key, nullptr, error)) << error;
    std::string text;
    {
        std::ifstream in(key.path);
        text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    // Change one hex digit of the public key: it no longer belongs to the seed.
    std::string damaged = text;
    const size_t at = damaged.find("public ") + 7;
    damaged[at] = damaged[at] == '0' ? '1' : '0';
    { std::ofstream(key.path, std::ios::trunc) << damaged; }
    bool created = true;
    EXPECT_FALSE(store.loadOrCreate("42", key, &created, error));
    EXPECT_FALSE(created);
    EXPECT_NE(error.find("damaged"), std::string::npos) << error;
    {
        std::ifstream in(store.pathFor("42"));
        EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()), damaged);
    }
    // A file that is not a key at all is refused the same way.
    { std::ofstream(store.pathFor("42"), std::ios::trunc) << "hello\n"; }
    EXPECT_FALSE(store.load("42", key, error));
    EXPECT_NE(error.find("not a Dockhall signing key"), std::string::npos) << error;
    // No key yet: load says so, without creating one.
    EXPECT_FALSE(store.load("43", key, error));
    EXPECT_FALSE(fs::exists(store.pathFor("43")));
}

TEST_F(KeyStoreTest, AFolderThatCannotBeMadeIsAClearError) {
    // A file stands where the key folder should be: no one, not even root, can make the folder.
    fs::create_directories(m_root);
    { std::ofstream(m_root / "dockhall") << "not a folder\n"; }
    const client::KeyStore store((m_root / "dockhall" / "keys").string());
    client::AccountKey key;
    std::string error;
    EXPECT_FALSE(store.loadOrCreate("42", key, nullptr, error));
    EXPECT_NE(error.find("cannot create the key folder"), std::string::npos) << error;
    EXPECT_FALSE(client::KeyStore("").loadOrCreate("42", key, nullptr, error));
    EXPECT_NE(error.find("XDG_DATA_HOME"), std::string::npos) << error;
}

}  // namespace
