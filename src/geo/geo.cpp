// GeoJSON validation and import, the grid index and the demo's generated areas, over the GEOS
// C API (reentrant _r functions: each thread uses its own context handle).
#include "geo/geo.hpp"

#include <geos_c.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>

#include "store/geo_repos.hpp"
#include "store/repos.hpp"

namespace duban::geo {

std::string_view ShippedDistrictJson();  // generated from data/geo/ by CMake

namespace {

// ---------------------------------------------------------------- GEOS plumbing
struct Context {
    GEOSContextHandle_t h;
    std::string error;
    Context() : h(GEOS_init_r()) {
        GEOSContext_setErrorMessageHandler_r(h, &Context::OnError, this);
        GEOSContext_setNoticeMessageHandler_r(h, &Context::OnNotice, this);
    }
    ~Context() { GEOS_finish_r(h); }
    Context(const Context&) = delete;
    Context& operator=(const Context&) = delete;
    static void OnError(const char* msg, void* self) { static_cast<Context*>(self)->error = msg ? msg : ""; }
    static void OnNotice(const char*, void*) {}
};

Context& ThreadContext() {
    thread_local Context ctx;
    return ctx;
}

struct GeomDel {
    GEOSContextHandle_t h;
    void operator()(GEOSGeometry* g) const {
        if (g) GEOSGeom_destroy_r(h, g);
    }
};
using GeomPtr = std::unique_ptr<GEOSGeometry, GeomDel>;
GeomPtr Own(GEOSContextHandle_t h, GEOSGeometry* g) { return GeomPtr(g, GeomDel{h}); }

// Builds a ring from positions already checked (or stored after a check). nullptr on failure.
GEOSGeometry* RingFromJson(GEOSContextHandle_t h, const Json& ring) {
    if (!ring.is_array() || ring.size() < 4) return nullptr;
    GEOSCoordSequence* seq = GEOSCoordSeq_create_r(h, static_cast<unsigned>(ring.size()), 2);
    if (!seq) return nullptr;
    for (size_t i = 0; i < ring.size(); ++i) {
        const Json& p = ring[i];
        if (!p.is_array() || p.size() < 2 || !p[0].is_number() || !p[1].is_number()) {
            GEOSCoordSeq_destroy_r(h, seq);
            return nullptr;
        }
        GEOSCoordSeq_setXY_r(h, seq, static_cast<unsigned>(i), p[0].get<double>(), p[1].get<double>());
    }
    return GEOSGeom_createLinearRing_r(h, seq);  // takes seq; nullptr when not closed
}

GEOSGeometry* PolygonFromJson(GEOSContextHandle_t h, const Json& rings) {
    if (!rings.is_array() || rings.empty()) return nullptr;
    GEOSGeometry* shell = RingFromJson(h, rings[0]);
    if (!shell) return nullptr;
    std::vector<GEOSGeometry*> holes;
    for (size_t i = 1; i < rings.size(); ++i) {
        GEOSGeometry* hole = RingFromJson(h, rings[i]);
        if (!hole) {
            GEOSGeom_destroy_r(h, shell);
            for (auto* x : holes) GEOSGeom_destroy_r(h, x);
            return nullptr;
        }
        holes.push_back(hole);
    }
    return GEOSGeom_createPolygon_r(h, shell, holes.data(), static_cast<unsigned>(holes.size()));
}

// A Polygon or MultiPolygon from GeoJSON; null when malformed.
GeomPtr FromJson(GEOSContextHandle_t h, const Json& g) {
    if (!g.is_object() || !g.contains("type") || !g.contains("coordinates")) return Own(h, nullptr);
    const Json& c = g["coordinates"];
    if (g["type"] == "Polygon") return Own(h, PolygonFromJson(h, c));
    if (g["type"] != "MultiPolygon" || !c.is_array() || c.empty()) return Own(h, nullptr);
    std::vector<GEOSGeometry*> polys;
    for (const auto& p : c) {
        GEOSGeometry* poly = PolygonFromJson(h, p);
        if (!poly) {
            for (auto* x : polys) GEOSGeom_destroy_r(h, x);
            return Own(h, nullptr);
        }
        polys.push_back(poly);
    }
    return Own(h, GEOSGeom_createCollection_r(h, GEOS_MULTIPOLYGON, polys.data(), static_cast<unsigned>(polys.size())));
}

Json RingToJson(GEOSContextHandle_t h, const GEOSGeometry* ring) {
    Json out = Json::array();
    const GEOSCoordSequence* seq = GEOSGeom_getCoordSeq_r(h, ring);
    unsigned n = 0;
    GEOSCoordSeq_getSize_r(h, seq, &n);
    for (unsigned i = 0; i < n; ++i) {
        double x = 0, y = 0;
        GEOSCoordSeq_getXY_r(h, seq, i, &x, &y);
        out.push_back(Json::array({x, y}));
    }
    return out;
}

Json PolygonRings(GEOSContextHandle_t h, const GEOSGeometry* poly) {
    Json rings = Json::array();
    rings.push_back(RingToJson(h, GEOSGetExteriorRing_r(h, poly)));
    int n = GEOSGetNumInteriorRings_r(h, poly);
    for (int i = 0; i < n; ++i) rings.push_back(RingToJson(h, GEOSGetInteriorRingN_r(h, poly, i)));
    return rings;
}

void CollectPolygons(GEOSContextHandle_t h, const GEOSGeometry* g, Json* polys) {
    int type = GEOSGeomTypeId_r(h, g);
    if (type == GEOS_POLYGON) {
        if (!GEOSisEmpty_r(h, g)) {
            double a = 0;
            GEOSArea_r(h, g, &a);
            if (a > 0) polys->push_back(PolygonRings(h, g));
        }
    } else if (type == GEOS_MULTIPOLYGON || type == GEOS_GEOMETRYCOLLECTION) {
        int n = GEOSGetNumGeometries_r(h, g);
        for (int i = 0; i < n; ++i) CollectPolygons(h, GEOSGetGeometryN_r(h, g, i), polys);
    }
}

// The polygonal part of a geometry as a Polygon or MultiPolygon; null JSON when it has none.
Json ToJson(GEOSContextHandle_t h, const GEOSGeometry* g) {
    Json polys = Json::array();
    CollectPolygons(h, g, &polys);
    if (polys.empty()) return Json();
    if (polys.size() == 1) return Json{{"type", "Polygon"}, {"coordinates", polys[0]}};
    return Json{{"type", "MultiPolygon"}, {"coordinates", polys}};
}

// ---------------------------------------------------------------- validation
struct Checker {
    ParseOutcome* out;
    size_t positions = 0;
    static constexpr size_t kMaxErrors = 200;

    void Add(int index, std::string key, std::string message) {
        if (out->errors.size() < kMaxErrors) out->errors.push_back({index, std::move(key), std::move(message)});
    }

    // One ring: array of >= 4 numeric positions in range, closed.
    bool Ring(int idx, const Json& ring, const std::string& key, ParsedFeature* f, bool* first_pos) {
        if (!ring.is_array()) {
            Add(idx, key, "a ring must be an array of positions");
            return false;
        }
        if (ring.size() < 4) {
            Add(idx, key, "a ring needs at least 4 positions, it has " + std::to_string(ring.size()));
            return false;
        }
        positions += ring.size();
        if (positions > kMaxPositions) {
            Add(idx, key, "more than " + std::to_string(kMaxPositions) + " positions in the import");
            return false;
        }
        bool ok = true;
        for (size_t k = 0; k < ring.size(); ++k) {
            const Json& p = ring[k];
            std::string pk = key + "[" + std::to_string(k) + "]";
            if (!p.is_array() || p.size() < 2 || p.size() > 3) {
                Add(idx, pk, "a position is [lon, lat]");
                ok = false;
                continue;
            }
            if (!p[0].is_number() || !p[1].is_number() || (p.size() == 3 && !p[2].is_number())) {
                Add(idx, pk, "lon and lat must be numbers");
                ok = false;
                continue;
            }
            double lon = p[0].get<double>(), lat = p[1].get<double>();
            if (!std::isfinite(lon) || lon < -180 || lon > 180) {
                Add(idx, pk, "longitude " + core::Json(lon).dump() + " is out of range [-180, 180]");
                ok = false;
                continue;
            }
            if (!std::isfinite(lat) || lat < -90 || lat > 90) {
                Add(idx, pk, "latitude " + core::Json(lat).dump() + " is out of range [-90, 90]");
                ok = false;
                continue;
            }
            if (*first_pos) {
                f->min_lon = f->max_lon = lon;
                f->min_lat = f->max_lat = lat;
                *first_pos = false;
            } else {
                f->min_lon = std::min(f->min_lon, lon), f->max_lon = std::max(f->max_lon, lon);
                f->min_lat = std::min(f->min_lat, lat), f->max_lat = std::max(f->max_lat, lat);
            }
        }
        if (!ok) return false;
        const Json &a = ring.front(), &b = ring.back();
        if (a[0].get<double>() != b[0].get<double>() || a[1].get<double>() != b[1].get<double>()) {
            Add(idx, key, "ring not closed: the last position must repeat the first");
            return false;
        }
        return true;
    }

    bool Polygon(int idx, const Json& rings, const std::string& key, ParsedFeature* f, bool* first_pos) {
        if (!rings.is_array() || rings.empty()) {
            Add(idx, key, "a polygon is a non-empty array of rings");
            return false;
        }
        bool ok = true;
        for (size_t r = 0; r < rings.size(); ++r)
            ok = Ring(idx, rings[r], key + "[" + std::to_string(r) + "]", f, first_pos) && ok;
        return ok;
    }

    void Feature(int idx, const Json& feat) {
        std::string fk = "features[" + std::to_string(idx) + "]";
        if (!feat.is_object()) {
            Add(idx, fk, "a feature must be an object");
            return;
        }
        if (!feat.contains("type") || feat["type"] != "Feature") {
            Add(idx, fk + ".type", "type must be \"Feature\"");
            return;
        }
        ParsedFeature f;
        f.index = idx;
        bool ok = true;
        auto props = feat.find("properties");
        if (props == feat.end() || !props->is_object()) {
            Add(idx, fk + ".properties", "properties must be an object with a code");
            ok = false;
        } else {
            auto code = props->find("code");
            if (code == props->end() || code->is_null() || (code->is_string() && core::Trim(code->get<std::string>()).empty())) {
                Add(idx, fk + ".properties.code", "code is required (the org unit's code)");
                ok = false;
            } else if (!code->is_string()) {
                Add(idx, fk + ".properties.code", "code must be a string");
                ok = false;
            } else if (code->get<std::string>().size() > 64 || core::HasControlChars(code->get<std::string>())) {
                Add(idx, fk + ".properties.code", "code must be at most 64 characters without control characters");
                ok = false;
            } else {
                f.code = core::Trim(code->get<std::string>());
            }
            auto name = props->find("name");
            if (name != props->end() && !name->is_null()) {
                if (!name->is_string() || !core::IsValidUtf8(name->get<std::string>())) {
                    Add(idx, fk + ".properties.name", "name must be a string");
                    ok = false;
                } else {
                    f.name = name->get<std::string>();
                }
            }
        }
        auto geom = feat.find("geometry");
        std::string gk = fk + ".geometry";
        if (geom == feat.end() || !geom->is_object()) {
            Add(idx, gk, "geometry must be a Polygon or MultiPolygon object");
            return;
        }
        auto type = geom->find("type");
        auto coords = geom->find("coordinates");
        if (type == geom->end() || (*type != "Polygon" && *type != "MultiPolygon")) {
            Add(idx, gk + ".type", "geometry type must be Polygon or MultiPolygon");
            return;
        }
        if (coords == geom->end()) {
            Add(idx, gk + ".coordinates", "coordinates are required");
            return;
        }
        bool first_pos = true;
        std::string ck = gk + ".coordinates";
        bool geom_ok = true;
        if (*type == "Polygon") {
            geom_ok = Polygon(idx, *coords, ck, &f, &first_pos);
        } else if (!coords->is_array() || coords->empty()) {
            Add(idx, ck, "a MultiPolygon is a non-empty array of polygons");
            geom_ok = false;
        } else {
            for (size_t p = 0; p < coords->size(); ++p)
                geom_ok = Polygon(idx, (*coords)[p], ck + "[" + std::to_string(p) + "]", &f, &first_pos) && geom_ok;
        }
        if (!geom_ok) return;
        // The rings are well formed: now GEOS says whether the polygon is valid, and why not.
        Context& ctx = ThreadContext();
        GeomPtr g = FromJson(ctx.h, *geom);
        if (!g) {
            Add(idx, gk, "not a valid polygon: " + (ctx.error.empty() ? std::string("unreadable") : ctx.error));
            return;
        }
        char* reason = nullptr;
        GEOSGeometry* where = nullptr;
        char valid = GEOSisValidDetail_r(ctx.h, g.get(), 0, &reason, &where);
        if (valid != 1) {
            std::string msg = reason ? reason : (ctx.error.empty() ? "invalid geometry" : ctx.error);
            if (where) {
                double x = 0, y = 0;
                if (GEOSGeomGetX_r(ctx.h, where, &x) == 1 && GEOSGeomGetY_r(ctx.h, where, &y) == 1)
                    msg += " at [" + Json(x).dump() + ", " + Json(y).dump() + "]";
            }
            for (auto& ch : msg) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
            Add(idx, gk, msg);
            ok = false;
        }
        if (reason) GEOSFree_r(ctx.h, reason);
        if (where) GEOSGeom_destroy_r(ctx.h, where);
        if (!ok) return;
        f.geometry = Json{{"type", *type}, {"coordinates", *coords}};
        out->features.push_back(std::move(f));
    }
};

std::string UnitKind(Level l) { return LevelName(l); }

}  // namespace

std::optional<Level> ParseLevel(std::string_view s) {
    if (s == "street") return Level::kStreet;
    if (s == "community") return Level::kCommunity;
    if (s == "grid") return Level::kGrid;
    return std::nullopt;
}

const char* LevelName(Level l) {
    switch (l) {
        case Level::kStreet: return "street";
        case Level::kCommunity: return "community";
        case Level::kGrid: return "grid";
    }
    return "grid";
}

ParseOutcome ParseFeatures(const Json& doc) {
    ParseOutcome out;
    Checker ck{&out};
    const Json* features = nullptr;
    if (doc.is_array()) {
        features = &doc;
    } else if (doc.is_object() && doc.contains("type") && doc["type"] == "FeatureCollection") {
        auto it = doc.find("features");
        if (it == doc.end() || !it->is_array()) {
            ck.Add(-1, "features", "a FeatureCollection needs a features array");
            return out;
        }
        features = &*it;
    } else {
        ck.Add(-1, "type", "expected a FeatureCollection or an array of Features");
        return out;
    }
    if (features->empty()) {
        ck.Add(-1, "features", "no features");
        return out;
    }
    if (features->size() > kMaxFeatures) {
        ck.Add(-1, "features", "at most " + std::to_string(kMaxFeatures) + " features per import");
        return out;
    }
    for (size_t i = 0; i < features->size(); ++i) ck.Feature(static_cast<int>(i), (*features)[i]);
    std::map<std::string, int> seen;
    for (const auto& f : out.features) {
        auto [it, fresh] = seen.emplace(f.code, f.index);
        if (!fresh)
            ck.Add(f.index, "features[" + std::to_string(f.index) + "].properties.code",
                   "code " + f.code + " appears twice (also features[" + std::to_string(it->second) + "])");
    }
    std::sort(out.errors.begin(), out.errors.end(),
              [](const FeatureError& a, const FeatureError& b) { return a.index < b.index; });
    return out;
}

std::vector<FeatureError> MatchErrors(store::Conn& c, const core::Scope& scope, Level level,
                                      const std::vector<ParsedFeature>& features) {
    std::vector<FeatureError> errs;
    for (const auto& f : features) {
        std::string key = "features[" + std::to_string(f.index) + "].properties.code";
        auto u = store::FindOrgByCode(c, f.code);
        if (!u || !u->active || !scope.Contains(u->path)) {
            errs.push_back({f.index, key, "no org unit with code " + f.code});
        } else if (u->kind != UnitKind(level)) {
            errs.push_back({f.index, key, "org unit " + f.code + " (" + u->name + ") is a " + u->kind + ", not a " +
                                              UnitKind(level)});
        }
    }
    return errs;
}

Result<Json> ImportAreas(store::WriteTx& tx, const core::Scope& scope, Level level,
                         const std::vector<ParsedFeature>& features, bool generated) {
    auto& c = tx.conn();
    if (features.empty()) return Error::Validation("features", "no features");
    auto errs = MatchErrors(c, scope, level, features);
    if (!errs.empty())
        return Error{core::ErrorKind::kValidation, "import_invalid",
                     std::to_string(errs.size()) + " error(s); nothing was imported: " + errs[0].Text(), errs[0].key};
    Json ids = Json::array();
    for (const auto& f : features) {
        auto u = store::FindOrgByCode(c, f.code);
        store::GeoAreaRow row;
        row.unit_id = u->id;
        row.level = LevelName(level);
        row.geojson = core::CanonicalJson(f.geometry);
        row.min_lon = f.min_lon, row.min_lat = f.min_lat, row.max_lon = f.max_lon, row.max_lat = f.max_lat;
        row.generated = generated;
        store::UpsertGeoArea(c, row);
        ids.push_back(u->id);
    }
    tx.Emit("geo.import", "geo_area", std::nullopt,
            {{"level", LevelName(level)}, {"count", features.size()}, {"unit_ids", ids}, {"generated", generated}});
    return Json{{"imported", features.size()}, {"level", LevelName(level)}, {"unit_ids", ids}};
}

Json AreasCollection(store::Conn& c, const core::Scope& scope, Level level) {
    Json feats = Json::array();
    for (auto& v : store::ListGeoAreas(c, LevelName(level))) {
        if (!scope.Contains(v.path)) continue;
        Json geom = Json::parse(v.area.geojson, nullptr, false);
        if (geom.is_discarded()) continue;
        feats.push_back({{"type", "Feature"},
                         {"id", v.area.unit_id},
                         {"properties",
                          {{"unit_id", v.area.unit_id},
                           {"code", v.code},
                           {"name", v.name},
                           {"level", v.area.level},
                           {"parent_id", v.parent_id ? Json(*v.parent_id) : Json(nullptr)},
                           {"generated", v.area.generated}}},
                         {"bbox", Json::array({v.area.min_lon, v.area.min_lat, v.area.max_lon, v.area.max_lat})},
                         {"geometry", std::move(geom)}});
    }
    return Json{{"type", "FeatureCollection"}, {"features", std::move(feats)}};
}

std::vector<GridArea> LoadGrids(store::Conn& c) {
    std::vector<GridArea> out;
    for (auto& v : store::ListGeoAreas(c, "grid")) {
        Json geom = Json::parse(v.area.geojson, nullptr, false);
        if (geom.is_discarded()) continue;
        out.push_back({{v.area.unit_id, v.parent_id.value_or(0), v.grandparent_id.value_or(0)}, std::move(geom)});
    }
    return out;
}

// ---------------------------------------------------------------- GridIndex
struct GridIndex::Impl {
    struct Entry {
        Located ids;
        GEOSGeometry* geom = nullptr;
        const GEOSPreparedGeometry* prepared = nullptr;
    };
    GEOSContextHandle_t h = GEOS_init_r();
    std::vector<Entry> entries;
    GEOSSTRtree* tree = nullptr;
    ~Impl() {
        if (tree) GEOSSTRtree_destroy_r(h, tree);
        for (auto& e : entries) {
            if (e.prepared) GEOSPreparedGeom_destroy_r(h, e.prepared);
            if (e.geom) GEOSGeom_destroy_r(h, e.geom);
        }
        GEOS_finish_r(h);
    }
};

GridIndex::GridIndex() = default;
GridIndex::~GridIndex() = default;

namespace {
struct Query {
    const GridIndex::Impl* impl;
    GEOSContextHandle_t h;
    const GEOSGeometry* point;
    std::optional<size_t> best;
};
void Visit(void* item, void* userdata) {
    auto* q = static_cast<Query*>(userdata);
    auto i = static_cast<size_t>(reinterpret_cast<uintptr_t>(item));
    const auto& e = q->impl->entries[i];
    if (q->best && q->impl->entries[*q->best].ids.grid_id < e.ids.grid_id) return;
    if (GEOSPreparedIntersects_r(q->h, e.prepared, q->point) == 1) q->best = i;
}
void NoVisit(void*, void*) {}
}  // namespace

core::Status GridIndex::Build(const std::vector<GridArea>& grids) {
    auto impl = std::make_shared<Impl>();
    GEOSContextHandle_t h = impl->h;
    impl->entries.reserve(grids.size());
    for (const auto& g : grids) {
        GEOSGeometry* geom = FromJson(h, g.geometry).release();
        if (!geom || GEOSisValid_r(h, geom) != 1) {
            if (geom) GEOSGeom_destroy_r(h, geom);
            return Error::Validation("geometry", "grid " + std::to_string(g.ids.grid_id) + " has an invalid polygon");
        }
        impl->entries.push_back({g.ids, geom, nullptr});
        impl->entries.back().prepared = GEOSPrepare_r(h, geom);
    }
    impl->tree = GEOSSTRtree_create_r(h, 10);
    for (size_t i = 0; i < impl->entries.size(); ++i)
        GEOSSTRtree_insert_r(h, impl->tree, impl->entries[i].geom, reinterpret_cast<void*>(static_cast<uintptr_t>(i)));
    // GEOS builds the tree and each prepared polygon's point locator lazily, on the first query.
    // Do it now, on this thread, so concurrent readers only ever read.
    for (auto& e : impl->entries) {
        GEOSGeometry* p = GEOSPointOnSurface_r(h, e.geom);
        if (p) {
            GEOSPreparedIntersects_r(h, e.prepared, p);
            GEOSPreparedContains_r(h, e.prepared, p);
            if (&e == &impl->entries.front()) GEOSSTRtree_query_r(h, impl->tree, p, &NoVisit, nullptr);
            GEOSGeom_destroy_r(h, p);
        }
    }
    std::shared_ptr<const Impl> done = std::move(impl);
    std::lock_guard lock(mu_);
    impl_.swap(done);
    return {};
}

std::optional<Located> GridIndex::Locate(double lon, double lat) const {
    if (!std::isfinite(lon) || !std::isfinite(lat)) return std::nullopt;
    std::shared_ptr<const Impl> impl;
    {
        std::lock_guard lock(mu_);
        impl = impl_;
    }
    if (!impl || impl->entries.empty()) return std::nullopt;
    Context& ctx = ThreadContext();
    GeomPtr pt = Own(ctx.h, GEOSGeom_createPointFromXY_r(ctx.h, lon, lat));
    if (!pt) return std::nullopt;
    Query q{impl.get(), ctx.h, pt.get(), std::nullopt};
    GEOSSTRtree_query_r(ctx.h, impl->tree, pt.get(), &Visit, &q);
    if (!q.best) return std::nullopt;
    return impl->entries[*q.best].ids;
}

size_t GridIndex::Size() const {
    std::lock_guard lock(mu_);
    return impl_ ? impl_->entries.size() : 0;
}

// ---------------------------------------------------------------- geometry helpers
Result<double> Area(const Json& geometry) {
    Context& ctx = ThreadContext();
    GeomPtr g = FromJson(ctx.h, geometry);
    if (!g) return Error::Validation("geometry", "not a Polygon or MultiPolygon");
    double a = 0;
    if (GEOSArea_r(ctx.h, g.get(), &a) != 1) return Error::Internal("GEOS area failed");
    return a;
}

Result<double> UnionArea(const std::vector<Json>& geometries) {
    Context& ctx = ThreadContext();
    std::vector<GEOSGeometry*> parts;
    for (const auto& j : geometries) {
        GeomPtr g = FromJson(ctx.h, j);
        if (!g) {
            for (auto* p : parts) GEOSGeom_destroy_r(ctx.h, p);
            return Error::Validation("geometry", "not a Polygon or MultiPolygon");
        }
        parts.push_back(g.release());
    }
    GeomPtr coll = Own(ctx.h, GEOSGeom_createCollection_r(ctx.h, GEOS_GEOMETRYCOLLECTION, parts.data(),
                                                           static_cast<unsigned>(parts.size())));
    if (!coll) return Error::Internal("GEOS collection failed");
    GeomPtr u = Own(ctx.h, GEOSUnaryUnion_r(ctx.h, coll.get()));
    if (!u) return Error::Internal("GEOS union failed: " + ctx.error);
    double a = 0;
    GEOSArea_r(ctx.h, u.get(), &a);
    return a;
}

Result<std::pair<double, double>> PointInside(const Json& geometry) {
    Context& ctx = ThreadContext();
    GeomPtr g = FromJson(ctx.h, geometry);
    if (!g) return Error::Validation("geometry", "not a Polygon or MultiPolygon");
    GeomPtr p = Own(ctx.h, GEOSPointOnSurface_r(ctx.h, g.get()));
    double x = 0, y = 0;
    if (!p || GEOSGeomGetX_r(ctx.h, p.get(), &x) != 1 || GEOSGeomGetY_r(ctx.h, p.get(), &y) != 1)
        return Error::Internal("GEOS point on surface failed");
    return std::make_pair(x, y);
}

// ---------------------------------------------------------------- generated areas
namespace {
// SplitMix64: a small generator whose sequence is the same on every platform.
struct Rng {
    uint64_t s;
    uint64_t Next() {
        uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    double Unit() { return static_cast<double>(Next() >> 11) * (1.0 / 9007199254740992.0); }
};
}  // namespace

Result<std::vector<Json>> SplitPolygon(const Json& geometry, int n, uint64_t seed,
                                       const std::vector<std::pair<double, double>>& given) {
    if (n < 1) return Error::Validation("n", "at least one part");
    Context& ctx = ThreadContext();
    GEOSContextHandle_t h = ctx.h;
    GeomPtr poly = FromJson(h, geometry);
    if (!poly) return Error::Validation("geometry", "not a Polygon or MultiPolygon");
    if (n == 1) return std::vector<Json>{ToJson(h, poly.get())};
    const GEOSPreparedGeometry* prep = GEOSPrepare_r(h, poly.get());
    auto inside = [&](double x, double y) {
        GeomPtr p = Own(h, GEOSGeom_createPointFromXY_r(h, x, y));
        return GEOSPreparedContains_r(h, prep, p.get()) == 1;
    };
    double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
    GEOSGeom_getXMin_r(h, poly.get(), &x0);
    GEOSGeom_getYMin_r(h, poly.get(), &y0);
    GEOSGeom_getXMax_r(h, poly.get(), &x1);
    GEOSGeom_getYMax_r(h, poly.get(), &y1);
    std::vector<std::pair<double, double>> seeds;
    for (auto& s : given)
        if (inside(s.first, s.second)) seeds.push_back(s);
    if (static_cast<int>(seeds.size()) != n) {
        // k-means over points sampled inside, started from longitude quantiles (west to east).
        seeds.clear();
        Rng rng{seed};
        std::vector<std::pair<double, double>> pts;
        const size_t want = static_cast<size_t>(300) * static_cast<size_t>(n);
        for (size_t tries = 0; pts.size() < want && tries < want * 50; ++tries) {
            double x = x0 + (x1 - x0) * rng.Unit(), y = y0 + (y1 - y0) * rng.Unit();
            if (inside(x, y)) pts.emplace_back(x, y);
        }
        if (pts.size() < static_cast<size_t>(n)) {
            GEOSPreparedGeom_destroy_r(h, prep);
            return Error::Validation("geometry", "the polygon is too thin to split");
        }
        double kx = std::cos((y0 + y1) / 2 * M_PI / 180);  // a degree of longitude is shorter
        std::vector<std::pair<double, double>> sorted = pts;
        std::sort(sorted.begin(), sorted.end());
        for (int i = 0; i < n; ++i) seeds.push_back(sorted[static_cast<size_t>((i + 0.5) * sorted.size() / n)]);
        for (int iter = 0; iter < 40; ++iter) {
            std::vector<double> sx(n), sy(n);
            std::vector<int> cnt(n);
            for (auto& p : pts) {
                int best = 0;
                double bd = 1e300;
                for (int k = 0; k < n; ++k) {
                    double dx = (p.first - seeds[k].first) * kx, dy = p.second - seeds[k].second;
                    double d = dx * dx + dy * dy;
                    if (d < bd) bd = d, best = k;
                }
                sx[best] += p.first, sy[best] += p.second, ++cnt[best];
            }
            for (int k = 0; k < n; ++k)
                if (cnt[k]) seeds[k] = {sx[k] / cnt[k], sy[k] / cnt[k]};
        }
    }
    GEOSPreparedGeom_destroy_r(h, prep);
    // Voronoi cells of the seeds (in seed order), each clipped to the polygon. Longitude is scaled
    // so the cells are fair in metres, not in degrees.
    double kx = std::cos((y0 + y1) / 2 * M_PI / 180);
    std::vector<GEOSGeometry*> pts;
    for (auto& s : seeds) pts.push_back(GEOSGeom_createPointFromXY_r(h, (s.first - x0) * kx, s.second - y0));
    GeomPtr mp = Own(h, GEOSGeom_createCollection_r(h, GEOS_MULTIPOINT, pts.data(), static_cast<unsigned>(pts.size())));
    // The clip envelope: the polygon's, in the scaled frame, with a margin.
    double ex = (x1 - x0) * kx, ey = y1 - y0;
    GeomPtr env_pts[2] = {Own(h, GEOSGeom_createPointFromXY_r(h, -ex, -ey)),
                          Own(h, GEOSGeom_createPointFromXY_r(h, 2 * ex, 2 * ey))};
    GEOSGeometry* env_arr[2] = {env_pts[0].release(), env_pts[1].release()};
    GeomPtr env = Own(h, GEOSGeom_createCollection_r(h, GEOS_MULTIPOINT, env_arr, 2));
    GeomPtr cells = Own(h, GEOSVoronoiDiagram_r(h, mp.get(), env.get(), 0, 0));
    if (!cells) return Error::Internal("GEOS Voronoi failed: " + ctx.error);
    int ncells = GEOSGetNumGeometries_r(h, cells.get());
    std::vector<Json> parts(static_cast<size_t>(n));
    for (int ci = 0; ci < ncells; ++ci) {
        const GEOSGeometry* cell = GEOSGetGeometryN_r(h, cells.get(), ci);
        // back to lon/lat
        Json rings = PolygonRings(h, cell);
        for (auto& ring : rings)
            for (auto& p : ring) p = Json::array({p[0].get<double>() / kx + x0, p[1].get<double>() + y0});
        GeomPtr cell_ll = FromJson(h, Json{{"type", "Polygon"}, {"coordinates", rings}});
        if (!cell_ll) return Error::Internal("Voronoi cell unreadable");
        int owner = -1;
        const GEOSPreparedGeometry* pc = GEOSPrepare_r(h, cell_ll.get());
        for (int k = 0; k < n && owner < 0; ++k) {
            GeomPtr sp = Own(h, GEOSGeom_createPointFromXY_r(h, seeds[k].first, seeds[k].second));
            if (GEOSPreparedIntersects_r(h, pc, sp.get()) == 1 && parts[static_cast<size_t>(k)].is_null()) owner = k;
        }
        GEOSPreparedGeom_destroy_r(h, pc);
        if (owner < 0) return Error::Internal("a Voronoi cell without its seed");
        GeomPtr clipped = Own(h, GEOSIntersection_r(h, cell_ll.get(), poly.get()));
        if (!clipped) return Error::Internal("GEOS intersection failed: " + ctx.error);
        Json part = ToJson(h, clipped.get());
        if (part.is_null()) return Error::Internal("an empty part");
        parts[static_cast<size_t>(owner)] = std::move(part);
    }
    for (auto& p : parts)
        if (p.is_null()) return Error::Internal("a seed without its cell");
    return parts;
}

Result<GeneratedAreas> GenerateAreas(const Json& boundary, const std::vector<DemoStreet>& streets,
                                     int communities, int grids) {
    GeneratedAreas out;
    out.streets = {{"type", "FeatureCollection"}, {"features", Json::array()}};
    out.communities = out.streets;
    out.grids = out.streets;
    auto feature = [](const std::string& code, Json geom) {
        return Json{{"type", "Feature"},
                    {"properties", {{"code", code}, {"generated", true}}},
                    {"geometry", std::move(geom)}};
    };
    std::vector<std::pair<double, double>> seeds;
    for (auto& s : streets) seeds.emplace_back(s.lon, s.lat);
    auto parts = SplitPolygon(boundary, static_cast<int>(streets.size()), 7, seeds);
    if (!parts.ok()) return parts.error();
    for (size_t si = 0; si < streets.size(); ++si) {
        const std::string& scode = streets[si].code;
        out.streets["features"].push_back(feature(scode, (*parts)[si]));
        auto cparts = SplitPolygon((*parts)[si], communities, 1000 + si);
        if (!cparts.ok()) return cparts.error();
        for (int ci = 0; ci < communities; ++ci) {
            std::string ccode = scode + "-C" + std::to_string(ci + 1);
            const Json& cg = (*cparts)[static_cast<size_t>(ci)];
            out.communities["features"].push_back(feature(ccode, cg));
            auto gparts = SplitPolygon(cg, grids, 100000 + si * 100 + static_cast<uint64_t>(ci));
            if (!gparts.ok()) return gparts.error();
            for (int gi = 0; gi < grids; ++gi)
                out.grids["features"].push_back(
                    feature(ccode + "-G" + std::to_string(gi + 1), (*gparts)[static_cast<size_t>(gi)]));
        }
    }
    return out;
}

Json DistrictBoundary() {
    Json doc = Json::parse(ShippedDistrictJson());
    const Json& feats = doc.is_array() ? doc : doc["features"];
    return feats.at(0).at("geometry");
}

}  // namespace duban::geo
