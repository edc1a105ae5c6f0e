"""geo: grids and maps through the API. The demo's generated polygons (7 streets, 21 communities, 63
grids tiling the real 沙河口区 boundary) by level; imports validated feature by feature and all or
nothing (the database and the event log unchanged on error); import then locate (the index is
rebuilt); scope (a street's staff sees and locates only its street's grids, the inspector its grid)."""
import dubantest as dt
from dubantest import check, eq, expect_error, expect_status

TABLES = ["geo_areas"]


def square(x0, y0, x1, y1):
    return [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]


def feature(code, rings, name="测试"):
    return {"type": "Feature", "properties": {"code": code, "name": name},
            "geometry": {"type": "Polygon", "coordinates": rings}}


def in_ring(ring, x, y):
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i][0], ring[i][1]
        xj, yj = ring[j][0], ring[j][1]
        if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def point_inside(geometry):
    """A point well inside the first polygon of a geometry: the middle of the widest run of a scan line."""
    polys = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    rings = polys[0]
    xs = [p[0] for p in rings[0]]
    ys = [p[1] for p in rings[0]]
    best = None
    for k in range(1, 20):
        y = min(ys) + (max(ys) - min(ys)) * k / 20.0
        run = []
        for i in range(200):
            x = min(xs) + (max(xs) - min(xs)) * (i + 0.5) / 200.0
            ok = in_ring(rings[0], x, y) and not any(in_ring(h, x, y) for h in rings[1:])
            if ok:
                run.append(x)
            elif run:
                if best is None or len(run) > best[0]:
                    best = (len(run), run[len(run) // 2], y)
                run = []
        if run and (best is None or len(run) > best[0]):
            best = (len(run), run[len(run) // 2], y)
    check(best is not None, "a point inside %r" % geometry["type"])
    return best[1], best[2]


@dt.suite("geo")
class GeoSuite(dt.Suite):
    def setup(self):
        self.srv = self.new_server("main")
        self.admin = self.srv.session("admin")
        self.leader = self.srv.session("leader")
        self.chun = self.srv.session("chunliu.staff")
        self.malan = self.srv.session("malan.staff")
        self.insp = self.srv.session("grid.inspector")
        units, _ = dt.list_all(self.admin, "/api/v1/org-units")
        self.by_code = {u["code"]: u for u in units}

    def areas(self, sess, level):
        r = expect_status(sess.get("/api/v1/geo/areas?level=%s" % level), 200)
        check(r.header("Content-Type").startswith("application/geo+json"), "GeoJSON content type")
        fc = r.json()
        eq(fc["type"], "FeatureCollection", "a FeatureCollection")
        return fc["features"]

    # ------------------------------------------------------------------ the demo's areas
    def test_demo_areas_by_level(self):
        bc = self.by_code
        for level, n in (("street", 7), ("community", 21), ("grid", 63)):
            feats = [f for f in self.areas(self.leader, level) if f["properties"]["code"].startswith("210204")]
            eq(len(feats), n, "%s areas" % level)
            for f in feats:
                p = f["properties"]
                eq(set(p.keys()), {"unit_id", "code", "name", "level", "parent_id", "generated"}, "properties")
                eq(p["level"], level, "level")
                eq(p["generated"], True, "generated")
                u = bc[p["code"]]
                eq((p["unit_id"], p["name"], p["parent_id"]), (u["id"], u["name"], u["parent_id"]), "the org unit")
                check(f["geometry"]["type"] in ("Polygon", "MultiPolygon"), "polygonal")
        # the default level is grid
        eq(len(self.areas(self.leader, "")), len(self.areas(self.leader, "grid")), "default level")
        expect_error(self.leader.get("/api/v1/geo/areas?level=district"), 400, "invalid_query", "level")

    def test_locate_demo_grids(self):
        grids = [f for f in self.areas(self.leader, "grid") if f["properties"]["code"].startswith("210204")]
        by_id = {u["id"]: u for u in self.by_code.values()}
        for f in grids[::7]:
            x, y = point_inside(f["geometry"])
            got = expect_status(self.leader.get("/api/v1/geo/locate?lon=%r&lat=%r" % (x, y)), 200).json()
            community = by_id[f["properties"]["parent_id"]]
            eq(got, {"grid_id": f["properties"]["unit_id"], "community_id": community["id"],
                     "street_id": community["parent_id"]}, "located %s" % f["properties"]["code"])
        expect_error(self.leader.get("/api/v1/geo/locate?lon=0&lat=0"), 404, "not_found")
        expect_error(self.leader.get("/api/v1/geo/locate?lon=abc&lat=38.9"), 400, "invalid_query", "lon")
        expect_error(self.leader.get("/api/v1/geo/locate?lon=121.5"), 400, "invalid_query", "lat")
        expect_error(self.leader.get("/api/v1/geo/locate?lon=121.5&lat=91"), 400, "invalid_query", "lat")

    # ------------------------------------------------------------------ imports
    def test_import_errors_change_nothing(self):
        db = self.srv.db
        before = db.dump_tables(TABLES)
        ev_before = db.query("SELECT COUNT(*) FROM events")
        open_ring = square(100, 30, 100.01, 30.01)
        open_ring[-1] = [100, 30.005]
        bow = [[100, 30], [100.01, 30.01], [100.01, 30], [100, 30.01], [100, 30]]
        doc = {"type": "FeatureCollection", "features": [
            feature("210204006-C1-G1", [square(100, 30, 100.01, 30.01)]),
            feature("210204006-C1-G2", [open_ring]),
            feature("NO-SUCH-UNIT", [square(101, 30, 101.01, 30.01)]),
            feature("210204006-C1-G3", [bow]),
            feature("210204006-C2-G1", [square(100, 30, 100.01, 30.01), [[100, 30], [100.01, 30], [100, 30]]]),
            {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [square(0, 0, 1, 1)]}},
            feature("210204006-C2-G2", [[[100, 30], [200, 30], [100, 31], [100, 30]]]),
        ]}
        r = self.admin.post("/api/v1/geo/import?level=grid", doc)
        e = expect_error(r, 422, "import_invalid", "features[1].geometry.coordinates[0]")
        errs = r.json()["error"]["errors"]
        keys = [x["key"] for x in errs]
        eq(keys, ["features[1].geometry.coordinates[0]", "features[3].geometry", "features[4].geometry.coordinates[1]",
                  "features[5].properties.code", "features[6].geometry.coordinates[0][1]"], "errors by feature and key")
        check("ring not closed" in errs[0]["message"], errs[0]["message"])
        check("self-intersection" in errs[1]["message"], errs[1]["message"])
        check("at least 4 positions" in errs[2]["message"], errs[2]["message"])
        check("longitude" in errs[4]["message"], errs[4]["message"])
        eq([x["index"] for x in errs], [1, 3, 4, 5, 6], "indexes")
        check("nothing was imported" in e["message"], e["message"])
        # the shapes are right but a code is unknown, or names a unit of another level
        r = self.admin.post("/api/v1/geo/import?level=grid", [feature("210204006-C1-G1", [square(100, 30, 100.01, 30.01)]),
                                                              feature("NO-SUCH-UNIT", [square(101, 30, 101.01, 30.01)]),
                                                              feature("210204006-C1", [square(102, 30, 102.01, 30.01)])])
        expect_error(r, 422, "import_invalid", "features[1].properties.code")
        msgs = [x["message"] for x in r.json()["error"]["errors"]]
        check("no org unit with code NO-SUCH-UNIT" in msgs[0], msgs)
        check("is a community, not a grid" in msgs[1], msgs)
        # the document itself, the body, the level, who
        expect_error(self.admin.post("/api/v1/geo/import?level=grid", {"type": "Feature"}), 422, "import_invalid", "type")
        expect_error(self.admin.post("/api/v1/geo/import?level=grid", {"type": "FeatureCollection", "features": []}),
                     422, "import_invalid", "features")
        expect_error(self.admin.request("POST", "/api/v1/geo/import?level=grid", body="{", ctype="application/json"),
                     400, "invalid_json")
        expect_error(self.admin.request("POST", "/api/v1/geo/import?level=grid", body="code", ctype="text/plain"),
                     415, field="Content-Type")
        expect_error(self.admin.post("/api/v1/geo/import", [feature("210204006-C1-G1", [square(0, 0, 1, 1)])]),
                     400, "invalid_query", "level")
        expect_error(self.leader.post("/api/v1/geo/import?level=grid", [feature("210204006-C1-G1", [square(0, 0, 1, 1)])]),
                     403)
        eq(db.dump_tables(TABLES), before, "geo_areas unchanged")
        eq(db.query("SELECT COUNT(*) FROM events"), ev_before, "no event")

    def test_import_then_locate(self):
        bc = self.by_code
        community = bc["210204006-C1"]
        g = expect_status(self.admin.post("/api/v1/org-units", {"parent_id": community["id"], "kind": "grid",
                                                                 "name": "导入测试网格", "code": "GEO-T-G1"}), 201).json()
        expect_error(self.leader.get("/api/v1/geo/locate?lon=100.005&lat=30.005"), 404, "not_found")
        doc = {"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"code": "GEO-T-G1", "name": "导入测试网格"},
             "geometry": {"type": "MultiPolygon", "coordinates": [
                 [square(100, 30, 100.01, 30.01), square(100.004, 30.004, 100.006, 30.006)],
                 [square(100.02, 30, 100.03, 30.01)]]}}]}
        r = expect_status(self.admin.request("POST", "/api/v1/geo/import?level=grid", json_body=doc,
                                             ctype="application/geo+json"), 201).json()
        eq(r, {"imported": 1, "level": "grid", "unit_ids": [g["id"]]}, "import result")
        want = {"grid_id": g["id"], "community_id": community["id"], "street_id": community["parent_id"]}
        eq(expect_status(self.leader.get("/api/v1/geo/locate?lon=100.002&lat=30.002"), 200).json(), want, "located")
        eq(expect_status(self.leader.get("/api/v1/geo/locate?lon=100.025&lat=30.005"), 200).json(), want, "second part")
        expect_error(self.leader.get("/api/v1/geo/locate?lon=100.005&lat=30.005"), 404, "not_found", msg="in the hole")
        # scope: 春柳's staff locates its grid; 马栏's and the inspector (another grid) do not
        eq(expect_status(self.chun.get("/api/v1/geo/locate?lon=100.002&lat=30.002"), 200).json(), want, "春柳 staff")
        expect_error(self.malan.get("/api/v1/geo/locate?lon=100.002&lat=30.002"), 404, "not_found")
        expect_error(self.insp.get("/api/v1/geo/locate?lon=100.002&lat=30.002"), 404, "not_found")
        feats = [f for f in self.areas(self.admin, "grid") if f["properties"]["code"] == "GEO-T-G1"]
        eq(len(feats), 1, "listed")
        eq(feats[0]["properties"]["generated"], False, "imported, not generated")
        eq(feats[0]["geometry"], doc["features"][0]["geometry"], "geometry as imported")
        ev = self.srv.db.query("SELECT payload FROM events WHERE action = 'geo.import' ORDER BY seq DESC LIMIT 1")
        check('"unit_ids":[%d]' % g["id"] in ev[0][0], ev)
        # re-import moves it: the old place is empty, the new one located
        expect_status(self.admin.post("/api/v1/geo/import?level=grid",
                                      [feature("GEO-T-G1", [square(110, 30, 110.01, 30.01)])]), 201)
        expect_error(self.leader.get("/api/v1/geo/locate?lon=100.002&lat=30.002"), 404, "not_found")
        eq(expect_status(self.leader.get("/api/v1/geo/locate?lon=110.005&lat=30.005"), 200).json()["grid_id"], g["id"], "moved")
        # the index comes back after a restart
        self.srv.restart()
        leader = self.srv.session("leader")
        eq(expect_status(leader.get("/api/v1/geo/locate?lon=110.005&lat=30.005"), 200).json()["grid_id"], g["id"], "restart")
        self.leader = leader
        self.admin = self.srv.session("admin")
        self.chun = self.srv.session("chunliu.staff")
        self.malan = self.srv.session("malan.staff")
        self.insp = self.srv.session("grid.inspector")

    def test_street_import_replaces_polygon(self):
        db = self.srv.db
        s = self.by_code["210204018"]
        expect_status(self.admin.post("/api/v1/geo/import?level=street",
                                      [feature("210204018", [square(120, 30, 120.5, 30.5)])]), 201)
        f = [x for x in self.areas(self.leader, "street") if x["properties"]["unit_id"] == s["id"]][0]
        eq(f["geometry"]["coordinates"], [square(120, 30, 120.5, 30.5)], "replaced")
        eq(db.query("SELECT COUNT(*) FROM geo_areas WHERE level = 'street'"), [(7,)], "still one polygon per street")

    # ------------------------------------------------------------------ scope
    def test_scope(self):
        chun = self.by_code["210204006"]
        grids = self.areas(self.chun, "grid")
        eq(len(grids), 9, "春柳's staff sees its 9 grids")
        check(all(f["properties"]["code"].startswith("210204006-") for f in grids), "only 春柳's")
        eq([f["properties"]["unit_id"] for f in self.areas(self.chun, "street")], [chun["id"]], "its street")
        check(not any(f["properties"]["code"].startswith("210204006") for f in self.areas(self.malan, "grid")),
              "马栏's staff does not see 春柳's grids")
        mine = self.areas(self.insp, "grid")
        eq(len(mine), 1, "the inspector sees its grid")
        eq(self.areas(self.insp, "street"), [], "and no street")
        # a point in a 春柳 grid: found for 春柳's staff, not for 马栏's
        x, y = point_inside(grids[4]["geometry"])
        eq(expect_status(self.chun.get("/api/v1/geo/locate?lon=%r&lat=%r" % (x, y)), 200).json()["grid_id"],
           grids[4]["properties"]["unit_id"], "in scope")
        expect_error(self.malan.get("/api/v1/geo/locate?lon=%r&lat=%r" % (x, y)), 404, "not_found")
        expect_error(self.srv.client().get("/api/v1/geo/areas"), 401)
