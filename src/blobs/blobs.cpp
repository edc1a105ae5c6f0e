// Content-addressed files. The write order (temporary file in the target directory, fsync,
// rename, fsync of the directory) makes a blob either absent or complete after a crash; two
// writers of the same bytes race harmlessly, since rename replaces identical content.
#include "blobs/blobs.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace duban::blobs {
namespace {

namespace fs = std::filesystem;

bool WriteAll(int fd, std::string_view bytes) {
    size_t off = 0;
    while (off < bytes.size()) {
        ssize_t n = ::write(fd, bytes.data() + off, bytes.size() - off);
        if (n < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        off += static_cast<size_t>(n);
    }
    return true;
}

bool FsyncDir(const fs::path& dir) {
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return false;
    bool ok = ::fsync(fd) == 0;
    ::close(fd);
    return ok;
}

Error Io(const std::string& what) { return Error::Internal(what + ": " + std::strerror(errno)); }

std::atomic<uint64_t> g_tmp_counter{0};

}  // namespace

std::optional<std::string> SniffMime(std::string_view b) {
    if (b.size() >= 3 && static_cast<unsigned char>(b[0]) == 0xFF && static_cast<unsigned char>(b[1]) == 0xD8 &&
        static_cast<unsigned char>(b[2]) == 0xFF)
        return "image/jpeg";
    static constexpr unsigned char kPng[8] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
    if (b.size() >= 8 && std::memcmp(b.data(), kPng, 8) == 0) return "image/png";
    if (b.substr(0, 5) == "%PDF-") return "application/pdf";
    return std::nullopt;
}

std::string NormaliseMime(std::string_view ct) {
    std::string s(ct.substr(0, ct.find(';')));
    s = core::Trim(s);
    for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (s == "image/jpg" || s == "image/pjpeg") s = "image/jpeg";
    return s;
}

std::string SafeFileName(std::string_view name) {
    auto slash = name.find_last_of("/\\");
    if (slash != std::string_view::npos) name = name.substr(slash + 1);
    std::string out;
    for (unsigned char ch : name) {
        if (ch < 0x20 || ch == 0x7F || ch == '"' || ch == '\\' || ch == '/' || ch == ';' || ch == ',')
            out += '_';
        else
            out += static_cast<char>(ch);
    }
    if (!core::IsValidUtf8(out)) out = "attachment";
    out = core::Utf8Prefix(out, 100);
    while (!out.empty() && (out.front() == '.' || out.front() == ' ')) out.erase(0, 1);
    if (out.empty()) out = "attachment";
    return out;
}

bool IsSha256Hex(std::string_view s) {
    if (s.size() != 64) return false;
    for (char ch : s)
        if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f'))) return false;
    return true;
}

std::string BlobStore::PathOf(std::string_view sha) const {
    return (fs::path(root_) / std::string(sha.substr(0, 2)) / std::string(sha.substr(2))).string();
}

bool BlobStore::Exists(std::string_view sha) const {
    if (!IsSha256Hex(sha)) return false;
    std::error_code ec;
    return fs::is_regular_file(PathOf(sha), ec);
}

Result<Stored> BlobStore::Put(std::string_view bytes, std::string_view declared_type) const {
    if (bytes.size() > max_bytes_)
        return Error{core::ErrorKind::kTooLarge, "file_too_large",
                     "the file has " + std::to_string(bytes.size()) + " bytes; at most " + std::to_string(max_bytes_),
                     "body"};
    auto sniffed = SniffMime(bytes);
    if (!sniffed)
        return Error{core::ErrorKind::kUnsupportedMedia, "unsupported_file_type",
                     "only JPEG, PNG and PDF files are accepted (the content is none of them)", "body"};
    std::string declared = NormaliseMime(declared_type);
    if (declared != *sniffed)
        return Error{core::ErrorKind::kUnsupportedMedia, "type_mismatch",
                     "the content is " + *sniffed + " but Content-Type says " + (declared.empty() ? "nothing" : declared),
                     "Content-Type"};
    Stored st{core::Sha256Hex(bytes), *sniffed, bytes.size(), false};
    fs::path final_path = PathOf(st.sha256);
    fs::path dir = final_path.parent_path();
    std::error_code ec;
    // Renamed into place whole, so a file under the hash holds these bytes (sealed or not).
    if (fs::is_regular_file(final_path, ec) && fs::file_size(final_path, ec) > 0) return st;
    bool new_dir = !fs::exists(dir, ec);
    fs::create_directories(dir, ec);
    if (ec) return Error::Internal("cannot create " + dir.string() + ": " + ec.message());
    fs::path tmp = dir / (".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(g_tmp_counter.fetch_add(1)));
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
    if (fd < 0) return Io("cannot create " + tmp.string());
    const std::string sealed = box_ ? box_->Seal(bytes) : std::string();
    bool ok = WriteAll(fd, box_ ? std::string_view(sealed) : bytes) && ::fsync(fd) == 0;
    ok = (::close(fd) == 0) && ok;
    if (!ok || ::rename(tmp.c_str(), final_path.c_str()) != 0) {
        Error e = Io("cannot write " + final_path.string());
        ::unlink(tmp.c_str());
        return e;
    }
    if (!FsyncDir(dir)) return Io("cannot sync " + dir.string());
    if (new_dir) FsyncDir(dir.parent_path());
    st.created = true;
    return st;
}

Result<std::string> BlobStore::Get(std::string_view sha) const {
    if (!IsSha256Hex(sha)) return Error::NotFoundMsg("attachment not found");
    std::ifstream in(PathOf(sha), std::ios::binary);
    if (!in) return Error::NotFoundMsg("attachment not found");
    std::stringstream ss;
    ss << in.rdbuf();
    std::string data = ss.str();
    // Sealed files are "v1." + base64url; stored JPEG, PNG and PDF bytes never begin so.
    if (data.rfind("v1.", 0) != 0) return data;
    if (!box_) return Error::Internal("attachment " + std::string(sha) + " is sealed and no key was given");
    auto plain = box_->Open(data);
    if (!plain) return Error::Internal("attachment " + std::string(sha) + " cannot be opened with this key");
    return std::move(*plain);
}

}  // namespace duban::blobs
