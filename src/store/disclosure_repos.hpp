#pragma once
/// Rows and queries of the public disclosure portal (政務公開): each release is a frozen copy of
/// what was published (canonical JSON) with its SHA-256, who published it and when, and, once
/// withdrawn, who withdrew it, when and why. Releases are never deleted.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "store/db.hpp"

namespace duban::store {

struct DisclosureRow {
    int64_t id = 0;
    std::string kind, title, period;
    std::string content;         // canonical JSON text
    std::string content_sha256;  // hex SHA-256 of content
    std::string published_at;
    std::optional<int64_t> published_by;
    std::string published_by_name;  // the account's display name (read only)
    std::optional<std::string> withdrawn_at, withdraw_reason;
    std::optional<int64_t> withdrawn_by;
    std::string withdrawn_by_name;  // read only
};

struct DisclosureFilter {
    bool public_only = false;  // not withdrawn
    std::string kind;          // "" = any
    int64_t page = 1, per_page = 50;
};

int64_t InsertDisclosure(Conn& c, const DisclosureRow& r);  // returns the id
std::optional<DisclosureRow> FindDisclosure(Conn& c, int64_t id, bool with_content);
/// Newest first, without their content; and the total that matches.
std::pair<std::vector<DisclosureRow>, int64_t> ListDisclosures(Conn& c, const DisclosureFilter& f);
/// The id of a release not withdrawn whose content has this SHA-256, if any.
std::optional<int64_t> FindPublicDisclosureBySha(Conn& c, const std::string& sha256);
void WithdrawDisclosure(Conn& c, int64_t id, const std::string& at, int64_t by, const std::string& reason);

}  // namespace duban::store
