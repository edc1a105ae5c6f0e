#pragma once
/// duban::geo — the polygons of streets, communities and grids, and point location.
/// GeoJSON import (validated, matched to org units by code, all or nothing), the grid index
/// (a GEOS STRtree over prepared polygons) and the demo's generated areas. No HTTP; the SQL lives
/// in store/geo_repos.cpp.
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/core.hpp"
#include "store/store.hpp"

namespace duban::geo {

using core::Error;
using core::Json;
using core::Result;

/// Where a point lies: its grid and the grid's community and street (org unit ids).
struct Located {
    int64_t grid_id = 0, community_id = 0, street_id = 0;
    bool operator==(const Located&) const = default;
};
/// The hook the case engine takes: a point (WGS-84-style lon/lat as stored) to its grid.
using LocateFn = std::function<std::optional<Located>(double lon, double lat)>;

/// Levels are org unit kinds.
enum class Level { kStreet, kCommunity, kGrid };
std::optional<Level> ParseLevel(std::string_view s);
const char* LevelName(Level l);

// ---------------------------------------------------------------- GeoJSON
/// One problem in an import, by feature index and JSON key
/// ("features[3].geometry.coordinates[0]": "ring not closed").
struct FeatureError {
    int index = -1;  // -1: the document itself
    std::string key, message;
    std::string Text() const { return key + ": " + message; }
};

struct ParsedFeature {
    int index = 0;
    std::string code, name;
    Json geometry;  // a Polygon or MultiPolygon, as given
    double min_lon = 0, min_lat = 0, max_lon = 0, max_lat = 0;
};

struct ParseOutcome {
    std::vector<ParsedFeature> features;
    std::vector<FeatureError> errors;
};

/// Limits of one import.
inline constexpr size_t kMaxFeatures = 5000;
inline constexpr size_t kMaxPositions = 2'000'000;  // over all features

/// Validates a FeatureCollection or a bare array of Features: each a Feature with a Polygon or
/// MultiPolygon geometry (rings closed, at least 4 positions, numeric lon in [-180, 180] and lat in
/// [-90, 90], valid by GEOS: no self-intersection, holes inside, the reason named) and a
/// properties.code (required, unique in the file) and optional name (a string). Collects every
/// error (up to 200), naming the feature index and the key.
ParseOutcome ParseFeatures(const Json& doc);

/// Matches parsed features to org units of the level's kind by code (active, in scope; a unit
/// outside the scope reads as unknown) and stores their polygons, replacing earlier ones. Any
/// error stores nothing (the first is returned, its field the feature's key). Emits one
/// `geo.import` event. Returns {imported, level, unit_ids}.
Result<Json> ImportAreas(store::WriteTx& tx, const core::Scope& scope, Level level,
                         const std::vector<ParsedFeature>& features, bool generated = false);
/// The same matching on a read connection, collecting every error (for the import's 422).
std::vector<FeatureError> MatchErrors(store::Conn& c, const core::Scope& scope, Level level,
                                      const std::vector<ParsedFeature>& features);

/// The stored areas of a level inside the viewer's scope as a FeatureCollection; properties
/// unit_id, code, name, level, parent_id, generated.
Json AreasCollection(store::Conn& c, const core::Scope& scope, Level level);

// ---------------------------------------------------------------- point location
struct GridArea {
    Located ids;     // grid_id with its community and street
    Json geometry;   // Polygon or MultiPolygon
};

/// Point-in-grid over the stored grid polygons: a GEOS STRtree of envelopes over prepared
/// polygons. Locate is safe from many threads at once; Build swaps in a new index atomically
/// (readers keep the one they started with). A point on a shared border belongs to the grid with
/// the lowest id; a point in a hole belongs to no grid of that polygon.
class GridIndex {
public:
    GridIndex();
    ~GridIndex();
    GridIndex(const GridIndex&) = delete;
    GridIndex& operator=(const GridIndex&) = delete;

    /// Replaces the index. An invalid geometry is an error and leaves the old index in place.
    core::Status Build(const std::vector<GridArea>& grids);
    std::optional<Located> Locate(double lon, double lat) const;
    size_t Size() const;
    /// A hook bound to this index (which must outlive it).
    LocateFn Hook() const {
        return [this](double lon, double lat) { return Locate(lon, lat); };
    }
    struct Impl;  // defined in geo.cpp

private:
    mutable std::mutex mu_;
    std::shared_ptr<const Impl> impl_;  // GUARDED_BY(mu_)
};

/// Loads every stored grid polygon with its community and street.
std::vector<GridArea> LoadGrids(store::Conn& c);

// ---------------------------------------------------------------- geometry helpers
/// Area in square degrees (for coverage checks), of a Polygon or MultiPolygon (holes subtracted).
Result<double> Area(const Json& geometry);
/// Area of the union of geometries (square degrees).
Result<double> UnionArea(const std::vector<Json>& geometries);
/// A point inside the geometry (GEOS point on surface).
Result<std::pair<double, double>> PointInside(const Json& geometry);

// ---------------------------------------------------------------- the demo's generated areas
/// Splits a polygon into n parts: a Voronoi diagram of seeds clipped to it. Seeds are the given
/// points that lie inside, else k-means centres of points sampled inside (deterministic from
/// seed). The parts tile the polygon without overlaps (up to floating-point noise).
Result<std::vector<Json>> SplitPolygon(const Json& geometry, int n, uint64_t seed,
                                       const std::vector<std::pair<double, double>>& seeds = {});

/// A street of the generated demo areas: its code and a rough position (a Voronoi seed).
struct DemoStreet {
    std::string code;
    double lon = 0, lat = 0;
};
/// FeatureCollections (properties code, generated: true) of the streets, each split into
/// `communities` communities (codes <street>-C1…) and each of those into `grids` grids
/// (<community>-G1…), tiling the boundary. Deterministic.
struct GeneratedAreas {
    Json streets, communities, grids;
};
Result<GeneratedAreas> GenerateAreas(const Json& boundary, const std::vector<DemoStreet>& streets,
                                     int communities = 3, int grids = 3);

/// The district boundary shipped with the binary (data/geo/shahekou_210204_district.json): the
/// geometry of its first feature.
Json DistrictBoundary();

}  // namespace duban::geo
