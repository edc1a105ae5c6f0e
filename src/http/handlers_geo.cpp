// Grids and maps (geo::) and attachments (blobs::): thin handlers.
#include <charconv>
#include <cmath>
#include <memory>

#include "http/app.hpp"
#include "store/geo_repos.hpp"
#include "store/repos.hpp"

namespace duban::http {

core::Status App::RebuildGridIndex() {
    std::vector<geo::GridArea> grids;
    {
        auto c = db.Read();
        grids = geo::LoadGrids(*c);
    }
    return grid_index.Build(grids);
}

namespace {

Result<geo::Level> LevelQuery(const Request& req, bool required) {
    auto q = Query(req, "level");
    if (!q || q->empty()) {
        if (required) return Error::BadRequest("invalid_query", "level is required: street, community or grid", "level");
        return geo::Level::kGrid;
    }
    auto l = geo::ParseLevel(*q);
    if (!l) return Error::BadRequest("invalid_query", "level must be street, community or grid", "level");
    return *l;
}

Result<double> CoordQuery(const Request& req, const char* key, double lo, double hi) {
    auto q = Query(req, key);
    if (!q || q->empty()) return Error::BadRequest("invalid_query", std::string(key) + " is required", key);
    double v = 0;
    auto [p, ec] = std::from_chars(q->data(), q->data() + q->size(), v);
    if (ec != std::errc() || p != q->data() + q->size() || !std::isfinite(v) || v < lo || v > hi)
        return Error::BadRequest("invalid_query",
                                 std::string(key) + " must be a number in [" + Json(lo).dump() + ", " + Json(hi).dump() + "]",
                                 key);
    return v;
}

Json ErrorsJson(const std::vector<geo::FeatureError>& errs) {
    Json a = Json::array();
    for (auto& e : errs) a.push_back({{"index", e.index}, {"key", e.key}, {"message", e.message}});
    return a;
}

Response ImportInvalid(const std::vector<geo::FeatureError>& errs) {
    Json err = {{"code", "import_invalid"},
                {"message", std::to_string(errs.size()) + " error(s); nothing was imported: " + errs[0].Text()},
                {"field", errs[0].key},
                {"errors", ErrorsJson(errs)}};
    return JsonResponse(422, {{"error", err}});
}

asio::awaitable<Response> ImportH(Ctx& ctx) {
    auto level = LevelQuery(ctx.req, true);
    if (!level.ok()) co_return ErrorResponse(level.error());
    std::string ct = blobs::NormaliseMime(ctx.req.Header("content-type"));
    if (ct != "application/json" && ct != "application/geo+json")
        co_return ErrorResponse({core::ErrorKind::kUnsupportedMedia, "unsupported_media_type",
                                 "send GeoJSON as application/geo+json or application/json", "Content-Type"});
    // Parsing and the GEOS validity checks run on the CPU pool.
    auto parsed = std::make_shared<geo::ParseOutcome>();
    std::string body = ctx.req.body;
    auto op = RunCpu(ctx.app, [parsed, body = std::move(body)]() -> Result<Json> {
        if (!core::IsValidUtf8(body)) return Error::BadRequest("invalid_json", "the body is not UTF-8");
        Json doc = Json::parse(body, nullptr, false);
        if (doc.is_discarded()) return Error::BadRequest("invalid_json", "the body is not valid JSON");
        *parsed = geo::ParseFeatures(doc);
        return Json::object();
    });
    auto pr = co_await std::move(op);
    if (!pr.ok()) co_return ErrorResponse(pr.error());
    if (!parsed->errors.empty()) co_return ImportInvalid(parsed->errors);
    auto scope = ctx.principal->scope;
    {
        auto c = ctx.app.db.Read();
        auto errs = geo::MatchErrors(*c, scope, *level, parsed->features);
        if (!errs.empty()) co_return ImportInvalid(errs);
    }
    geo::Level lv = *level;
    auto cop = Commit(ctx.app, ctx.principal->ToActor(ctx.req.remote_ip), [parsed, scope, lv](store::WriteTx& tx) {
        return geo::ImportAreas(tx, scope, lv, parsed->features);
    });
    auto r = co_await std::move(cop);
    if (!r.ok()) co_return ErrorResponse(r.error());
    if (lv == geo::Level::kGrid) {
        if (auto st = ctx.app.RebuildGridIndex(); !st) co_return ErrorResponse(st.error());
    }
    co_return JsonResponse(201, *r);
}

asio::awaitable<Response> AreasH(Ctx& ctx) {
    auto level = LevelQuery(ctx.req, false);
    if (!level.ok()) co_return ErrorResponse(level.error());
    auto c = ctx.app.db.Read();
    Response r = JsonResponse(200, geo::AreasCollection(*c, ctx.principal->scope, *level));
    r.content_type = "application/geo+json; charset=utf-8";
    co_return r;
}

asio::awaitable<Response> LocateH(Ctx& ctx) {
    auto lon = CoordQuery(ctx.req, "lon", -180, 180);
    if (!lon.ok()) co_return ErrorResponse(lon.error());
    auto lat = CoordQuery(ctx.req, "lat", -90, 90);
    if (!lat.ok()) co_return ErrorResponse(lat.error());
    auto at = ctx.app.grid_index.Locate(*lon, *lat);
    // A grid outside the caller's scope is as good as none.
    if (at) {
        auto c = ctx.app.db.Read();
        if (!store::FindOrg(*c, at->grid_id, ctx.principal->scope)) at.reset();
    }
    if (!at) co_return ErrorResponse(Error::NotFoundMsg("no grid at this point"));
    co_return JsonResponse(200, {{"grid_id", at->grid_id}, {"community_id", at->community_id}, {"street_id", at->street_id}});
}

// ---------------------------------------------------------------- attachments
// A file named by more cases than this is checked against these only: its uploaders, its projects
// and the newest cases (a form letter attached to every reply is named by many). Each check is a
// read of one row by id.
constexpr int64_t kMaxAttachmentRefsChecked = 2000;

std::string PercentEncode(const std::string& s) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char ch : s) {
        if (std::isalnum(ch) || ch == '.' || ch == '-' || ch == '_') out += static_cast<char>(ch);
        else out += '%', out += hex[ch >> 4], out += hex[ch & 15];
    }
    return out;
}

std::string PercentDecode(const std::string& s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        auto hex = [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; };
        if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) && hex(s[i + 2])) {
            out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

asio::awaitable<Response> UploadH(Ctx& ctx) {
    const auto& store = ctx.app.blobs;
    if (ctx.req.body.size() > store.max_bytes())
        co_return ErrorResponse({core::ErrorKind::kTooLarge, "file_too_large",
                                 "the file has " + std::to_string(ctx.req.body.size()) + " bytes; at most " +
                                     std::to_string(store.max_bytes()),
                                 "body"});
    // Header values are Latin-1 on the wire: clients send a UTF-8 name percent-encoded.
    std::string raw_name = PercentDecode(ctx.req.Header("x-file-name"));
    std::string name = raw_name.empty() ? std::string() : blobs::SafeFileName(raw_name);
    std::string ct = ctx.req.Header("content-type");
    auto stored = std::make_shared<blobs::Stored>();
    std::string body = ctx.req.body;
    const blobs::BlobStore* bs = &store;
    // Hashing and the fsyncs run off the I/O threads.
    auto op = RunCpu(ctx.app, [bs, stored, body = std::move(body), ct]() -> Result<Json> {
        auto r = bs->Put(body, ct);
        if (!r.ok()) return r.error();
        *stored = *r;
        return Json::object();
    });
    auto pr = co_await std::move(op);
    if (!pr.ok()) co_return ErrorResponse(pr.error());
    blobs::Stored st = *stored;
    std::optional<int64_t> uid = ctx.principal->user_id;
    auto cop = Commit(ctx.app, ctx.principal->ToActor(ctx.req.remote_ip), [st, name, uid](store::WriteTx& tx) -> Result<Json> {
        store::AttachmentRow row{st.sha256, st.mime, static_cast<int64_t>(st.size), name, tx.now(), uid};
        bool fresh = store::InsertAttachmentIfAbsent(tx.conn(), row);
        // The uploader may read it back (a preview before the case is sent), under its own name.
        if (uid) store::AddAttachmentRef(tx.conn(), st.sha256, "upload", *uid, name);
        // Not the file's name: the auditor reads every event, and a name may be a citizen's (张三身份证.jpg).
        tx.Emit("attachment.upload", "attachment", std::nullopt,
                {{"sha256", st.sha256}, {"mime", st.mime}, {"size", st.size}, {"new", fresh}});
        return Json{{"sha256", st.sha256}, {"mime", st.mime}, {"size", st.size}};
    });
    auto r = co_await std::move(cop);
    if (!r.ok()) co_return ErrorResponse(r.error());
    co_return JsonResponse(201, *r);
}

/// The name an account downloads a file under, or nothing when it may not read the file: an
/// account that uploaded it reads it under its own name; one that sees a case or project naming it
/// (case.read or project.read, within its scope) under the first uploader's name.
std::optional<std::string> ReadersName(Ctx& ctx, store::Conn& c, const store::AttachmentRow& row) {
    const org::Principal& p = *ctx.principal;
    auto refs = store::ListAttachmentRefs(c, row.sha256, kMaxAttachmentRefsChecked);
    std::optional<cases::Viewer> case_viewer;
    for (const auto& ref : refs) {
        if (ref.kind == "upload") {
            if (p.user_id != 0 && p.user_id == ref.ref_id) return ref.name;
        } else if (ref.kind == "case") {
            if (!p.Has(org::Perm::kCaseRead)) continue;
            if (!case_viewer) case_viewer = CaseViewer(ctx.app, p);
            if (SeesCase(c, *case_viewer, p, ref.ref_id)) return row.name;
        } else if (ref.kind == "project") {
            if (SeesProject(c, p, ref.ref_id)) return row.name;
        }
    }
    return std::nullopt;
}

asio::awaitable<Response> DownloadH(Ctx& ctx) {
    std::string sha = ctx.req.path.substr(ctx.req.path.rfind('/') + 1);
    if (!blobs::IsSha256Hex(sha)) co_return ErrorResponse(Error::NotFoundMsg("attachment not found"));
    std::optional<store::AttachmentRow> row;
    {
        auto c = ctx.app.db.Read();
        row = store::FindAttachment(*c, sha);
        // Out of the account's reach is the same 404 as never stored: a hash says nothing.
        if (row) {
            auto name = ReadersName(ctx, *c, *row);
            if (name) row->name = *name;
            else row.reset();
        }
    }
    if (!row) co_return ErrorResponse(Error::NotFoundMsg("attachment not found"));
    // The bytes never change under their hash, but every view passes the server's checks: the
    // browser keeps a copy and asks again each time ("no-cache"), and gets a 304 without the bytes.
    // A person who logged out, or a shared terminal's next user, is not shown it from the cache.
    const std::string etag = "\"" + sha + "\"";
    if (ctx.req.Header("if-none-match") == etag) {
        Response nm;
        nm.status = 304;
        nm.headers.emplace_back("ETag", etag);
        nm.headers.emplace_back("Cache-Control", "private, no-cache");
        co_return nm;
    }
    auto bytes = ctx.app.blobs.Get(sha);
    if (!bytes.ok()) co_return ErrorResponse(bytes.error());
    // The type is checked again from the bytes, never taken from the request that stored them.
    auto mime = blobs::SniffMime(*bytes);
    if (!mime || *mime != row->mime || core::Sha256Hex(*bytes) != sha)
        co_return ErrorResponse(Error::Internal("the stored attachment does not match its record"));
    Response r;
    r.status = 200;
    r.body = std::move(*bytes);
    r.content_type = *mime;
    std::string name = row->name.empty() ? sha.substr(0, 12) : blobs::SafeFileName(row->name);
    std::string ascii;
    for (unsigned char ch : name) {
        if (ch < 0x80) ascii += static_cast<char>(ch);
        else if ((ch & 0xC0) != 0x80) ascii += '_';  // one '_' per non-ASCII character
    }
    r.headers.emplace_back("Content-Disposition",
                           std::string(*mime == "application/pdf" ? "attachment" : "inline") + "; filename=\"" + ascii +
                               "\"; filename*=UTF-8''" + PercentEncode(name));
    r.headers.emplace_back("ETag", etag);
    r.headers.emplace_back("Cache-Control", "private, no-cache");
    co_return r;
}

}  // namespace

void AddGeoRoutes(std::vector<Route>& r) {
    using org::Perm;
    r.push_back({"POST", "/api/v1/geo/import", ImportH, Access::kPermission, Perm::kOrgWrite,
                 "Import polygons of streets, communities or grids (?level=street|community|grid): a GeoJSON "
                 "FeatureCollection or array of Features with properties.code naming the org unit; all or nothing, "
                 "errors by feature index and key",
                 "geo", "", "GeoJson", false, true});
    r.push_back({"GET", "/api/v1/geo/areas", AreasH, Access::kPermission, Perm::kOrgRead,
                 "Areas of a level in your scope (?level=street|community|grid, default grid) as a GeoJSON "
                 "FeatureCollection; properties unit_id, code, name, level, parent_id, generated",
                 "geo"});
    r.push_back({"GET", "/api/v1/geo/locate", LocateH, Access::kPermission, Perm::kOrgRead,
                 "The grid, community and street at a point (?lon=&lat=); 404 when no grid in your scope holds it",
                 "geo"});
    r.push_back({"POST", "/api/v1/attachments", UploadH, Access::kPermission, Perm::kAttachmentWrite,
                 "Upload a JPEG, PNG or PDF (raw body; Content-Type must match the content; optional X-File-Name); "
                 "201 {sha256, mime, size}; 413 over the size limit, 415 other types",
                 "attachments", "", "Binary", false, true});
    r.push_back({"GET", "/api/v1/attachments/{sha256}", DownloadH, Access::kPermission, Perm::kAttachmentRead,
                 "An attachment's bytes with its checked type, to an account that uploaded it (under its own file "
                 "name) or that sees a case or project naming it; 404 otherwise, as for a hash never stored",
                 "attachments"});
}

}  // namespace duban::http
