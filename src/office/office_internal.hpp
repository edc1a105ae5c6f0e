#pragma once
// Internal to duban::office: a bounded zip reader over a byte string and a streaming XML parser
// (expat) that reads a part straight out of the archive: no part is ever held whole in memory,
// and no DOM is built, so memory follows what the reader keeps, not the size of the XML.
#include <zip.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/core.hpp"
#include "office/office.hpp"

namespace duban::office::internal {

core::Error Invalid(std::string msg);   // malformed input: kBadRequest, code "invalid_office_file"
core::Error TooLarge(std::string msg);  // a limit exceeded: kTooLarge, code "office_file_too_large"
std::string Size(size_t bytes);         // "900 MB", "12 KB", "300 bytes"

/// A zip archive opened over caller-owned bytes (which must outlive it). Every part read is
/// checked against the limits: declared size, ratio, the bytes actually inflated (the header can
/// lie), and the running total over all parts.
class ZipReader {
public:
    static core::Result<std::unique_ptr<ZipReader>> Open(std::string_view bytes, const Limits& lim,
                                                         std::string kind);
    ~ZipReader();
    ZipReader(const ZipReader&) = delete;
    ZipReader& operator=(const ZipReader&) = delete;

    bool Has(const std::string& name) const;
    /// Inflates the part chunk by chunk into sink; stops at the first error (the sink's or ours).
    template <class Sink>
    core::Status Stream(const std::string& name, size_t cap, Sink&& sink);
    const std::string& kind() const { return kind_; }

private:
    ZipReader(zip_t* za, const Limits& lim, std::string kind) : za_(za), lim_(lim), kind_(std::move(kind)) {}
    struct Opened {
        zip_file_t* file = nullptr;
        size_t cap = 0;
    };
    core::Result<Opened> OpenPart(const std::string& name, size_t cap);
    zip_t* za_;
    Limits lim_;
    std::string kind_;
    size_t total_ = 0;
};

template <class Sink>
core::Status ZipReader::Stream(const std::string& name, size_t cap, Sink&& sink) {
    auto opened = OpenPart(name, cap);
    if (!opened) return opened.error();
    zip_file_t* f = opened->file;
    std::unique_ptr<zip_file_t, int (*)(zip_file_t*)> guard(f, zip_fclose);
    char buf[64 * 1024];
    size_t got = 0;
    for (;;) {
        zip_int64_t n = zip_fread(f, buf, sizeof buf);
        if (n < 0)
            return Invalid(kind_ + ": " + name + " cannot be inflated (" +
                           zip_error_strerror(zip_file_get_error(f)) + ")");
        if (n == 0) break;
        got += static_cast<size_t>(n);
        total_ += static_cast<size_t>(n);
        if (got > opened->cap)
            return TooLarge(kind_ + ": " + name + " inflates past " + Size(opened->cap) +
                            " (more than its header says or than the limit allows)");
        if (total_ > lim_.max_total_uncompressed)
            return TooLarge(kind_ + ": the parts read inflate past " +
                            Size(lim_.max_total_uncompressed) + " in total; that is the limit");
        core::Status s = sink(std::string_view(buf, static_cast<size_t>(n)));
        if (!s) return s;
    }
    return {};
}

/// A streaming XML handler. Names are local names (namespace URIs are dropped); attribute lookup
/// is by local name too. A handler stops the parse by calling Fail.
class SaxHandler {
public:
    virtual ~SaxHandler() = default;
    virtual void Start(std::string_view local, const char** attrs) = 0;
    virtual void End(std::string_view local) = 0;
    virtual void Text(std::string_view) {}
    void Fail(core::Error e) {
        if (!failed) failed = std::move(e);
    }
    std::optional<core::Error> failed;
};
/// The value of the attribute with this local name, or nullptr.
const char* Attr(const char** attrs, std::string_view local);

/// Parses one part with expat, streaming from the archive. DOCTYPE declarations are refused (no
/// entity expansion at all). Errors name the part and the line.
core::Status ParseXml(ZipReader& zip, const std::string& part, size_t cap, SaxHandler& h);

/// Decodes OOXML's _xHHHH_ escapes (control characters in strings).
std::string DecodeXEscapes(std::string s);

}  // namespace duban::office::internal
