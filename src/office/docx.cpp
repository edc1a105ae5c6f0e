// ReadDocx: word/document.xml and word/styles.xml (for the heading level of each paragraph
// style) streamed through expat.
#include <map>
#include <string>
#include <vector>

#include "office/office.hpp"
#include "office/office_internal.hpp"

namespace duban::office {
namespace {

using internal::Attr;

/// "heading 2", "Heading2", "標題 2", "标题 2" -> 2; anything else -> 0.
int LevelFromStyleName(std::string name) {
    for (auto& c : name)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    std::string_view n = name;
    for (std::string_view prefix : {"heading", "\xE6\xA8\x99\xE9\xA1\x8C", "\xE6\xA0\x87\xE9\xA2\x98"}) {
        if (n.substr(0, prefix.size()) != prefix) continue;
        std::string_view rest = n.substr(prefix.size());
        while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
        if (rest.size() == 1 && rest[0] >= '1' && rest[0] <= '9') return rest[0] - '0';
    }
    return 0;
}

// An outline level attribute (0-based; 9 means body text) as a heading level, or -1 if absent.
int LevelFromOutline(const char* v) {
    if (!v || !*v || v[1] != 0 || v[0] < '0' || v[0] > '9') return -1;
    return v[0] == '9' ? 0 : v[0] - '0' + 1;
}

struct StyleInfo {
    int own = -1;  // from outline level or name; -1 = say nothing
    std::string based_on;
};

// word/styles.xml: each paragraph style's own level (from its name or outline level) and the
// style it is based on.
class StylesHandler : public internal::SaxHandler {
public:
    void Start(std::string_view n, const char** attrs) override {
        if (n == "style") {
            const char* type = Attr(attrs, "type");
            const char* id = Attr(attrs, "styleId");
            in_style_ = id && (!type || std::string_view(type) == "paragraph");
            if (in_style_) {
                id_ = id;
                cur_ = {};
            }
            return;
        }
        if (!in_style_) return;
        if (n == "name") {
            if (const char* v = Attr(attrs, "val"); v && cur_.own < 0) {
                int l = LevelFromStyleName(v);
                if (l > 0) cur_.own = l;
            }
        } else if (n == "outlineLvl") {
            int l = LevelFromOutline(Attr(attrs, "val"));
            if (l >= 0) cur_.own = l;
        } else if (n == "basedOn") {
            if (const char* v = Attr(attrs, "val")) cur_.based_on = v;
        }
    }
    void End(std::string_view n) override {
        if (n == "style" && in_style_) {
            styles[id_] = std::move(cur_);
            in_style_ = false;
        }
    }
    std::map<std::string, StyleInfo> styles;

private:
    bool in_style_ = false;
    std::string id_;
    StyleInfo cur_;
};

core::Result<std::map<std::string, int>> ReadStyles(internal::ZipReader& zip, const Limits& lim) {
    std::map<std::string, int> levels;
    if (!zip.Has("word/styles.xml")) return levels;
    StylesHandler h;
    if (core::Status s = internal::ParseXml(zip, "word/styles.xml", lim.max_entry_bytes, h); !s)
        return s.error();
    const auto& styles = h.styles;
    for (const auto& [id, info] : styles) {
        // Follow basedOn until a style says something; a cycle or a long chain ends at body text.
        const StyleInfo* cur = &info;
        int level = 0;
        for (int hops = 0; cur && hops < 32; ++hops) {
            if (cur->own >= 0) {
                level = cur->own;
                break;
            }
            auto it = styles.find(cur->based_on);
            cur = it == styles.end() ? nullptr : &it->second;
        }
        levels[id] = level;
    }
    return levels;
}

class DocumentHandler : public internal::SaxHandler {
public:
    DocumentHandler(const std::map<std::string, int>& levels, const Limits& lim)
        : levels_(levels), lim_(lim) {}

    void Start(std::string_view n, const char** attrs) override {
        if (skip_ > 0) {
            ++skip_;
            return;
        }
        // Deleted text (tracked changes), moved-away text and the fallback copy of alternate
        // content (text boxes appear twice otherwise) are not part of the document.
        if (n == "del" || n == "moveFrom" || n == "Fallback") {
            skip_ = 1;
            return;
        }
        if (n == "p") {
            if (out.size() + open_.size() >= lim_.max_paragraphs) {
                Fail(internal::TooLarge("docx: the document has more than " +
                                        std::to_string(lim_.max_paragraphs) +
                                        " paragraphs; that is the limit"));
                return;
            }
            open_.push_back({});
            return;
        }
        if (open_.empty()) return;
        Open& p = open_.back();
        if (n == "pPr") {
            ++p.ppr;
        } else if (p.ppr > 0 && p.run == 0) {
            if (n == "pStyle") {
                if (const char* v = Attr(attrs, "val")) p.para.style = v;
            } else if (n == "outlineLvl") {
                p.outline = LevelFromOutline(Attr(attrs, "val"));
            }
        } else if (n == "r") {
            ++p.run;
        } else if (p.run > 0) {
            if (n == "t") {
                p.in_t = true;
            } else if (n == "tab") {
                p.para.text += '\t';
            } else if (n == "br" || n == "cr") {
                p.para.text += '\n';
            }
        }
    }

    void End(std::string_view n) override {
        if (skip_ > 0) {
            --skip_;
            return;
        }
        if (open_.empty()) return;
        Open& p = open_.back();
        if (n == "p") {
            Paragraph para = std::move(p.para);
            if (p.outline >= 0) {
                para.heading_level = p.outline;
            } else if (auto it = levels_.find(para.style); it != levels_.end()) {
                para.heading_level = it->second;
            }
            open_.pop_back();
            out.push_back(std::move(para));
        } else if (n == "pPr") {
            if (p.ppr > 0) --p.ppr;
        } else if (n == "r") {
            if (p.run > 0) --p.run;
        } else if (n == "t") {
            p.in_t = false;
        }
    }

    void Text(std::string_view s) override {
        if (skip_ > 0 || open_.empty() || !open_.back().in_t) return;
        open_.back().para.text.append(s);
    }

    std::vector<Paragraph> out;

private:
    struct Open {
        Paragraph para;
        int outline = -1;
        int ppr = 0, run = 0;
        bool in_t = false;
    };
    const std::map<std::string, int>& levels_;
    const Limits& lim_;
    std::vector<Open> open_;  // a text box's paragraphs sit inside a paragraph's run
    int skip_ = 0;
};

}  // namespace

core::Result<std::vector<Paragraph>> ReadDocx(std::string_view bytes, const Limits& lim) {
    auto zip = internal::ZipReader::Open(bytes, lim, "docx");
    if (!zip) return zip.error();
    internal::ZipReader& z = **zip;
    if (!z.Has("word/document.xml"))
        return internal::Invalid("docx: the archive has no word/document.xml (not a Word document)");
    auto levels = ReadStyles(z, lim);
    if (!levels) return levels.error();
    DocumentHandler h(*levels, lim);
    core::Status s = internal::ParseXml(z, "word/document.xml", lim.max_entry_bytes, h);
    if (!s) return s.error();
    return std::move(h.out);
}

}  // namespace duban::office
