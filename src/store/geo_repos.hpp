#pragma once
/// Rows and queries for migration 7: polygons of org units (geo_areas) and attachments' metadata
/// (the bytes live in a blobs::BlobStore, addressed by the same SHA-256).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/core.hpp"
#include "store/db.hpp"

namespace duban::store {

struct GeoAreaRow {
    int64_t unit_id = 0;
    std::string level;    // street, community, grid
    std::string geojson;  // the geometry (Polygon or MultiPolygon), canonical JSON text
    double min_lon = 0, min_lat = 0, max_lon = 0, max_lat = 0;
    bool generated = false;
};
/// Inserts or replaces the polygon of a unit.
void UpsertGeoArea(Conn& c, const GeoAreaRow& a);

/// An area with what the map shows of its org unit.
struct GeoAreaView {
    GeoAreaRow area;
    std::string code, name, path;
    std::optional<int64_t> parent_id, grandparent_id;
};
/// Every stored area of a level whose unit is active, by unit id.
std::vector<GeoAreaView> ListGeoAreas(Conn& c, const std::string& level);

struct AttachmentRow {
    std::string sha256, mime;
    int64_t size = 0;
    std::string name;  // the uploader's file name (metadata only; never a path)
    std::string created_at;
    std::optional<int64_t> created_by;
};
/// Inserts the row unless the hash is there already; true when inserted.
bool InsertAttachmentIfAbsent(Conn& c, const AttachmentRow& a);
std::optional<AttachmentRow> FindAttachment(Conn& c, std::string_view sha256);

/// Who may read an attachment (migration 16): each account that uploaded it, with the file name
/// it gave, and each case and project that names it. Added, never removed: a file once shown on a
/// case stays readable to those who see the case.
struct AttachmentRef {
    std::string kind;  // upload (ref_id: the user), case, project
    int64_t ref_id = 0;
    std::string name;  // upload: that uploader's file name
};
void AddAttachmentRef(Conn& c, std::string_view sha256, std::string_view kind, int64_t ref_id,
                      std::string_view name = {});
/// The refs of a hash: uploads first, then projects, then cases, the newest first; at most limit.
std::vector<AttachmentRef> ListAttachmentRefs(Conn& c, std::string_view sha256, int64_t limit);
/// Whether a write may name the file: user_id uploaded it, or it is on that case or project already
/// (kind "case" or "project", ref_id its id). Knowing a hash is not enough to attach it, or
/// anyone could attach a file they learned the hash of to a case of theirs and then read it.
bool MayAttach(Conn& c, std::string_view sha256, std::optional<int64_t> user_id, std::string_view kind,
               std::optional<int64_t> ref_id);

}  // namespace duban::store
