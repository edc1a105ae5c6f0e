#include "store/disclosure_repos.hpp"

#include "store/row_util.hpp"

namespace duban::store {
namespace {

using rowutil::NextId;
using rowutil::Opt;
using rowutil::OptInt;
using rowutil::OptStr;

// Columns 0-11; the content (12) only when asked for.
constexpr const char* kCols =
    "d.id, d.kind, d.title, d.period, d.content_sha256, d.published_at, d.published_by, "
    "COALESCE(NULLIF(u.display_name, ''), u.username, ''), d.withdrawn_at, d.withdrawn_by, d.withdraw_reason, "
    "COALESCE(NULLIF(w.display_name, ''), w.username, '')";
constexpr const char* kFrom =
    " FROM disclosures d LEFT JOIN users u ON u.id = d.published_by LEFT JOIN users w ON w.id = d.withdrawn_by";

DisclosureRow FromRow(const Row& r, bool with_content) {
    DisclosureRow d;
    d.id = r.Int(0);
    d.kind = r.Str(1);
    d.title = r.Str(2);
    d.period = r.Str(3);
    d.content_sha256 = r.Str(4);
    d.published_at = r.Str(5);
    d.published_by = OptInt(r, 6);
    d.published_by_name = r.Str(7);
    d.withdrawn_at = OptStr(r, 8);
    d.withdrawn_by = OptInt(r, 9);
    d.withdraw_reason = OptStr(r, 10);
    d.withdrawn_by_name = r.Str(11);
    if (with_content) d.content = r.Str(12);
    return d;
}

}  // namespace

int64_t InsertDisclosure(Conn& c, const DisclosureRow& r) {
    const int64_t id = NextId(c, "disclosures");
    c.Exec("INSERT INTO disclosures (id, kind, title, period, content, content_sha256, published_at, published_by) "
           "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
           {id, r.kind, r.title, r.period, r.content, r.content_sha256, r.published_at, Opt(r.published_by)});
    return id;
}

std::optional<DisclosureRow> FindDisclosure(Conn& c, int64_t id, bool with_content) {
    auto rows = c.Query(std::string("SELECT ") + kCols + (with_content ? ", d.content" : "") + kFrom + " WHERE d.id = ?", {id});
    if (rows.empty()) return std::nullopt;
    return FromRow(rows[0], with_content);
}

std::pair<std::vector<DisclosureRow>, int64_t> ListDisclosures(Conn& c, const DisclosureFilter& f) {
    std::string where = " WHERE 1=1";
    std::vector<Value> p;
    if (f.public_only) where += " AND d.withdrawn_at IS NULL";
    if (!f.kind.empty()) {
        where += " AND d.kind = ?";
        p.emplace_back(f.kind);
    }
    const int64_t total = c.Query("SELECT COUNT(*) FROM disclosures d" + where, p)[0].Int(0);
    auto q = p;
    q.emplace_back(f.per_page);
    q.emplace_back((f.page - 1) * f.per_page);
    auto rows = c.Query(std::string("SELECT ") + kCols + kFrom + where + " ORDER BY d.id DESC LIMIT ? OFFSET ?", q);
    std::vector<DisclosureRow> out;
    out.reserve(rows.size());
    for (auto& r : rows) out.push_back(FromRow(r, false));
    return {std::move(out), total};
}

std::optional<int64_t> FindPublicDisclosureBySha(Conn& c, const std::string& sha256) {
    auto rows = c.Query("SELECT id FROM disclosures WHERE content_sha256 = ? AND withdrawn_at IS NULL ORDER BY id LIMIT 1", {sha256});
    if (rows.empty()) return std::nullopt;
    return rows[0].Int(0);
}

void WithdrawDisclosure(Conn& c, int64_t id, const std::string& at, int64_t by, const std::string& reason) {
    c.Exec("UPDATE disclosures SET withdrawn_at = ?, withdrawn_by = ?, withdraw_reason = ? WHERE id = ? AND withdrawn_at IS NULL",
           {at, by, reason, id});
}

}  // namespace duban::store
