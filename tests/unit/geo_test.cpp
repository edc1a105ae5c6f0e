#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "geo/geo.hpp"
#include "store/geo_repos.hpp"
#include "store/repos.hpp"
#include "test_util.hpp"

using namespace duban;
using core::Json;

namespace {

Json Square(double x0, double y0, double x1, double y1) {
    return Json::array({Json::array({x0, y0}), Json::array({x1, y0}), Json::array({x1, y1}), Json::array({x0, y1}),
                        Json::array({x0, y0})});
}
Json Polygon(Json rings) { return {{"type", "Polygon"}, {"coordinates", std::move(rings)}}; }
Json Feature(const std::string& code, Json geometry) {
    return {{"type", "Feature"}, {"properties", {{"code", code}, {"name", "n"}}}, {"geometry", std::move(geometry)}};
}
Json Collection(std::vector<Json> feats) { return {{"type", "FeatureCollection"}, {"features", feats}}; }

// The one error of a one-feature import.
geo::FeatureError OnlyError(const Json& feature) {
    auto out = geo::ParseFeatures(Collection({feature}));
    EXPECT_EQ(out.errors.size(), 1u) << feature.dump();
    EXPECT_TRUE(out.features.empty());
    return out.errors.empty() ? geo::FeatureError{} : out.errors[0];
}

bool Contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace

TEST(GeoParse, AcceptsCollectionsAndBareArrays) {
    auto a = geo::ParseFeatures(Collection({Feature("G1", Polygon({Square(0, 0, 1, 1)}))}));
    ASSERT_TRUE(a.errors.empty()) << a.errors[0].Text();
    ASSERT_EQ(a.features.size(), 1u);
    EXPECT_EQ(a.features[0].code, "G1");
    EXPECT_DOUBLE_EQ(a.features[0].max_lon, 1);
    Json multi = {{"type", "MultiPolygon"},
                  {"coordinates", Json::array({Json::array({Square(0, 0, 1, 1)}), Json::array({Square(2, 2, 3, 3)})})}};
    auto b = geo::ParseFeatures(Json::array({Feature("G1", multi), Feature("G2", Polygon({Square(5, 5, 6, 6)}))}));
    EXPECT_TRUE(b.errors.empty());
    EXPECT_EQ(b.features.size(), 2u);
    // a polygon with a hole inside it is valid
    auto c = geo::ParseFeatures(Json::array({Feature("G1", Polygon({Square(0, 0, 4, 4), Square(1, 1, 2, 2)}))}));
    EXPECT_TRUE(c.errors.empty());
}

TEST(GeoParse, UnclosedRing) {
    Json ring = Square(0, 0, 1, 1);
    ring[4] = Json::array({0.0, 0.5});
    auto e = OnlyError(Feature("G1", Polygon({ring})));
    EXPECT_EQ(e.key, "features[0].geometry.coordinates[0]");
    EXPECT_TRUE(Contains(e.message, "ring not closed")) << e.message;
    EXPECT_EQ(e.index, 0);
}

TEST(GeoParse, TooFewPositions) {
    Json ring = Json::array({Json::array({0, 0}), Json::array({1, 0}), Json::array({0, 0})});
    auto e = OnlyError(Feature("G1", Polygon({Square(0, 0, 3, 3), ring})));
    EXPECT_EQ(e.key, "features[0].geometry.coordinates[1]");
    EXPECT_TRUE(Contains(e.message, "at least 4 positions")) << e.message;
}

TEST(GeoParse, SelfIntersection) {
    // a bow tie
    Json ring = Json::array({Json::array({0, 0}), Json::array({1, 1}), Json::array({1, 0}), Json::array({0, 1}),
                             Json::array({0, 0})});
    auto e = OnlyError(Feature("G1", Polygon({ring})));
    EXPECT_EQ(e.key, "features[0].geometry");
    EXPECT_TRUE(Contains(e.message, "self-intersection")) << e.message;
    EXPECT_TRUE(Contains(e.message, "[0.5, 0.5]")) << e.message;
    // a hole outside its shell
    auto h = OnlyError(Feature("G1", Polygon({Square(0, 0, 1, 1), Square(2, 2, 3, 3)})));
    EXPECT_EQ(h.key, "features[0].geometry");
    EXPECT_TRUE(Contains(h.message, "hole")) << h.message;
}

TEST(GeoParse, BadCoordinates) {
    Json ring = Square(0, 0, 1, 1);
    ring[2] = Json::array({200.0, 1.0});
    auto e = OnlyError(Feature("G1", Polygon({ring})));
    EXPECT_EQ(e.key, "features[0].geometry.coordinates[0][2]");
    EXPECT_TRUE(Contains(e.message, "longitude")) << e.message;
    ring = Square(0, 0, 1, 1);
    ring[1] = Json::array({1.0, "0"});
    e = OnlyError(Feature("G1", Polygon({ring})));
    EXPECT_EQ(e.key, "features[0].geometry.coordinates[0][1]");
    EXPECT_TRUE(Contains(e.message, "numbers")) << e.message;
    ring = Square(0, 0, 1, 1);
    ring[3] = Json::array({0.0, -91.0});
    e = OnlyError(Feature("G1", Polygon({ring})));
    EXPECT_TRUE(Contains(e.message, "latitude")) << e.message;
    // in the second polygon of a MultiPolygon
    Json multi = {{"type", "MultiPolygon"},
                  {"coordinates", Json::array({Json::array({Square(0, 0, 1, 1)}), Json::array({Square(2, 2, 3, 95)})})}};
    auto two = geo::ParseFeatures(Collection({Feature("G1", multi)}));
    ASSERT_EQ(two.errors.size(), 2u);  // both positions at latitude 95
    EXPECT_EQ(two.errors[0].key, "features[0].geometry.coordinates[1][0][2]");
    EXPECT_EQ(two.errors[1].key, "features[0].geometry.coordinates[1][0][3]");
}

TEST(GeoParse, MissingCodeAndOtherShapes) {
    Json f = Feature("G1", Polygon({Square(0, 0, 1, 1)}));
    f["properties"].erase("code");
    auto e = OnlyError(f);
    EXPECT_EQ(e.key, "features[0].properties.code");
    f["properties"]["code"] = 12;
    EXPECT_EQ(OnlyError(f).key, "features[0].properties.code");
    f = Feature("G1", {{"type", "Point"}, {"coordinates", {1, 2}}});
    EXPECT_EQ(OnlyError(f).key, "features[0].geometry.type");
    auto out = geo::ParseFeatures(Json{{"type", "Feature"}});
    ASSERT_EQ(out.errors.size(), 1u);
    EXPECT_EQ(out.errors[0].index, -1);
    // every error, by feature index, and duplicates
    Json bad = Square(0, 0, 1, 1);
    bad[4] = Json::array({9, 9});
    auto many = geo::ParseFeatures(Collection({Feature("A", Polygon({Square(0, 0, 1, 1)})), Feature("B", Polygon({bad})),
                                               Feature("A", Polygon({Square(2, 2, 3, 3)}))}));
    ASSERT_EQ(many.errors.size(), 2u);
    EXPECT_EQ(many.errors[0].key, "features[1].geometry.coordinates[0]");
    EXPECT_EQ(many.errors[1].key, "features[2].properties.code");
    EXPECT_TRUE(Contains(many.errors[1].message, "twice"));
}

// ---------------------------------------------------------------- the store: match, all or nothing
class GeoStoreTest : public ::testing::Test {
protected:
    void SetUp() override {
        core::InitCrypto();
        pipeline_.Start();
        auto c = t_.db->Connect();
        auto mk = [&](std::optional<int64_t> parent, const char* kind, const char* code) {
            store::OrgUnit u;
            u.parent_id = parent;
            u.kind = kind;
            u.name = code;
            u.code = std::string(code);
            u.created_at = u.updated_at = "2026-01-01T00:00:00.000Z";
            return store::InsertOrg(*c, u);
        };
        district_ = mk(std::nullopt, "district", "D");
        street_ = mk(district_, "street", "S");
        community_ = mk(street_, "community", "S-C1");
        g1_ = mk(community_, "grid", "S-C1-G1");
        g2_ = mk(community_, "grid", "S-C1-G2");
    }
    void TearDown() override { pipeline_.Stop(); }
    core::Result<Json> Import(geo::Level level, const Json& doc) {
        auto parsed = geo::ParseFeatures(doc);
        EXPECT_TRUE(parsed.errors.empty());
        return pipeline_.Execute({1, "tester", ""}, [&](store::WriteTx& tx) {
            return geo::ImportAreas(tx, core::Scope::All(), level, parsed.features);
        });
    }
    test::TempDb t_;
    core::SystemClock clock_;
    store::Pipeline pipeline_{*t_.db, clock_};
    int64_t district_ = 0, street_ = 0, community_ = 0, g1_ = 0, g2_ = 0;
};

TEST_F(GeoStoreTest, UnknownCodeOrWrongLevelImportsNothing) {
    Json doc = Collection({Feature("S-C1-G1", Polygon({Square(0, 0, 1, 1)})), Feature("NOPE", Polygon({Square(1, 0, 2, 1)}))});
    auto r = Import(geo::Level::kGrid, doc);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().field, "features[1].properties.code");
    EXPECT_TRUE(Contains(r.error().message, "no org unit with code NOPE")) << r.error().message;
    auto c = t_.db->Connect();
    EXPECT_EQ(store::CountRows(*c, "geo_areas"), 0);
    // a community's code in a grid import
    auto w = Import(geo::Level::kGrid, Collection({Feature("S-C1", Polygon({Square(0, 0, 1, 1)}))}));
    ASSERT_FALSE(w.ok());
    EXPECT_TRUE(Contains(w.error().message, "is a community, not a grid")) << w.error().message;
    EXPECT_EQ(store::CountRows(*c, "geo_areas"), 0);
    // out of scope reads as unknown
    auto parsed = geo::ParseFeatures(Collection({Feature("S-C1-G1", Polygon({Square(0, 0, 1, 1)}))}));
    core::Scope other;
    other.subtrees = {"/999/"};
    auto errs = geo::MatchErrors(*c, other, geo::Level::kGrid, parsed.features);
    ASSERT_EQ(errs.size(), 1u);
    EXPECT_TRUE(Contains(errs[0].message, "no org unit"));
}

TEST_F(GeoStoreTest, ImportThenLoadAndReplace) {
    auto r = Import(geo::Level::kGrid, Collection({Feature("S-C1-G1", Polygon({Square(0, 0, 1, 1)})),
                                                   Feature("S-C1-G2", Polygon({Square(1, 0, 2, 1)}))}));
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ((*r)["imported"], 2);
    auto c = t_.db->Connect();
    auto grids = geo::LoadGrids(*c);
    ASSERT_EQ(grids.size(), 2u);
    EXPECT_EQ(grids[0].ids, (geo::Located{g1_, community_, street_}));
    // re-import replaces
    ASSERT_TRUE(Import(geo::Level::kGrid, Collection({Feature("S-C1-G1", Polygon({Square(5, 5, 6, 6)}))})).ok());
    grids = geo::LoadGrids(*c);
    ASSERT_EQ(grids.size(), 2u);
    geo::GridIndex idx;
    ASSERT_TRUE(idx.Build(grids).ok());
    EXPECT_EQ(idx.Locate(5.5, 5.5)->grid_id, g1_);
    EXPECT_FALSE(idx.Locate(0.5, 0.5));
    EXPECT_EQ(idx.Locate(1.5, 0.5)->grid_id, g2_);
    // the collection for a scope
    core::Scope mine;
    mine.exact = {store::FindOrg(*c, g2_, core::Scope::All())->path};
    auto fc = geo::AreasCollection(*c, mine, geo::Level::kGrid);
    ASSERT_EQ(fc["features"].size(), 1u);
    EXPECT_EQ(fc["features"][0]["properties"]["unit_id"], g2_);
    EXPECT_EQ(fc["features"][0]["properties"]["parent_id"], community_);
    EXPECT_EQ(geo::AreasCollection(*c, core::Scope::All(), geo::Level::kStreet)["features"].size(), 0u);
}

// ---------------------------------------------------------------- point location
namespace {
// Even-odd ray casting over every ring: the brute force the index must agree with.
bool InRing(const Json& ring, double x, double y) {
    bool in = false;
    for (size_t i = 0, j = ring.size() - 1; i < ring.size(); j = i++) {
        double xi = ring[i][0], yi = ring[i][1], xj = ring[j][0], yj = ring[j][1];
        if ((yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi) in = !in;
    }
    return in;
}
bool InGeometry(const Json& g, double x, double y) {
    auto poly = [&](const Json& rings) {
        if (!InRing(rings[0], x, y)) return false;
        for (size_t k = 1; k < rings.size(); ++k)
            if (InRing(rings[k], x, y)) return false;
        return true;
    };
    if (g["type"] == "Polygon") return poly(g["coordinates"]);
    for (auto& p : g["coordinates"])
        if (poly(p)) return true;
    return false;
}
struct Lcg {
    uint64_t s;
    double Next() {
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        return static_cast<double>(s >> 11) / 9007199254740992.0;
    }
};
}  // namespace

TEST(GridIndex, InsideOutsideHoleBorder) {
    geo::GridIndex idx;
    EXPECT_FALSE(idx.Locate(0, 0));  // empty
    std::vector<geo::GridArea> grids = {
        {{11, 1, 100}, Polygon({Square(0, 0, 10, 10), Square(4, 4, 6, 6)})},  // with a hole
        {{12, 1, 100}, Polygon({Square(10, 0, 20, 10)})},
        {{13, 2, 100}, Polygon({Square(4.5, 4.5, 5.5, 5.5)})},  // an island in the hole
    };
    ASSERT_TRUE(idx.Build(grids).ok());
    EXPECT_EQ(idx.Size(), 3u);
    EXPECT_EQ(idx.Locate(1, 1), (geo::Located{11, 1, 100}));
    EXPECT_EQ(idx.Locate(15, 5)->grid_id, 12);
    EXPECT_FALSE(idx.Locate(-1, 5));
    EXPECT_FALSE(idx.Locate(25, 5));
    EXPECT_FALSE(idx.Locate(4.2, 4.2));                // in the hole
    EXPECT_EQ(idx.Locate(5, 5)->grid_id, 13);          // on the island
    EXPECT_EQ(idx.Locate(10, 5)->grid_id, 11);         // on the shared border: the lower id
    EXPECT_FALSE(idx.Locate(std::nan(""), 5));
    // an invalid polygon is refused and the old index stays
    std::vector<geo::GridArea> bad = {{{99, 1, 1}, Polygon({Json::array({Json::array({0, 0}), Json::array({1, 1}),
                                                                        Json::array({1, 0}), Json::array({0, 1}),
                                                                        Json::array({0, 0})})})}};
    EXPECT_FALSE(idx.Build(bad).ok());
    EXPECT_EQ(idx.Locate(1, 1)->grid_id, 11);
}

TEST(GridIndex, AgreesWithBruteForceOnTheDemoGrids) {
    geo::DemoStreet seeds[] = {{"S1", 121.585, 38.935}, {"S2", 121.565, 38.905}, {"S3", 121.595, 38.905},
                               {"S4", 121.548, 38.872}, {"S5", 121.560, 38.930}, {"S6", 121.585, 38.885},
                               {"S7", 121.603, 38.920}};
    auto gen = geo::GenerateAreas(geo::DistrictBoundary(), std::vector<geo::DemoStreet>(std::begin(seeds), std::end(seeds)));
    ASSERT_TRUE(gen.ok()) << gen.error().message;
    std::vector<geo::GridArea> grids;
    int64_t id = 1;
    for (auto& f : gen->grids["features"]) grids.push_back({{id++, 0, 0}, f["geometry"]});
    geo::GridIndex idx;
    ASSERT_TRUE(idx.Build(grids).ok());
    Lcg rng{42};
    int hits = 0, misses = 0, disagreements = 0;
    for (int i = 0; i < 20000; ++i) {
        double x = 121.52 + 0.10 * rng.Next(), y = 38.85 + 0.11 * rng.Next();
        std::optional<int64_t> brute;
        for (auto& g : grids)
            if (InGeometry(g.geometry, x, y)) {
                brute = g.ids.grid_id;
                break;
            }
        auto got = idx.Locate(x, y);
        if (got) ++hits;
        else ++misses;
        if (brute != (got ? std::optional<int64_t>(got->grid_id) : std::nullopt)) ++disagreements;
    }
    EXPECT_GT(hits, 5000);
    EXPECT_GT(misses, 1000);
    // random points land on a shared border with probability zero
    EXPECT_EQ(disagreements, 0);
    // and from several threads at once
    std::atomic<int> wrong{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&, t] {
            Lcg r{static_cast<uint64_t>(t + 7)};
            for (int i = 0; i < 3000; ++i) {
                size_t k = static_cast<size_t>(r.Next() * grids.size());
                auto p = geo::PointInside(grids[k].geometry);
                auto got = idx.Locate(p->first, p->second);
                if (!got || got->grid_id != grids[k].ids.grid_id) ++wrong;
            }
        });
    for (auto& th : threads) th.join();
    EXPECT_EQ(wrong.load(), 0);
}

TEST(GeoDemo, GeneratedAreasTileTheDistrict) {
    geo::DemoStreet seeds[] = {{"S1", 121.585, 38.935}, {"S2", 121.565, 38.905}, {"S3", 121.595, 38.905},
                               {"S4", 121.548, 38.872}, {"S5", 121.560, 38.930}, {"S6", 121.585, 38.885},
                               {"S7", 121.603, 38.920}};
    Json boundary = geo::DistrictBoundary();
    ASSERT_EQ(boundary["type"], "MultiPolygon");
    auto gen = geo::GenerateAreas(boundary, std::vector<geo::DemoStreet>(std::begin(seeds), std::end(seeds)));
    ASSERT_TRUE(gen.ok()) << gen.error().message;
    ASSERT_EQ(gen->streets["features"].size(), 7u);
    ASSERT_EQ(gen->communities["features"].size(), 21u);
    ASSERT_EQ(gen->grids["features"].size(), 63u);
    EXPECT_EQ(gen->grids["features"][0]["properties"]["code"], "S1-C1-G1");
    EXPECT_EQ(gen->grids["features"][62]["properties"]["code"], "S7-C3-G3");
    double district = *geo::Area(boundary);
    EXPECT_GT(district, 0.003);  // about 0.0036 square degrees (roughly 34 km²)
    for (const Json* fc : {&gen->streets, &gen->communities, &gen->grids}) {
        // every part is a valid polygon the importer accepts
        auto parsed = geo::ParseFeatures(*fc);
        ASSERT_TRUE(parsed.errors.empty()) << parsed.errors[0].Text();
        std::vector<Json> geoms;
        double sum = 0;
        for (auto& f : (*fc)["features"]) {
            geoms.push_back(f["geometry"]);
            double a = *geo::Area(f["geometry"]);
            EXPECT_GT(a, district / 500) << f["properties"]["code"];  // no sliver
            sum += a;
        }
        double uni = *geo::UnionArea(geoms);
        // the parts cover the district (union = district) without overlaps (sum = union)
        EXPECT_NEAR(uni, district, district * 1e-9);
        EXPECT_NEAR(sum, district, district * 1e-9);
    }
    // the street seeds lie in their own streets
    geo::GridIndex streets;
    std::vector<geo::GridArea> sa;
    for (size_t i = 0; i < 7; ++i) sa.push_back({{static_cast<int64_t>(i + 1), 0, 0}, gen->streets["features"][i]["geometry"]});
    ASSERT_TRUE(streets.Build(sa).ok());
    for (size_t i = 0; i < 7; ++i) EXPECT_EQ(streets.Locate(seeds[i].lon, seeds[i].lat)->grid_id, static_cast<int64_t>(i + 1));
    // deterministic
    auto again = geo::GenerateAreas(boundary, std::vector<geo::DemoStreet>(std::begin(seeds), std::end(seeds)));
    EXPECT_EQ(again->grids, gen->grids);
}
