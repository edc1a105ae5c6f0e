#include "store/geo_repos.hpp"

#include "store/row_util.hpp"

namespace duban::store {

void UpsertGeoArea(Conn& c, const GeoAreaRow& a) {
    c.Exec("DELETE FROM geo_areas WHERE unit_id = ?", {a.unit_id});
    c.Exec("INSERT INTO geo_areas (unit_id, level, geojson, min_lon, min_lat, max_lon, max_lat, generated) "
           "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
           {a.unit_id, a.level, a.geojson, a.min_lon, a.min_lat, a.max_lon, a.max_lat,
            static_cast<int64_t>(a.generated ? 1 : 0)});
}

std::vector<GeoAreaView> ListGeoAreas(Conn& c, const std::string& level) {
    auto rows = c.Query(
        "SELECT g.unit_id, g.level, g.geojson, g.min_lon, g.min_lat, g.max_lon, g.max_lat, g.generated, "
        "u.code, u.name, u.path, u.parent_id, p.parent_id "
        "FROM geo_areas g JOIN org_units u ON u.id = g.unit_id LEFT JOIN org_units p ON p.id = u.parent_id "
        "WHERE g.level = ? AND u.active = 1 ORDER BY g.unit_id",
        {level});
    std::vector<GeoAreaView> out;
    out.reserve(rows.size());
    for (const auto& r : rows) {
        GeoAreaView v;
        v.area.unit_id = r.Int(0);
        v.area.level = r.Str(1);
        v.area.geojson = r.Str(2);
        v.area.min_lon = r.Real(3);
        v.area.min_lat = r.Real(4);
        v.area.max_lon = r.Real(5);
        v.area.max_lat = r.Real(6);
        v.area.generated = r.Int(7) != 0;
        v.code = r.Str(8);
        v.name = r.Str(9);
        v.path = r.Str(10);
        v.parent_id = rowutil::OptInt(r, 11);
        v.grandparent_id = rowutil::OptInt(r, 12);
        out.push_back(std::move(v));
    }
    return out;
}

bool InsertAttachmentIfAbsent(Conn& c, const AttachmentRow& a) {
    if (!c.Query("SELECT 1 FROM attachments WHERE sha256 = ?", {a.sha256}).empty()) return false;
    c.Exec("INSERT INTO attachments (sha256, mime, size, name, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)",
           {a.sha256, a.mime, a.size, a.name, a.created_at, rowutil::Opt(a.created_by)});
    return true;
}

std::optional<AttachmentRow> FindAttachment(Conn& c, std::string_view sha256) {
    auto rows = c.Query("SELECT sha256, mime, size, name, created_at, created_by FROM attachments WHERE sha256 = ?",
                        {std::string(sha256)});
    if (rows.empty()) return std::nullopt;
    const auto& r = rows[0];
    return AttachmentRow{r.Str(0), r.Str(1), r.Int(2), r.Str(3), r.Str(4), rowutil::OptInt(r, 5)};
}


void AddAttachmentRef(Conn& c, std::string_view sha256, std::string_view kind, int64_t ref_id, std::string_view name) {
    c.Exec("INSERT INTO attachment_refs (sha256, kind, ref_id, name) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
           {std::string(sha256), std::string(kind), ref_id, std::string(name)});
}

std::vector<AttachmentRef> ListAttachmentRefs(Conn& c, std::string_view sha256, int64_t limit) {
    std::vector<AttachmentRef> out;
    for (const Row& r : c.Query("SELECT kind, ref_id, name FROM attachment_refs WHERE sha256 = ? ORDER BY "
                                "CASE kind WHEN 'upload' THEN 0 WHEN 'project' THEN 1 ELSE 2 END, ref_id DESC LIMIT ?",
                                {std::string(sha256), limit}))
        out.push_back({r.Str(0), r.Int(1), r.Str(2)});
    return out;
}

bool MayAttach(Conn& c, std::string_view sha256, std::optional<int64_t> user_id, std::string_view kind,
               std::optional<int64_t> ref_id) {
    if (user_id && !c.Query("SELECT 1 FROM attachment_refs WHERE sha256 = ? AND kind = 'upload' AND ref_id = ?",
                            {std::string(sha256), *user_id}).empty())
        return true;
    return ref_id && !c.Query("SELECT 1 FROM attachment_refs WHERE sha256 = ? AND kind = ? AND ref_id = ?",
                              {std::string(sha256), std::string(kind), *ref_id}).empty();
}

}  // namespace duban::store
