#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "blobs/blobs.hpp"

using namespace duban;
namespace fs = std::filesystem;

namespace {

const std::string kJpeg = std::string("\xFF\xD8\xFF\xE0\x00\x10JFIF\x00", 11) + std::string(100, 'x');
const std::string kPng = std::string("\x89PNG\r\n\x1A\n\x00\x00\x00\rIHDR", 16) + std::string(50, '\0');
const std::string kPdf = "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n";
const std::string kGif = "GIF89a\x01\x00\x01\x00";

struct TempDir {
    fs::path p;
    TempDir() {
        char tmpl[] = "/tmp/duban-blobs-XXXXXX";
        p = mkdtemp(tmpl);
    }
    ~TempDir() { fs::remove_all(p); }
};

size_t CountFiles(const fs::path& root) {
    size_t n = 0;
    for (auto& e : fs::recursive_directory_iterator(root))
        if (e.is_regular_file()) ++n;
    return n;
}

}  // namespace

TEST(Blobs, SniffsByContent) {
    EXPECT_EQ(blobs::SniffMime(kJpeg), "image/jpeg");
    EXPECT_EQ(blobs::SniffMime(kPng), "image/png");
    EXPECT_EQ(blobs::SniffMime(kPdf), "application/pdf");
    EXPECT_FALSE(blobs::SniffMime(kGif));
    EXPECT_FALSE(blobs::SniffMime("just some text, saved as photo.jpg"));
    EXPECT_FALSE(blobs::SniffMime(""));
    EXPECT_FALSE(blobs::SniffMime(std::string("\xFF\xD8", 2)));  // too short for JPEG
    EXPECT_FALSE(blobs::SniffMime("%PDF"));
    EXPECT_EQ(blobs::NormaliseMime("Image/JPG; q=1"), "image/jpeg");
}

TEST(Blobs, NamesAndHashes) {
    EXPECT_EQ(blobs::SafeFileName("../../etc/passwd"), "passwd");
    EXPECT_EQ(blobs::SafeFileName("C:\\photos\\井盖.jpg"), "井盖.jpg");
    EXPECT_EQ(blobs::SafeFileName("a\"b;c\r\n.pdf"), "a_b_c__.pdf");
    EXPECT_EQ(blobs::SafeFileName(""), "attachment");
    EXPECT_EQ(blobs::SafeFileName(".."), "attachment");
    EXPECT_EQ(blobs::SafeFileName("\xFF\xFE"), "attachment");
    EXPECT_TRUE(blobs::IsSha256Hex(std::string(64, 'a')));
    EXPECT_FALSE(blobs::IsSha256Hex(std::string(64, 'A')));
    EXPECT_FALSE(blobs::IsSha256Hex(std::string(63, 'a')));
    EXPECT_FALSE(blobs::IsSha256Hex("../" + std::string(61, 'a')));
}

TEST(Blobs, StoresContentAddressedOnceAndReadsBack) {
    TempDir d;
    blobs::BlobStore store((d.p / "blobs").string());
    auto a = store.Put(kJpeg, "image/jpeg");
    ASSERT_TRUE(a.ok()) << a.error().message;
    EXPECT_TRUE(a->created);
    EXPECT_EQ(a->sha256, core::Sha256Hex(kJpeg));
    EXPECT_EQ(a->mime, "image/jpeg");
    EXPECT_EQ(a->size, kJpeg.size());
    fs::path expect = d.p / "blobs" / a->sha256.substr(0, 2) / a->sha256.substr(2);
    EXPECT_EQ(store.PathOf(a->sha256), expect.string());
    EXPECT_TRUE(fs::is_regular_file(expect));
    // the same bytes again: the same hash, stored once, no temporary file left behind
    auto b = store.Put(kJpeg, "image/jpeg; charset=binary");
    ASSERT_TRUE(b.ok());
    EXPECT_FALSE(b->created);
    EXPECT_EQ(b->sha256, a->sha256);
    EXPECT_EQ(CountFiles(d.p / "blobs"), 1u);
    auto got = store.Get(a->sha256);
    ASSERT_TRUE(got.ok());
    EXPECT_EQ(*got, kJpeg);
    ASSERT_TRUE(store.Put(kPng, "image/png").ok());
    ASSERT_TRUE(store.Put(kPdf, "application/pdf").ok());
    EXPECT_EQ(CountFiles(d.p / "blobs"), 3u);
    for (auto& e : fs::recursive_directory_iterator(d.p / "blobs"))
        EXPECT_EQ(e.path().filename().string().rfind(".tmp", 0), std::string::npos) << e.path();
    EXPECT_FALSE(store.Get(std::string(64, '0')).ok());
    EXPECT_FALSE(store.Get("../../x").ok());
    EXPECT_FALSE(store.Exists("zz"));
}

TEST(Blobs, RefusesOtherTypesMismatchesAndLargeFiles) {
    TempDir d;
    blobs::BlobStore store((d.p / "b").string(), 1000);
    auto gif = store.Put(kGif, "image/gif");
    ASSERT_FALSE(gif.ok());
    EXPECT_EQ(gif.error().kind, core::ErrorKind::kUnsupportedMedia);
    auto text = store.Put("hello, this is text", "image/jpeg");  // a text file renamed .jpg
    ASSERT_FALSE(text.ok());
    EXPECT_EQ(text.error().kind, core::ErrorKind::kUnsupportedMedia);
    auto mismatch = store.Put(kPng, "image/jpeg");
    ASSERT_FALSE(mismatch.ok());
    EXPECT_EQ(mismatch.error().code, "type_mismatch");
    EXPECT_EQ(mismatch.error().field, "Content-Type");
    auto big = store.Put(kJpeg + std::string(1000, 'x'), "image/jpeg");
    ASSERT_FALSE(big.ok());
    EXPECT_EQ(big.error().kind, core::ErrorKind::kTooLarge);
    EXPECT_TRUE(store.Put(kJpeg, "image/jpeg").ok());  // 111 bytes: within the limit
    EXPECT_EQ(CountFiles(d.p / "b"), 1u);  // nothing of the refused ones was written
}

TEST(Blobs, AWriteThatCannotCompleteLeavesNothing) {
    TempDir d;
    // the root is a file: the directory cannot be made, and no partial blob appears anywhere
    std::ofstream(d.p / "file") << "x";
    blobs::BlobStore store((d.p / "file" / "blobs").string());
    auto r = store.Put(kPdf, "application/pdf");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, core::ErrorKind::kInternal);
    EXPECT_EQ(CountFiles(d.p), 1u);
    // a directory where the blob's final name should be: rename fails, the temporary file is removed
    blobs::BlobStore s2((d.p / "s2").string());
    std::string sha = core::Sha256Hex(kPdf);
    fs::create_directories(fs::path(s2.PathOf(sha)) / "occupied");
    auto r2 = s2.Put(kPdf, "application/pdf");
    ASSERT_FALSE(r2.ok());
    EXPECT_EQ(CountFiles(d.p / "s2"), 0u);
}

TEST(Blobs, SealedWithTheKeyOnDiskAndOpenedOnRead) {
    core::InitCrypto();
    TempDir d;
    auto box = core::SecretBox::FromKey(std::string(32, 'k'));
    blobs::BlobStore store((d.p / "sealed").string(), blobs::kDefaultMaxBytes, &box);
    auto a = store.Put(kJpeg, "image/jpeg");
    ASSERT_TRUE(a.ok()) << a.error().message;
    EXPECT_EQ(a->sha256, core::Sha256Hex(kJpeg));  // addressed by the plain bytes
    std::ifstream in(store.PathOf(a->sha256), std::ios::binary);
    std::string on_disk((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(on_disk.rfind("v1.", 0), 0u);
    EXPECT_EQ(on_disk.find(kJpeg.substr(0, 3)), std::string::npos);  // no JPEG bytes in the file
    auto back = store.Get(a->sha256);
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(*back, kJpeg);
    EXPECT_FALSE(store.Put(kJpeg, "image/jpeg")->created);  // stored once
    // Another key cannot open it; no key at all says so.
    auto other = core::SecretBox::FromKey(std::string(32, 'x'));
    blobs::BlobStore wrong((d.p / "sealed").string(), blobs::kDefaultMaxBytes, &other);
    EXPECT_FALSE(wrong.Get(a->sha256).ok());
    blobs::BlobStore none((d.p / "sealed").string());
    EXPECT_FALSE(none.Get(a->sha256).ok());
    // A file stored before sealing (plain bytes) is still read.
    blobs::BlobStore plain((d.p / "sealed").string());
    auto p = plain.Put(kPng, "image/png");
    ASSERT_TRUE(p.ok());
    auto old = store.Get(p->sha256);
    ASSERT_TRUE(old.ok());
    EXPECT_EQ(*old, kPng);
}
