"""org: the org unit lifecycle through the API: create district→street→community→grid, placement
rules, duplicate codes, optimistic versions, subtree moves, deactivation, paging and filters, CSV
import (all rows or none), and an event for every write."""
import threading

import dubantest as dt
from dubantest import check, eq, expect_error, expect_status

P = "/api/v1/org-units"


@dt.suite("org")
class OrgSuite(dt.Suite):
    def setup(self):
        self.srv = self.new_server("main")
        self.admin = self.srv.session("admin")
        self.auditor = self.srv.session("auditor")
        self.writes = []  # (action, unit id) expected in the event log

    def create(self, parent, kind, name, code=None, expect=201):
        body = {"parent_id": parent["id"] if parent else None, "kind": kind, "name": name}
        if code is not None:
            body["code"] = code
        r = self.admin.post(P, body)
        if expect != 201:
            return r
        expect_status(r, 201, "create %s %s" % (kind, name))
        u = r.json()
        eq(r.header("Location"), "%s/%d" % (P, u["id"]), "Location")
        self.writes.append(("org_unit.create", u["id"]))
        return u

    def get(self, unit_id):
        return expect_status(self.admin.get("%s/%d" % (P, unit_id)), 200).json()

    # ------------------------------------------------------------------ create
    def test_create_hierarchy(self):
        d = self.create(None, "district", "测试区", "T-D")
        eq((d["kind"], d["parent_id"], d["path"], d["version"], d["active"], d["generated"]),
           ("district", None, "/%d/" % d["id"], 1, True, False), "district fields")
        s1 = self.create(d, "street", "测试一街道", "T-D-S1")
        eq(s1["path"], d["path"] + "%d/" % s1["id"], "street path")
        s2 = self.create(d, "street", "测试二街道", "T-D-S2")
        c = self.create(s1, "community", "测试社区", "T-D-S1-C1")
        eq(c["path"], s1["path"] + "%d/" % c["id"], "community path")
        grids = [self.create(c, "grid", "测试网格%d" % i, "T-D-S1-C1-G%d" % i) for i in range(1, 8)]
        for g in grids:
            eq(g["path"], c["path"] + "%d/" % g["id"], "grid path")
            eq(g["parent_id"], c["id"], "grid parent")
        dep = self.create(d, "department", "测试局", None)
        eq(dep["code"], None, "code is optional")
        self.d, self.s1, self.s2, self.c, self.grids, self.dep = d, s1, s2, c, grids, dep
        # read back: the same unit, now with its seven grids counted
        eq(c["has_children"], False, "a new unit has no children")
        eq(self.get(c["id"]), dict(c, has_children=True), "GET returns what create returned, now with children")

    def test_wrong_placement(self):
        cases = [("grid", self.d), ("grid", self.s1), ("community", self.d), ("street", self.s1),
                 ("street", None), ("district", self.d), ("community", self.grids[0]), ("department", self.s1),
                 ("grid", self.grids[0])]
        for kind, parent in cases:
            expect_error(self.create(parent, kind, "错位", expect=422), 422, field="parent_id",
                         msg="%s under %s" % (kind, parent["kind"] if parent else "root"))
        # a department may sit under a department
        sub = self.create(self.dep, "department", "测试局下属科室", "T-DEP-SUB")
        eq(sub["parent_id"], self.dep["id"], "department under department")

    def test_duplicate_code(self):
        r = self.create(self.s1, "community", "重复代码社区", "T-D-S1-C1", expect=409)
        expect_error(r, 409, code="duplicate_code", field="code")
        r = self.create(self.s2, "community", "重复代码社区", "210204006", expect=409)
        expect_error(r, 409, field="code", msg="a demo code")
        r = expect_status(self.admin.patch("%s/%d" % (P, self.s2["id"]), {"code": "T-D-S1"}), 409, "patch to a used code")
        expect_error(r, 409, field="code")

    # ------------------------------------------------------------------ patch
    def test_patch_and_version(self):
        g = self.grids[0]
        r = expect_status(self.admin.patch("%s/%d" % (P, g["id"]), {"name": "改名网格", "version": g["version"]}), 200)
        j = r.json()
        eq((j["name"], j["version"]), ("改名网格", g["version"] + 1), "patched name and version")
        self.writes.append(("org_unit.update", g["id"]))
        # the old version is now stale
        r = self.admin.patch("%s/%d" % (P, g["id"]), {"name": "又改名", "version": g["version"]})
        expect_error(r, 409, code="version_conflict", field="version")
        eq(self.get(g["id"])["name"], "改名网格", "a stale patch changed nothing")
        # code can be cleared and set
        r = expect_status(self.admin.patch("%s/%d" % (P, g["id"]), {"code": None}), 200).json()
        eq(r["code"], None, "code cleared")
        r = expect_status(self.admin.patch("%s/%d" % (P, g["id"]), {"code": "T-G1-NEW", "version": r["version"]}), 200).json()
        eq((r["code"], r["version"]), ("T-G1-NEW", g["version"] + 3), "code set, version counts every change")
        self.writes += [("org_unit.update", g["id"])] * 2
        # kind of a unit with children cannot change; of a leaf (to a valid placement) can
        expect_error(self.admin.patch("%s/%d" % (P, self.dep["id"]), {"kind": "district"}), 422, msg="dep→district under district")
        expect_error(self.admin.patch("%s/%d" % (P, self.s1["id"]), {"name": " "}), 422, field="name")

    # ------------------------------------------------------------------ move
    def test_move_subtree(self):
        c = self.get(self.c["id"])
        r = expect_status(self.admin.post("%s/%d/move" % (P, c["id"]), {"parent_id": self.s2["id"]}), 200)
        m = r.json()
        self.writes.append(("org_unit.move", c["id"]))
        new_path = self.s2["path"] + "%d/" % c["id"]
        eq((m["parent_id"], m["path"]), (self.s2["id"], new_path), "moved community")
        for g in self.grids:
            gg = self.get(g["id"])
            eq(gg["path"], new_path + "%d/" % g["id"], "descendant path after the move")
            eq(gg["parent_id"], c["id"], "descendant parent unchanged")
        # the list by parent follows
        kids = expect_status(self.admin.get(P + "?parent_id=%d&per_page=500" % self.s1["id"]), 200).json()
        eq(kids["total"], 0, "old street has no children left")
        kids = expect_status(self.admin.get(P + "?parent_id=%d&per_page=500" % self.s2["id"]), 200).json()
        eq([k["id"] for k in kids["items"]], [c["id"]], "new street's children")
        self.c = self.get(c["id"])

    def test_move_rules(self):
        # under itself or its own descendant
        expect_error(self.admin.post("%s/%d/move" % (P, self.c["id"]), {"parent_id": self.c["id"]}), 422, field="parent_id",
                     msg="under itself")
        expect_error(self.admin.post("%s/%d/move" % (P, self.s2["id"]), {"parent_id": self.grids[2]["id"]}), 422,
                     field="parent_id", msg="street under its own grid")
        expect_error(self.admin.post("%s/%d/move" % (P, self.d["id"]), {"parent_id": self.c["id"]}), 422,
                     field="parent_id", msg="district under its own community")
        # wrong kind of parent, missing parent, missing body field
        expect_error(self.admin.post("%s/%d/move" % (P, self.c["id"]), {"parent_id": self.d["id"]}), 422,
                     field="parent_id", msg="community under a district")
        expect_error(self.admin.post("%s/%d/move" % (P, self.c["id"]), {"parent_id": 999999}), 422, field="parent_id")
        expect_error(self.admin.post("%s/%d/move" % (P, self.c["id"]), {}), 422, field="parent_id")
        expect_error(self.admin.post("%s/999999/move" % P, {"parent_id": self.s1["id"]}), 404)
        # nothing moved
        eq(self.get(self.c["id"])["path"], self.c["path"], "failed moves leave the path")
        eq(self.get(self.grids[2]["id"])["path"], self.c["path"] + "%d/" % self.grids[2]["id"], "grid path")

    # ------------------------------------------------------------------ deactivate
    def test_deactivate(self):
        r = self.admin.post("%s/%d/deactivate" % (P, self.c["id"]))
        expect_error(r, 409, code="has_children", msg="community with active grids")
        eq(self.get(self.c["id"])["active"], True, "still active")
        leaf = self.grids[-1]
        r = expect_status(self.admin.post("%s/%d/deactivate" % (P, leaf["id"])), 200).json()
        eq(r["active"], False, "leaf deactivated")
        self.writes.append(("org_unit.deactivate", leaf["id"]))
        eq(self.get(leaf["id"])["active"], False, "GET shows inactive")
        expect_error(self.admin.post("%s/%d/deactivate" % (P, leaf["id"])), 409, msg="deactivate twice")
        r = self.create(leaf, "grid", "x", expect=422)  # no children under an inactive unit (and grids have none)
        expect_error(r, 422, field="parent_id")
        # a unit with members cannot be deactivated: the demo street of chunliu.staff
        chunliu_grid = dt.org_by_code(self.admin, "210204006-C1-G1")
        r = self.admin.post("%s/%d/deactivate" % (P, chunliu_grid["id"]))
        expect_error(r, 409, msg="grid.inspector's grid has a member")
        # inactive units are filtered
        act = expect_status(self.admin.get(P + "?parent_id=%d&active=false" % self.c["id"]), 200).json()
        eq([u["id"] for u in act["items"]], [leaf["id"]], "active=false filter")
        act = expect_status(self.admin.get(P + "?parent_id=%d&active=true&per_page=500" % self.c["id"]), 200).json()
        eq(act["total"], len(self.grids) - 1, "active=true filter")

    # ------------------------------------------------------------------ list
    def test_list_paging(self):
        base = P + "?parent_id=%d" % self.c["id"]
        full = expect_status(self.admin.get(base + "&per_page=500"), 200).json()
        eq(full["total"], len(self.grids), "total grids")
        eq(sorted(u["id"] for u in full["items"]), sorted(g["id"] for g in self.grids), "all grids listed")
        seen = []
        for page in range(1, 5):
            j = expect_status(self.admin.get(base + "&per_page=2&page=%d" % page), 200).json()
            eq((j["page"], j["per_page"], j["total"]), (page, 2, len(self.grids)), "page %d header" % page)
            eq(len(j["items"]), min(2, len(self.grids) - 2 * (page - 1)), "page %d size" % page)
            seen += [u["id"] for u in j["items"]]
        eq(len(seen), len(set(seen)), "pages do not overlap")
        eq(sorted(seen), sorted(g["id"] for g in self.grids), "pages cover everything")
        eq(seen, [u["id"] for u in full["items"]], "pages keep the order of the full list")
        j = expect_status(self.admin.get(base + "&per_page=2&page=9"), 200).json()
        eq((j["items"], j["total"]), ([], len(self.grids)), "a page past the end")
        default = expect_status(self.admin.get(P), 200).json()
        eq((default["page"], default["per_page"], len(default["items"])), (1, 50, 50), "defaults page 1, 50 per page")
        check(default["total"] > 100, "total counts every unit: %d" % default["total"])
        for bad in ("per_page=0", "per_page=501", "page=0", "page=-1", "page=abc", "per_page=1.5", "kind=village",
                    "active=maybe", "parent_id=abc"):
            expect_error(self.admin.get(P + "?" + bad), 400, msg=bad)

    def test_list_filters(self):
        j = expect_status(self.admin.get(P + "?kind=street&per_page=500"), 200).json()
        eq(j["total"], 7 + 2, "7 demo streets + 2 test streets")
        check(all(u["kind"] == "street" for u in j["items"]), "kind filter")
        # q in Chinese
        j = expect_status(self.admin.get(P + "?kind=street&q=" + dt.urlquote("春柳")), 200).json()
        eq([u["code"] for u in j["items"]], ["210204006"], "q=春柳 among streets")
        j = expect_status(self.admin.get(P + "?per_page=500&q=" + dt.urlquote("测试网格")), 200).json()
        eq(sorted(u["id"] for u in j["items"]), sorted(g["id"] for g in self.grids[1:]), "q=测试网格 (one was renamed)")
        j = expect_status(self.admin.get(P + "?per_page=500&q=" + dt.urlquote("网格") + "&parent_id=%d" % self.c["id"]), 200).json()
        eq(j["total"], len(self.grids), "q and parent_id together")
        j = expect_status(self.admin.get(P + "?per_page=500&q=" + dt.urlquote("区纪委")), 200).json()
        eq([u["code"] for u in j["items"]], ["210204-JWJW"], "q=区纪委")
        # codes match case-insensitively; wildcards from users are not wildcards
        j = expect_status(self.admin.get(P + "?q=t-d-s2"), 200).json()
        eq([u["id"] for u in j["items"]], [self.s2["id"]], "q by code, lower case")
        # % and _ are matched literally, not as wildcards
        j = expect_status(self.admin.get(P + "?q=%25%25%25%25"), 200).json()
        eq(j["total"], 0, "q of only % is a literal search, not a wildcard")
        j = expect_status(self.admin.get(P + "?q=_"), 200).json()
        check(all("_" in (u["name"] + (u["code"] or "")) for u in j["items"]), "q=_ matches only names or codes with _")
        j = expect_status(self.admin.get(P + "?q=" + dt.urlquote("没有这个名字")), 200).json()
        eq((j["total"], j["items"]), (0, []), "no match")
        j = expect_status(self.admin.get(P + "?parent_id=null&per_page=500"), 200).json()
        eq(sorted(u["code"] for u in j["items"]), ["210204", "T-D"], "roots")
        j = expect_status(self.admin.get(P + "?kind=grid&parent_id=%d" % self.s2["id"]), 200).json()
        eq(j["total"], 0, "kind and parent_id combine (grids are not direct children of a street)")
        # under: a street's grids at any depth (through its communities), not the unit itself
        c = self.get(self.c["id"])
        street = c["parent_id"]
        grid_ids = sorted(g["id"] for g in self.grids)
        j = expect_status(self.admin.get(P + "?kind=grid&per_page=500&under=%d" % street), 200).json()
        eq(sorted(u["id"] for u in j["items"]), grid_ids, "under a street: its grids")
        j = expect_status(self.admin.get(P + "?per_page=500&under=%d" % street), 200).json()
        eq(sorted(u["id"] for u in j["items"]), sorted(grid_ids + [c["id"]]), "under a street: its community and grids, not itself")
        other = self.s1["id"] if street == self.s2["id"] else self.s2["id"]
        j = expect_status(self.admin.get(P + "?kind=grid&under=%d" % other), 200).json()
        eq(j["total"], 0, "the other street has none of them")
        j = expect_status(self.admin.get(P + "?kind=grid&per_page=500&under=%d&q=%s" % (street, dt.urlquote("测试网格"))), 200).json()
        eq(sorted(u["id"] for u in j["items"]), sorted(g["id"] for g in self.grids[1:]), "under and q together")
        for bad in ("abc", "1.5", ""):
            expect_error(self.admin.get(P + "?under=" + bad), 400, field="under")
        eq(expect_status(self.admin.get(P + "?under=999999"), 200).json()["total"], 0, "under no unit: nothing")
        eq(expect_status(self.admin.get(P + "?under=%d" % self.grids[0]["id"]), 200).json()["total"], 0, "a grid has nothing below")
        # the scope still applies: a street's staff see nothing under another street
        chunliu = self.srv.session("chunliu.staff")
        malan = [u for u in expect_status(self.admin.get(P + "?kind=street&q=" + dt.urlquote("马栏")), 200).json()["items"]][0]
        eq(expect_status(chunliu.get(P + "?under=%d" % malan["id"]), 200).json()["total"], 0, "out of scope: nothing")
        check(expect_status(self.admin.get(P + "?under=%d" % malan["id"]), 200).json()["total"] > 0, "(the admin sees them)")

    def test_search_is_literal(self):
        # q is a literal substring on every backend: a backslash is just a character
        u = self.create(self.d, "department", "反斜杠\\测试局", "T-BSL")
        other = self.create(self.d, "department", "无斜杠测试局", "T-NOBSL")
        for q in ("\\", "杠\\测", "\\测试局"):
            j = expect_status(self.admin.get(P + "?per_page=500&q=" + dt.urlquote(q)), 200).json()
            eq(sorted(x["id"] for x in j["items"]), [u["id"]], "q=%r finds exactly the unit whose name contains it" % q)
        j = expect_status(self.admin.get(P + "?per_page=500&q=" + dt.urlquote("斜杠测试局")), 200).json()
        eq([x["id"] for x in j["items"]], [other["id"]], "q without the backslash")

    def test_kind_change_keeps_the_tree_valid(self):
        # a street whose only community is deactivated must not become a department: that would leave
        # a community under a department, which no create or move could produce
        st = self.create(self.d, "street", "改类型街道", "T-KIND-S")
        com = self.create(st, "community", "改类型社区", "T-KIND-C")
        expect_status(self.admin.post("%s/%d/deactivate" % (P, com["id"])), 200)
        self.writes.append(("org_unit.deactivate", com["id"]))
        r = self.admin.patch("%s/%d" % (P, st["id"]), {"kind": "department"})
        if r.status == 200:
            self.writes.append(("org_unit.update", st["id"]))
        check(r.status in (409, 422), "PATCH kind street→department with an (inactive) community below: expected 409/422, "
                                      "got %d; the tree now has %s under %s" % (
                                          r.status, self.get(com["id"])["kind"], self.get(st["id"])["kind"]))

    # ------------------------------------------------------------------ CSV import
    def test_import_bad_file(self):
        before = expect_status(self.admin.get(P), 200).json()["total"]
        csv = ("code,name,kind,parent_code\n"
               "T-IMP-S9,导入街道,street,T-D\n"          # row 2 ok
               "T-IMP-C9,导入社区,community,NOPE\n"      # row 3 bad parent_code
               "T-D-S1,重复,street,T-D\n"                # row 4 code exists
               "T-IMP-G9,导入网格,grid,T-IMP-S9\n"       # row 5 wrong placement (grid under street)
               "bad code,名字,street,T-D\n"             # row 6 bad code
               "T-IMP-X9,,street,T-D\n"                  # row 7 empty name
               "T-IMP-Y9,奇怪,village,T-D\n"             # row 8 bad kind
               "T-IMP-S9,再一次,street,T-D\n")           # row 9 repeats row 2
        r = self.admin.request("POST", P + "/import", body=csv, ctype="text/csv")
        e = expect_error(r, 422, code="import_invalid")
        rows = e.get("rows")
        check(isinstance(rows, list) and rows, "error.rows lists the problems: %r" % e)
        got = {(x["row"], x["column"]) for x in rows}
        for want in [(3, "parent_code"), (4, "code"), (5, "parent_code"), (6, "code"), (7, "name"), (8, "kind"), (9, "code")]:
            check(want in got, "error.rows should name row %d column %s: %r" % (want + (rows,)))
        check(all(isinstance(x["message"], str) and x["message"] for x in rows), "each row error has a message")
        check(not any(x["row"] == 2 for x in rows), "row 2 is valid: %r" % rows)
        eq(expect_status(self.admin.get(P), 200).json()["total"], before, "nothing imported")
        check(dt.org_by_code(self.admin, "T-IMP-S9") is None, "the valid row was not imported either")
        # header problems
        r = self.admin.request("POST", P + "/import", body="code,name,type\nA,B,street\n", ctype="text/csv")
        e = expect_error(r, 422, code="import_invalid")
        check({(x["row"], x["column"]) for x in e["rows"]} >= {(1, "type"), (1, "kind"), (1, "parent_code")},
              "header errors: %r" % e["rows"])
        expect_error(self.admin.request("POST", P + "/import", body="", ctype="text/csv"), 422, msg="empty file")
        expect_error(self.admin.request("POST", P + "/import", body="code,name,kind,parent_code\n", ctype="text/csv"), 422,
                     msg="no data rows")
        expect_error(self.admin.request("POST", P + "/import", body='code,name,kind,parent_code\n"A,B', ctype="text/csv"),
                     422, msg="unterminated quote")
        expect_error(self.admin.post(P + "/import", {"csv": "x"}), 415, msg="JSON to the CSV route")
        eq(expect_status(self.admin.get(P), 200).json()["total"], before, "still nothing imported")

    def test_import_good_file(self):
        csv = ("\ufeffcode,name,kind,parent_code\r\n"
               "T-IMP-S1,导入街道,street,T-D\r\n"
               "T-IMP-C1,\"导入社区, 东\",community,T-IMP-S1\r\n"
               "T-IMP-G1,导入网格一,grid,T-IMP-C1\r\n"
               "T-IMP-G2,导入网格二,grid,T-IMP-C1\r\n"
               "T-IMP-C2,已有街道下的社区,community,T-D-S2\r\n"
               "\r\n")
        dry = expect_status(self.admin.request("POST", P + "/import?dry_run=true", body=csv, ctype="text/csv; charset=utf-8"),
                            200, "dry run").json()
        eq((dry["valid_rows"], dry["imported"]), (5, 0), "dry run counts")
        check(dt.org_by_code(self.admin, "T-IMP-S1") is None, "dry run imports nothing")
        r = expect_status(self.admin.request("POST", P + "/import", body=csv, ctype="text/csv; charset=utf-8"), 201).json()
        eq(r["imported"], 5, "imported count")
        eq(len(r["ids"]), 5, "ids")
        s = dt.org_by_code(self.admin, "T-IMP-S1")
        c1 = dt.org_by_code(self.admin, "T-IMP-C1")
        g1 = dt.org_by_code(self.admin, "T-IMP-G1")
        g2 = dt.org_by_code(self.admin, "T-IMP-G2")
        c2 = dt.org_by_code(self.admin, "T-IMP-C2")
        check(all([s, c1, g1, g2, c2]), "imported units present")
        eq((s["parent_id"], s["kind"], s["name"]), (self.d["id"], "street", "导入街道"), "street")
        eq((c1["parent_id"], c1["name"]), (s["id"], "导入社区, 东"), "community (quoted field with a comma)")
        eq((g1["parent_id"], g2["parent_id"], g1["path"]), (c1["id"], c1["id"], c1["path"] + "%d/" % g1["id"]), "grids")
        eq(c2["parent_id"], self.s2["id"], "under an existing unit")
        eq(sorted(r["ids"]), sorted(u["id"] for u in (s, c1, g1, g2, c2)), "ids answer the created units")
        self.import_ids = r["ids"]
        # importing the same file again: every code exists now
        again = self.admin.request("POST", P + "/import", body=csv, ctype="text/csv")
        e = expect_error(again, 422, code="import_invalid")
        eq(len(e["rows"]), 5, "each row's code already exists")

    # ------------------------------------------------------------------ races
    def race(self, n, fn):
        """Runs fn(i) in n threads released together; returns the responses."""
        go = threading.Barrier(n)
        out = [None] * n

        def run(i):
            go.wait(timeout=10)
            out[i] = fn(i)
        ths = [threading.Thread(target=run, args=(i,)) for i in range(n)]
        for t in ths:
            t.start()
        for t in ths:
            t.join(timeout=30)
        check(all(o is not None for o in out), "race threads finished")
        return out

    def test_concurrent_writes(self):
        sessions = [self.srv.session("admin") for _ in range(8)]
        # the same code created 8 times at once: one wins, the rest get 409
        rs = self.race(8, lambda i: sessions[i].post(P, {"parent_id": self.s2["id"], "kind": "community",
                                                        "name": "并发社区%d" % i, "code": "T-RACE-1"}))
        st = sorted(r.status for r in rs)
        eq(st, [201] + [409] * 7, "one create per code under a race")
        for r in rs:
            if r.status == 409:
                expect_error(r, 409, field="code")
        won = [r.json() for r in rs if r.status == 201][0]
        self.writes.append(("org_unit.create", won["id"]))
        # 8 patches with the same version: one wins, the rest get 409 version_conflict
        rs = self.race(8, lambda i: sessions[i].patch("%s/%d" % (P, won["id"]), {"name": "并发改名%d" % i,
                                                                               "version": won["version"]}))
        eq(sorted(r.status for r in rs), [200] + [409] * 7, "one patch per version under a race")
        winner = [r.json() for r in rs if r.status == 200][0]
        self.writes.append(("org_unit.update", won["id"]))
        got = self.get(won["id"])
        eq((got["name"], got["version"]), (winner["name"], won["version"] + 1), "the winning patch is what is stored")
        # two subtrees moved under each other at once: at most one succeeds, never a cycle
        a = self.create(self.d, "department", "并发甲局", "T-RACE-A")
        b = self.create(self.d, "department", "并发乙局", "T-RACE-B")
        rs = self.race(2, lambda i: sessions[i].post("%s/%d/move" % (P, (a, b)[i]["id"]), {"parent_id": (b, a)[i]["id"]}))
        ok = [r for r in rs if r.status == 200]
        eq(len(ok), 1, "exactly one of two crossing moves succeeds: %r" % rs)
        moved = ok[0].json()
        self.writes.append(("org_unit.move", moved["id"]))
        aa, bb = self.get(a["id"]), self.get(b["id"])
        check(not (aa["path"].startswith(bb["path"]) and bb["path"].startswith(aa["path"])), "no cycle: %r %r" % (aa, bb))
        for u in (aa, bb):
            parent = self.get(u["parent_id"])
            eq(u["path"], parent["path"] + "%d/" % u["id"], "path consistent with parent after the race")

    # ------------------------------------------------------------------ metrics
    def metrics(self):
        """GET /metrics parsed: {name or name{labels}: value}, in the order given."""
        r = expect_status(dt.Client(self.srv.port).get("/metrics"), 200)
        check(r.header("Content-Type").startswith("text/plain"), "Prometheus text: %r" % r.header("Content-Type"))
        out = {}
        for line in r.text().splitlines():
            if line and not line.startswith("#"):
                key, value = line.rsplit(" ", 1)
                out[key] = float(value)
        return out

    def test_metrics_count_the_writes_and_their_batches(self):
        sessions = [self.srv.session("admin") for _ in range(8)]
        route = 'duban_http_requests_total{route="POST /api/v1/org-units",status="%d"}'
        before = self.metrics()
        # 16 creations at once, 8 and 8; a quarter name a parent that does not exist (422 inside the
        # writer, which sends a batch holding them round again with a savepoint each)
        made = []
        for wave in range(2):
            rs = self.race(8, lambda i: sessions[i].post(P, {
                "parent_id": self.s2["id"] if i % 4 else 999999999, "kind": "community",
                "name": "指标社区%d-%d" % (wave, i)}))
            eq(sorted(r.status for r in rs), [201] * 6 + [422] * 2, "wave %d" % wave)
            made += [r.json()["id"] for r in rs if r.status == 201]
        self.writes += [("org_unit.create", i) for i in made]  # one event each, checked below
        after = self.metrics()
        eq(after.get(route % 201, 0) - before.get(route % 201, 0), 12, "201s counted by route and status")
        eq(after.get(route % 422, 0) - before.get(route % 422, 0), 4, "422s counted by route and status")
        check(after["duban_commands_total"] - before["duban_commands_total"] >= 16, "each creation is a command")
        eq(after["duban_queue_depth"], 0, "nothing waits once every write is answered")
        # the commit batch histogram: cumulative buckets, +Inf = count = commits
        # (batches counted whether they committed or not: none failed here)
        for name, total in (("duban_commit_batch_size", after["duban_commits_total"]),
                            ("duban_http_request_duration_seconds",
                             sum(v for k, v in after.items() if k.startswith("duban_http_requests_total{")))):
            buckets = [(k, v) for k, v in after.items() if k.startswith(name + "_bucket{")]
            check(len(buckets) >= 5, "%s has buckets" % name)
            vals = [v for _, v in buckets]
            eq(vals, sorted(vals), "%s buckets are cumulative" % name)
            eq(buckets[-1][0], name + '_bucket{le="+Inf"}', "%s ends with +Inf" % name)
            eq((vals[-1], after[name + "_count"]), (total, total), "%s: +Inf and count" % name)
        replays = after["duban_commit_replays_total"]
        check(0 <= replays - before["duban_commit_replays_total"] <= 4, "at most one replay per failed creation")
        check(replays <= after["duban_commits_total"], "replays are of committed batches")

    # ------------------------------------------------------------------ events
    def test_every_write_has_an_event(self):
        events, total = dt.list_all(self.auditor, "/api/v1/events?object_type=org_unit")
        eq(len(events), total, "paged event total")
        have = {}
        for e in events:
            have.setdefault((e["action"], e["object_id"]), []).append(e)
            eq(e["object_type"], "org_unit", "object_type filter")
        from collections import Counter
        want = Counter(self.writes)
        check(len(self.writes) > 15, "writes recorded: %d" % len(self.writes))
        for (action, oid), n in want.items():
            got = len(have.get((action, oid), []))
            check(got == n, "%s of org unit %d: %d events, expected %d" % (action, oid, got, n))
        for action, oid in self.writes:
            e = have[(action, oid)][0]
            eq(e["actor"], "admin", "actor of %s %d" % (action, oid))
        imp = have.get(("org_unit.import", None), [])
        eq(len(imp), 1, "one import event")
        eq(sorted(imp[0]["payload"]["ids"]), sorted(self.import_ids), "import event lists the ids")
        # and the move records both paths
        mv = have[("org_unit.move", self.c["id"])][0]["payload"]
        eq((mv["from_parent_id"], mv["to_parent_id"]), (self.s1["id"], self.s2["id"]), "move event payload")
        # events are newest first and filterable by action
        seqs = [e["seq"] for e in events]
        eq(seqs, sorted(seqs, reverse=True), "events newest first")
        mv_only = expect_status(self.auditor.get("/api/v1/events?action=org_unit.move"), 200).json()
        eq([e["object_id"] for e in mv_only["items"]], [oid for a, oid in reversed(self.writes) if a == "org_unit.move"],
           "action filter (newest first)")
        pre = expect_status(self.auditor.get("/api/v1/events?action=org_unit.&per_page=1"), 200).json()
        eq(pre["total"], total, "action prefix filter 'org_unit.' counts every org unit event")
        one = expect_status(self.auditor.get("/api/v1/events/%d" % seqs[0]), 200).json()
        eq(one, events[0], "GET /events/{seq}")

    def test_scope_tops_names_and_actor_filter(self):
        # parent_id=null lists the tops of the reader's scope: for a street's staff, its street
        st = self.srv.session("chunliu.staff")
        tops = expect_status(st.get(P + "?parent_id=null"), 200).json()
        eq([u["code"] for u in tops["items"]], ["210204006"], "chunliu.staff's scope top is its street")
        eq(tops["items"][0]["has_children"], True, "the street has communities")
        # a unit with no children counts none; children outside the scope are never counted
        grid = expect_status(st.get(P + "?kind=grid&per_page=1"), 200).json()["items"][0]
        eq(grid["has_children"], False, "a grid has no children")
        # /me names one's own units, even for an auditor, who cannot read the org tree
        aud = self.srv.session("auditor")
        me = expect_status(aud.get("/api/v1/me"), 200).json()
        eq([u["name"] for u in me["units_detail"]], ["沙河口区"], "the auditor's unit by name")
        check(isinstance(me["session_id"], int), "the current session's id")
        expect_error(aud.get(P + "/%d" % me["units"][0]), 403)
        # the login log can be filtered by username
        ev = expect_status(aud.get("/api/v1/events?action=auth.&actor=chunliu.staff&per_page=500"), 200).json()
        check(ev["total"] >= 1, "chunliu.staff's logins are found")
        check(all(e["actor"] == "chunliu.staff" for e in ev["items"]), "only chunliu.staff's events")
