#pragma once
/// duban::blobs — attachment bytes, content-addressed on disk: <root>/ab/cdef… (the SHA-256 hex
/// split after two characters), written atomically (temporary file, fsync, rename, fsync of the
/// directory) and never under a name the user chose. Only JPEG, PNG and PDF are kept; the type is
/// read from the bytes (magic numbers) and must agree with the declared Content-Type.
#include <optional>
#include <string>
#include <string_view>

#include "core/core.hpp"

namespace duban::blobs {

using core::Error;
using core::Result;

inline constexpr size_t kDefaultMaxBytes = 10u << 20;  // 10 MiB

/// The type the bytes say they are: "image/jpeg" (FF D8 FF), "image/png" (the 8-byte PNG
/// signature), "application/pdf" (%PDF-), or nullopt.
std::optional<std::string> SniffMime(std::string_view bytes);

/// The declared type without parameters, lower-case ("image/jpg" reads as image/jpeg).
std::string NormaliseMime(std::string_view content_type);

/// A file name safe for Content-Disposition: the last path segment, control characters, quotes,
/// backslashes and separators replaced by '_', at most 100 bytes of valid UTF-8; "attachment"
/// when nothing is left.
std::string SafeFileName(std::string_view name);

/// Is s 64 lower-case hex digits?
bool IsSha256Hex(std::string_view s);

struct Stored {
    std::string sha256, mime;
    size_t size = 0;
    bool created = false;  // false: the same bytes were stored already
};

class BlobStore {
public:
    /// REQUIRES: root is a directory path (created on first Put). With a box, files are written
    /// sealed with it (photos of ID cards and petition letters are personal data, encrypted at rest
    /// like the reporters' fields); files stored before, unsealed, are still read.
    explicit BlobStore(std::string root, size_t max_bytes = kDefaultMaxBytes, const core::SecretBox* box = nullptr)
        : root_(std::move(root)), max_bytes_(max_bytes), box_(box) {}

    /// Checks and stores bytes. Errors: kTooLarge (over max_bytes), kUnsupportedMedia (not JPEG,
    /// PNG or PDF by content, or a declared type that disagrees), kInternal (I/O).
    Result<Stored> Put(std::string_view bytes, std::string_view declared_type) const;
    /// The bytes of a stored hash, opened when sealed; kNotFound when absent, kInternal when the
    /// file is sealed with another key or altered.
    Result<std::string> Get(std::string_view sha256) const;
    bool Exists(std::string_view sha256) const;
    /// Where a hash lives (whether or not it exists).
    std::string PathOf(std::string_view sha256) const;
    const std::string& root() const { return root_; }
    size_t max_bytes() const { return max_bytes_; }

private:
    std::string root_;
    size_t max_bytes_;
    const core::SecretBox* box_;
};

}  // namespace duban::blobs
