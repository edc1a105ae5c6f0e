"""access: a matrix generated from /api/v1/openapi.json.

For every (path, method) x every demo account (and an anonymous client) x, for routes with {id},
objects of the route's x-duban-object type inside and outside the account's scope:
  - public routes answer everyone; other routes answer 401 without credentials;
  - an account whose role is not in x-duban-roles gets 403 (whatever the object, so existence does
    not leak); one whose role is gets past authorisation; a read of an in-scope object is 200 and
    of an out-of-scope (or missing) one is 404;
  - GET /api/v1/me lists exactly the permissions x-duban-roles implies.
Lists never leak: every org unit a scoped account lists lies under its own unit's path.
The route table in the source, the server and openapi.json must agree both ways."""
import glob
import os
import re
import urllib.parse

import dubantest as dt
from dubantest import check, eq, expect_error, expect_status

ADMIN_ROLES = {"sysadmin", "secadmin", "auditor"}
# Open311's string path parameters, filled in by setup with objects that exist.
OPEN311_PARAMS = {}


def open311_params(path):
    for k, v in OPEN311_PARAMS.items():
        path = path.replace(k, v)
    return path
MISSING = 99999999


@dt.suite("access")
class AccessSuite(dt.Suite):
    def setup(self):
        self.srv = self.new_server("main")
        self.sess = {u: self.srv.session(u) for u in dt.DEMO_USERS}
        admin = self.sess["admin"]
        self.openapi = expect_status(self.srv.client().get("/api/v1/openapi.json"), 200).json()
        # a second root district that no business account's scope covers
        other = expect_status(admin.post("/api/v1/org-units", {"parent_id": None, "kind": "district",
                                                               "name": "另一个区(测试)", "code": "ACC-OTHER"}), 201).json()
        other_street = expect_status(admin.post("/api/v1/org-units", {"parent_id": other["id"], "kind": "street",
                                                                      "name": "外区街道", "code": "ACC-OTHER-S"}), 201).json()
        self.units, _ = dt.list_all(admin, "/api/v1/org-units")
        self.by_code = {u["code"]: u for u in self.units}
        self.by_id = {u["id"]: u for u in self.units}
        check(other_street["id"] in self.by_id, "new street listed for admin")
        bc = self.by_code
        # each account: its home path, in-scope and out-of-scope org units
        self.me = {u: expect_status(s.get("/api/v1/me"), 200).json() for u, s in self.sess.items()}
        self.home = {}
        for u, me in self.me.items():
            check(len(me["units"]) == 1, "%s has one unit: %r" % (u, me))
            self.home[u] = self.by_id[me["units"][0]]["path"]
        eq(self.by_id[self.me["chunliu.staff"]["units"][0]]["code"], "210204006", "chunliu.staff's unit")
        eq(self.by_id[self.me["malan.staff"]["units"][0]]["code"], "210204008", "malan.staff's unit")
        insp_grid = self.by_id[self.me["grid.inspector"]["units"][0]]
        eq(insp_grid["kind"], "grid", "grid.inspector's unit kind")
        check(insp_grid["path"].startswith(bc["210204006"]["path"]), "grid.inspector's grid lies under 春柳")
        sibling = [u for u in self.units if u["parent_id"] == insp_grid["parent_id"] and u["id"] != insp_grid["id"]]
        everyone_out = [other, other_street]
        self.org_in = {
            "admin": [bc["210204006"], other], "secadmin": [bc["210204008-C2-G1"], other],
            "auditor": [bc["210204006"]], "leader": [bc["210204"], bc["210204006-C1"], bc["210204-FGJ"]],
            "chunliu.staff": [bc["210204006"], bc["210204006-C3-G3"]],
            "malan.staff": [bc["210204008"], bc["210204008-C1-G1"]],
            "grid.inspector": [insp_grid],
            "ducha.staff": [bc["210204"], bc["210204006"], other],
            "tongji.staff": [bc["210204"], bc["210204006"], other],
        }
        self.org_out = {
            "admin": [], "secadmin": [], "auditor": everyone_out,
            "leader": everyone_out,
            "chunliu.staff": [bc["210204008"], bc["210204008-C1-G1"], bc["210204"], bc["210204-CZJ"], bc["210204010-C2"]] + everyone_out,
            "malan.staff": [bc["210204006"], bc["210204006-C1-G1"], bc["210204"], bc["210204011"]] + everyone_out,
            "grid.inspector": sibling[:1] + [self.by_id[insp_grid["parent_id"]], bc["210204006"], bc["210204008-C1-G1"], bc["210204"]] + everyone_out,
            "ducha.staff": [],
            "tongji.staff": [],
        }
        # objects of the other types: one that exists, one that does not
        target = expect_status(admin.post("/api/v1/users", {"username": "access.target", "password": "Qx7-tundra-Lamp",
                                                            "roles": ["staff"], "units": [bc["210204006"]["id"]]}), 201).json()
        spare = self.srv.session("leader")  # a session for secadmin to end
        sessions = expect_status(self.sess["secadmin"].get("/api/v1/sessions"), 200).json()["items"]
        spare_ids = [s["id"] for s in sessions if s["username"] == "leader"]
        check(spare_ids, "leader sessions listed")
        self.spare = spare
        self.objects = {"user": target["id"], "session": max(spare_ids), "event": 1}
        # two API tokens of the leader's: one the leader revokes among "its own" (every other account gets
        # 404), one the secadmin revokes among everyone's
        self.objects["own_api_token"], self.objects["api_token"] = [
            expect_status(self.sess["leader"].post("/api/v1/me/tokens", {"name": "access-matrix-%d" % i}), 201).json()["id"]
            for i in (1, 2)]
        # a plan with a key work, a task for 春柳 and one for 马栏, and a 督辦單 to 春柳: the plan and the
        # key work are in every plan reader's scope; the notice is not in 马栏's
        sup = self.sess["ducha.staff"]
        plan = expect_status(sup.post("/api/v1/plans", {"title": "访问测试计划", "year": 2026, "nodes": [
            {"kind": "key_work", "title": "重点工作", "children": [
                {"kind": "task", "title": "春柳的任务", "lead_unit_id": bc["210204006"]["id"]},
                {"kind": "task", "title": "马栏的任务", "lead_unit_id": bc["210204008"]["id"]}]}]}), 201).json()
        nodes = expect_status(sup.get("/api/v1/plans/%d/nodes" % plan["id"]), 200).json()["items"]
        fu = expect_status(sup.post("/api/v1/plan-nodes/%d/followups" % nodes[1]["id"], {"content": "请报送进展"}), 201).json()
        self.objects.update({"plan": plan["id"], "plan_node": nodes[0]["id"], "plan_followup": fu["id"]})
        # an indicator (built in) and a value of 春柳's (the demo's generated statistics): the value is
        # not in 马栏's scope
        vals = expect_status(self.sess["tongji.staff"].get("/api/v1/indicators/values?indicator=FISCAL_REV&unit_id=%d&year=2025"
                                                           % bc["210204006"]["id"]), 200).json()["items"]
        check(vals, "demo values of 春柳")
        self.objects.update({"indicator": 1, "indicator_value": vals[0]["id"]})
        # an attachment (read by its uploader and by those who see a case naming it: see the case
        # below) and a point in grid.inspector's grid: located for the accounts whose scope holds
        # that grid, 404 for the others
        jpeg = b"\xff\xd8\xff\xe0" + b"access" * 20
        self.sha = expect_status(self.sess["grid.inspector"].request("POST", "/api/v1/attachments", body=jpeg,
                                                                     ctype="image/jpeg"), 201).json()["sha256"]
        grid = [f for f in expect_status(admin.get("/api/v1/geo/areas?level=grid"), 200).json()["features"]
                if f["properties"]["unit_id"] == insp_grid["id"]]
        check(grid, "the inspector's grid has a polygon (the demo's generated areas)")
        ring = grid[0]["geometry"]["coordinates"][0] if grid[0]["geometry"]["type"] == "Polygon" else \
            grid[0]["geometry"]["coordinates"][0][0]
        self.locate_at = None
        for k in range(1, len(ring) - 1):  # the centroid of a triangle of the ring that lies inside
            x = (ring[0][0] + ring[k][0] + ring[k + 1][0]) / 3.0
            y = (ring[0][1] + ring[k][1] + ring[k + 1][1]) / 3.0
            r = admin.get("/api/v1/geo/locate?lon=%r&lat=%r" % (x, y))
            if r.status == 200 and r.json()["grid_id"] == insp_grid["id"]:
                self.locate_at = (x, y)
                break
        check(self.locate_at, "a point in the inspector's grid")
        self.sees_grid = {u: s.get("/api/v1/org-units/%d" % insp_grid["id"]).status == 200 for u, s in self.sess.items()}
        # a hotline case in grid.inspector's grid, led by 春柳: not in 马栏's scope
        case = expect_status(sup.post("/api/v1/cases", {"type": "hotline", "category": "H0101", "description": "访问测试工单",
                                                         "grid_id": insp_grid["id"]}), 201).json()
        if case["stage"] == "dispatch":
            expect_status(sup.post("/api/v1/cases/%d/actions/dispatch" % case["id"], {"unit_id": bc["210204006"]["id"]}), 200)
        self.objects.update({"case": case["id"]})
        expect_status(self.sess["grid.inspector"].post("/api/v1/cases/%d/notes" % case["id"],
                                                       {"text": "现场照片", "attachments": [self.sha]}), 201)
        self.reads_sha = {"grid.inspector", "leader", "ducha.staff", "chunliu.staff"}  # uploader; those who see the case
        # a key project led by 春柳 (not in 马栏's scope) and an enterprise (every project reader's)
        proj = expect_status(sup.post("/api/v1/projects", {"name": "访问测试项目", "lead_unit_id": bc["210204006"]["id"]}), 201).json()
        # an enterprise in 春柳: read by every project reader, edited within the data scope
        ent = [e for e in dt.list_all(sup, "/api/v1/enterprises")[0] if e["street_id"] == bc["210204006"]["id"]]
        check(ent, "demo enterprises in 春柳")
        self.objects.update({"project": proj["id"], "enterprise": ent[0]["id"]})
        # a release of the disclosure portal: the public's and its publishers' (the first, id 1)
        rel = expect_status(sup.post("/api/v1/disclosures", {"kind": "case_stats"}), 201).json()
        eq(rel["id"], 1, "the first release")
        self.objects.update({"disclosure": rel["id"], "public_disclosure": rel["id"]})
        self.objects_out = {"malan.staff": {"plan_followup", "indicator_value", "case", "project"}}
        for u in dt.DEMO_USERS:  # /me/tokens/{id}: a token is its owner's alone
            if u != "leader":
                self.objects_out.setdefault(u, set()).add("own_api_token")
        self.writes_out = {"malan.staff": {"enterprise"}}  # seen, not written: 403
        # Open311: a service, a request and its token that exist (string path parameters)
        key = expect_status(sup.post("/api/v1/me/tokens", {"name": "access-open311"}), 201).json()["token"]
        form = urllib.parse.urlencode({"api_key": key, "service_code": "B0101", "address_string": "访问测试地址"}).encode()
        o311 = expect_status(self.srv.client().request("POST", "/open311/v2/requests.json", body=form,
                                                       ctype="application/x-www-form-urlencoded"), 201).json()[0]
        OPEN311_PARAMS.update({"{service_code}": "B0101", "{service_request_id}": o311["service_request_id"],
                               "{token}": o311["token"]})
        self.logout_sessions = {u: self.srv.session(u) for u in dt.DEMO_USERS}
        self.ops = []
        for path, methods in self.openapi["paths"].items():
            for m, op in methods.items():
                # string path parameters: a case type and an action that exist
                self.ops.append((m.upper(), open311_params(path.replace("{code}", "hotline").replace("{action}", "supervise")), op))
        check(len(self.ops) >= 25, "openapi lists the routes (%d)" % len(self.ops))

    # ------------------------------------------------------------------ helpers
    def probe(self, client, method, path):
        """A request that passes authorisation without changing anything it should not."""
        if path == "/api/v1/org-units/import":
            return client.request(method, path, body="", ctype="text/csv")
        if method == "GET":
            return client.get(path)
        if method == "DELETE":
            return client.delete(path)
        if path.endswith("/unlock") or path.endswith("/audit/verify"):
            return client.request(method, path)
        if path.endswith("/deactivate"):
            return client.request(method, path, json_body={"probe": 1})
        if path in ("/api/v1/session", "/api/v1/me/password", "/api/v1/me/tokens", "/api/v1/org-units",
                    "/api/v1/users") or path.endswith("/move") or path.endswith("/reset-password") or path.endswith("/roles"):
            return client.request(method, path, json_body={})
        return client.request(method, path, json_body={"probe": 1})

    def allowed_ok(self, resp, what):
        check(resp.status not in (401, 403, 405) and resp.status < 500 and not (
            resp.status == 404 and "no route" in resp.text()), "%s: an allowed role was refused: %d %s" % (
            what, resp.status, resp.text()[:300]))

    # ------------------------------------------------------------------ the matrix
    def test_openapi_shape(self):
        for m, path, op in self.ops:
            acc = op.get("x-duban-access")
            check(acc in ("public", "authenticated", "permission"), "%s %s x-duban-access %r" % (m, path, acc))
            if acc == "permission":
                check(op.get("x-duban-permission") and isinstance(op.get("x-duban-roles"), list) and op["x-duban-roles"],
                      "%s %s needs x-duban-permission and x-duban-roles" % (m, path))
            if "{id}" in path:
                check(op.get("x-duban-object") in ("org_unit", "user", "session", "event", "plan", "plan_node", "plan_followup",
                                                  "indicator", "indicator_value", "case", "project", "enterprise", "api_token", "own_api_token",
                                                  "disclosure", "public_disclosure"),
                      "%s %s x-duban-object %r" % (m, path, op.get("x-duban-object")))
        # admin-only areas stay with their admin
        ops = {(m, p): op for m, p, op in self.ops}
        eq(ops[("GET", "/api/v1/events")]["x-duban-roles"], ["auditor"], "events are the auditor's")
        eq(ops[("POST", "/api/v1/org-units")]["x-duban-roles"], ["sysadmin"], "org writes are the sysadmin's")
        eq(ops[("PUT", "/api/v1/users/{id}/roles")]["x-duban-roles"], ["secadmin"], "roles are the secadmin's")

    def test_anonymous(self):
        c = self.srv.client()
        for m, path, op in self.ops:
            p = path.replace("{id}", "1").replace("{sha256}", "0" * 64)
            r = self.probe(c, m, p)
            if op["x-duban-access"] == "public":
                self.allowed_ok(r, "anonymous %s %s" % (m, p))
                if m == "GET":
                    expect_status(r, 200, "anonymous public")
            else:
                expect_error(r, 401, msg="anonymous %s %s" % (m, p))

    def test_permissions_match_me(self):
        for u, me in self.me.items():
            role_set = set(me["roles"])
            for m, path, op in self.ops:
                if op["x-duban-access"] != "permission":
                    continue
                has = bool(role_set & set(op["x-duban-roles"]))
                eq(op["x-duban-permission"] in me["permissions"], has,
                   "%s: /me permission %s vs x-duban-roles of %s %s" % (u, op["x-duban-permission"], m, path))

    def test_role_matrix(self):
        n = 0
        for m, path, op in self.ops:
            acc = op["x-duban-access"]
            obj = op.get("x-duban-object")
            for u in dt.DEMO_USERS:
                s = self.logout_sessions[u] if (m, path) == ("DELETE", "/api/v1/session") else self.sess[u]
                roles = set(self.me[u]["roles"])
                allowed = acc in ("public", "authenticated") or bool(roles & set(op.get("x-duban-roles", [])))
                if path == "/api/v1/geo/locate":
                    targets = [(path + "?lon=%r&lat=%r" % self.locate_at, self.sees_grid[u])]
                elif path == "/api/v1/attachments/{sha256}":
                    targets = [(path.replace("{sha256}", self.sha), u in self.reads_sha),
                               (path.replace("{sha256}", "0" * 64), False)]
                elif obj is None:
                    targets = [(path, None)]
                elif obj == "org_unit":
                    targets = [(path.replace("{id}", str(x["id"])), True) for x in self.org_in[u]] + \
                              [(path.replace("{id}", str(x["id"])), False) for x in self.org_out[u]]
                    if not targets:
                        targets = [(path.replace("{id}", str(self.org_in["admin"][0]["id"])), True)]
                    targets.append((path.replace("{id}", str(MISSING)), False))
                else:
                    targets = [(path.replace("{id}", str(self.objects[obj])), obj not in self.objects_out.get(u, ())),
                               (path.replace("{id}", str(MISSING)), False)]
                for p, in_scope in targets:
                    what = "%s %s %s (%s)" % (u, m, p, {True: "in scope", False: "out of scope", None: "-"}[in_scope])
                    r = self.probe(s, m, p)
                    n += 1
                    if not allowed:
                        e = expect_error(r, 403, msg=what)
                        check(e["code"] in ("forbidden", "permission_denied"), "%s: 403 code %r" % (what, e["code"]))
                        continue
                    if m != "GET" and in_scope and obj in self.writes_out.get(u, ()):
                        e = expect_error(r, 403, msg=what + ": a write outside the data scope")
                        check("scope" in e["message"], "%s: 403 says why: %r" % (what, e["message"]))
                        continue
                    self.allowed_ok(r, what)
                    if m == "GET":
                        if in_scope is False:
                            expect_error(r, 404, msg=what)
                        else:
                            expect_status(r, 200, what)
                            if obj == "org_unit":
                                eq(r.json()["id"], int(p.rsplit("/", 1)[1]), what + " id")
                    elif m == "DELETE" and in_scope is False or p.endswith("/%d/unlock" % MISSING):
                        expect_error(r, 404, msg=what)  # a write on a missing or another's object: 404 once authorised
        check(n > 300, "matrix size %d" % n)
        # the spare session was ended by secadmin's DELETE /api/v1/sessions/{id}
        expect_error(self.spare.get("/api/v1/me"), 401, msg="session ended by secadmin")
        # the leader revoked its own token; the secadmin the other: both for good
        revoked = [t["id"] for t in dt.list_all(self.sess["leader"], "/api/v1/me/tokens?status=revoked")[0]]
        check(self.objects["own_api_token"] in revoked and self.objects["api_token"] in revoked, "tokens revoked: %r" % revoked)
        ev = {e["payload"]["token_id"]: e["actor"] for e in
              dt.list_all(self.sess["auditor"], "/api/v1/events?action=token.revoke")[0]}
        eq((ev.get(self.objects["own_api_token"]), ev.get(self.objects["api_token"])), ("leader", "secadmin"),
           "who revoked each")
        # every account's DELETE /api/v1/session logged that session out
        for u, s in self.logout_sessions.items():
            expect_error(s.get("/api/v1/me"), 401, msg="%s after logout" % u)

    def test_org_lists_do_not_leak(self):
        for u in ("leader", "chunliu.staff", "malan.staff", "grid.inspector", "secadmin"):
            s = self.sess[u]
            home = self.home[u]
            expected = sorted(x["id"] for x in self.units if u == "secadmin" or x["path"].startswith(home))
            for q in ["", "&kind=grid", "&kind=street", "&q=%E7%BD%91%E6%A0%BC", "&q=210204", "&active=true",
                      "&parent_id=%d" % self.by_code["210204008"]["id"], "&parent_id=%d" % self.by_code["210204006"]["id"],
                      "&parent_id=null", "&q=%E5%A4%96%E5%8C%BA"]:
                r = expect_status(s.get("/api/v1/org-units?per_page=500" + q), 200, "%s list%s" % (u, q))
                j = r.json()
                for item in j["items"]:
                    if u != "secadmin":
                        check(item["path"].startswith(home), "%s list%s leaks %s %s (path %s, home %s)" % (
                            u, q, item["code"], item["name"], item["path"], home))
                eq(j["total"], len(j["items"]), "%s list%s total vs items" % (u, q))
                if q == "":
                    eq(sorted(i["id"] for i in j["items"]), expected, "%s sees exactly its subtree" % u)
        # paging cannot be used to reach beyond the scope either
        items, total = dt.list_all(self.sess["chunliu.staff"], "/api/v1/org-units", per_page=3)
        eq(len(items), total, "paged total")
        check(all(i["path"].startswith(self.home["chunliu.staff"]) for i in items), "paged list stays in scope")
        eq(total, 1 + 3 + 9, "春柳: street + 3 communities + 9 grids")

    # ------------------------------------------------------------------ other data scopes
    def new_account(self, username, body):
        return dt.new_account(self.srv, self.sess["admin"], username, body)

    def listed(self, s):
        items, total = dt.list_all(s, "/api/v1/org-units")
        eq(len(items), total, "list total")
        return sorted(u["id"] for u in items)

    def test_data_scope_variants(self):
        bc = self.by_code
        chunliu, malan = bc["210204006"], bc["210204008"]
        c1 = bc["210204006-C1"]
        under = lambda path: sorted(u["id"] for u in self.units if u["path"].startswith(path))  # noqa: E731
        cases = [
            ("scope.unit", {"units": [chunliu["id"]], "data_scope": "unit"}, [chunliu["id"]]),
            ("scope.self", {"units": [c1["id"]], "data_scope": "self"}, [c1["id"]]),
            ("scope.below", {"units": [chunliu["id"], malan["id"]]}, sorted(under(chunliu["path"]) + under(malan["path"]))),
            ("scope.custom", {"units": [chunliu["id"]], "data_scope": "custom",
                              "scope_units": [malan["id"], c1["id"]]}, sorted(under(malan["path"]) + under(c1["path"]))),
            ("scope.all", {"units": [chunliu["id"]], "data_scope": "all"}, sorted(u["id"] for u in self.units)),
        ]
        for username, body, want in cases:
            s = self.new_account(username, body)
            got = self.listed(s)
            eq(got, want, "%s lists exactly its scope" % username)
            wanted = set(want)
            probe = [u for u in self.units if u["id"] in wanted][:3] + [u for u in self.units if u["id"] not in wanted][:6]
            for u in probe:
                r = s.get("/api/v1/org-units/%d" % u["id"])
                if u["id"] in wanted:
                    expect_status(r, 200, "%s reads %s" % (username, u["code"]))
                else:
                    expect_error(r, 404, msg="%s must not read %s" % (username, u["code"]))

    def test_case_scope_is_the_data_scope(self):
        """A case is seen when a unit it names (street, community, grid, lead unit, co-unit) is in the
        account's data scope, exactly: a custom scope or a single unit is not widened to the account's
        units' subtrees. A petition is the exception: it is seen by its lead and co-units only, not for
        its place. The list and reads by id agree."""
        bc = self.by_code
        chunliu, malan = bc["210204006"], bc["210204008"]
        every, _ = dt.list_all(self.sess["leader"], "/api/v1/cases")
        check(len(every) > 20, "the demo has cases")
        names = lambda c: ([] if c["type"] == "petition" else [c["street_id"], c["community_id"], c["grid_id"]]) + \
            [c["lead_unit_id"]] + c["co_units"]  # noqa: E731
        under = lambda path: {u["id"] for u in self.units if u["path"].startswith(path)}  # noqa: E731
        in_chunliu = [c for c in every if any(x in under(chunliu["path"]) for x in names(c))]
        grid = next(g for g in (self.by_id[c["grid_id"]] for c in in_chunliu if c["grid_id"])
                    if sum(1 for c in in_chunliu if c["grid_id"] != g["id"]) > 0)
        variants = [
            ("cscope.custom", {"units": [chunliu["id"]], "data_scope": "custom", "scope_units": [grid["id"]]}, under(grid["path"])),
            ("cscope.unit", {"units": [malan["id"]], "data_scope": "unit"}, {malan["id"]}),
            ("cscope.self", {"units": [grid["id"]], "data_scope": "self"}, {grid["id"]}),
            ("cscope.below", {"units": [chunliu["id"]]}, under(chunliu["path"])),
        ]
        for username, body, units in variants:
            s = self.new_account(username, body)
            want = sorted(c["id"] for c in every if any(x in units for x in names(c)))
            got, total = dt.list_all(s, "/api/v1/cases")
            eq(sorted(c["id"] for c in got), want, "%s lists exactly the cases of its scope" % username)
            eq(total, len(want), username + " total")
            outside = [c for c in every if c["id"] not in set(want)]
            check(outside, username + ": some case lies outside")
            for c in [c for c in every if c["id"] in set(want)][:3]:
                expect_status(s.get("/api/v1/cases/%d" % c["id"]), 200, "%s reads case %d" % (username, c["id"]))
            for c in outside[:5] + [c for c in outside if c in in_chunliu][:5]:
                expect_error(s.get("/api/v1/cases/%d" % c["id"]), 404, msg="%s must not read case %d" % (username, c["id"]))
                expect_error(s.get("/api/v1/cases/%d/reporter" % c["id"]), 404, msg="%s: reporter of case %d" % (username, c["id"]))
        # the custom scope of one grid is narrower than its unit's street
        check(len([c for c in in_chunliu if c["grid_id"] == grid["id"]]) < len(in_chunliu), "the grid is part of the street")

    def test_cases_follow_moves(self):
        """A community moved to another street takes its cases along: lists and reads by id of both
        streets agree, and the cases name their new street."""
        admin = self.sess["admin"]
        bc = self.by_code
        ch, ml = self.sess["chunliu.staff"], self.sess["malan.staff"]
        every, _ = dt.list_all(self.sess["leader"], "/api/v1/cases")
        streets = (bc["210204006"]["path"], bc["210204008"]["path"])

        def placed_only(c):  # seen by a street only through its place (never a petition: not seen for it)
            lead = self.by_id.get(c["lead_unit_id"]) if c["lead_unit_id"] else None
            return c["type"] != "petition" and not c["co_units"] and (lead is None or not lead["path"].startswith(streets)
                                          or lead["path"].startswith(self.by_id[c["community_id"]]["path"]))
        com = next(self.by_id[c["community_id"]] for c in every
                   if c["community_id"] and c["street_id"] == bc["210204006"]["id"] and placed_only(c))
        moving = [c["id"] for c in every if c["community_id"] == com["id"] and placed_only(c)]
        check(moving, "some case lies in the community")
        listed = lambda s: {c["id"] for c in dt.list_all(s, "/api/v1/cases")[0]}  # noqa: E731
        check(set(moving) <= listed(ch), "chunliu lists the community's cases before the move")
        expect_status(admin.post("/api/v1/org-units/%d/move" % com["id"], {"parent_id": bc["210204008"]["id"]}), 200)
        try:
            ml_listed, ch_listed = listed(ml), listed(ch)
            for cid in moving:
                r = expect_status(ml.get("/api/v1/cases/%d" % cid), 200, "malan reads moved case %d" % cid).json()
                eq(r["street_id"], bc["210204008"]["id"], "case %d names its new street" % cid)
                check(cid in ml_listed, "malan lists moved case %d" % cid)
                expect_error(ch.get("/api/v1/cases/%d" % cid), 404, msg="chunliu no longer reads case %d" % cid)
                check(cid not in ch_listed, "chunliu no longer lists case %d" % cid)
        finally:
            expect_status(admin.post("/api/v1/org-units/%d/move" % com["id"], {"parent_id": bc["210204006"]["id"]}), 200)
        for cid in moving:
            eq(expect_status(ch.get("/api/v1/cases/%d" % cid), 200).json()["street_id"], bc["210204006"]["id"], "moved back")

    def test_scope_follows_moves(self):
        admin = self.sess["admin"]
        bc = self.by_code
        com = bc["210204006-C3"]
        grid = bc["210204006-C3-G1"]
        ch, ml = self.sess["chunliu.staff"], self.sess["malan.staff"]
        expect_status(ch.get("/api/v1/org-units/%d" % grid["id"]), 200)
        expect_error(ml.get("/api/v1/org-units/%d" % grid["id"]), 404)
        expect_status(admin.post("/api/v1/org-units/%d/move" % com["id"], {"parent_id": bc["210204008"]["id"]}), 200)
        try:
            expect_error(ch.get("/api/v1/org-units/%d" % grid["id"]), 404, msg="moved out of chunliu's scope")
            expect_status(ml.get("/api/v1/org-units/%d" % grid["id"]), 200, "moved into malan's scope")
            check(grid["id"] not in self.listed(ch) and com["id"] not in self.listed(ch), "chunliu's list lost the subtree")
            check(grid["id"] in self.listed(ml) and com["id"] in self.listed(ml), "malan's list gained the subtree")
        finally:
            expect_status(admin.post("/api/v1/org-units/%d/move" % com["id"], {"parent_id": bc["210204006"]["id"]}), 200)
        expect_status(ch.get("/api/v1/org-units/%d" % grid["id"]), 200, "moved back")
        expect_error(ml.get("/api/v1/org-units/%d" % grid["id"]), 404, msg="moved back")
        # a user whose own unit moves keeps seeing it, at its new path
        insp = self.sess["grid.inspector"]
        g = self.by_id[self.me["grid.inspector"]["units"][0]]
        other_c = bc["210204006-C2"]
        expect_status(admin.post("/api/v1/org-units/%d/move" % g["id"], {"parent_id": other_c["id"]}), 200)
        try:
            r = expect_status(insp.get("/api/v1/org-units/%d" % g["id"]), 200).json()
            eq(r["path"], other_c["path"] + "%d/" % g["id"], "inspector's grid at its new path")
            eq(self.listed(insp), [g["id"]], "inspector still sees just the grid")
        finally:
            expect_status(admin.post("/api/v1/org-units/%d/move" % g["id"], {"parent_id": g["parent_id"]}), 200)

    # ------------------------------------------------------------------ route table agreement
    def source_routes(self):
        out = set()
        pat1 = re.compile(r'push_back\(\{\s*"([A-Z]+)"\s*,\s*"([^"]+)"')
        pat2 = re.compile(r'\bRoute\s+\w+\s*\{\s*"([A-Z]+)"\s*,\s*"([^"]+)"')
        pat3 = re.compile(r'\badd\(\s*"([A-Z]+)"\s*,\s*"([^"]+)"')
        files = glob.glob(os.path.join(dt.REPO, "src", "http", "*.cpp"))
        check(files, "source files found")
        for f in files:
            text = open(f, encoding="utf-8").read()
            for pat in (pat1, pat2, pat3):
                for m, p in pat.findall(text):
                    out.add((m, open311_params(p.replace("{code}", "hotline").replace("{action}", "supervise"))))
        return out

    def test_routes_source_vs_openapi(self):
        src = self.source_routes()
        check(len(src) >= 25, "parsed routes from the source: %d" % len(src))
        doc = {(m, p) for m, p, _ in self.ops}
        missing_doc = sorted(src - doc)
        missing_src = sorted(doc - src)
        check(not missing_doc, "routes in the source but not in openapi.json: %r" % missing_doc)
        check(not missing_src, "routes in openapi.json but not in the source: %r" % missing_src)

    def test_routes_exist_on_server(self):
        c = self.srv.client()
        # control: the probe does see a missing route
        r = c.get("/api/v1/no-such-route")
        expect_error(r, 404)
        check("no route" in r.json()["error"]["message"], "control probe: %r" % r)
        probes = {(m, p) for m, p, _ in self.ops} | self.source_routes()
        for m, p in sorted(probes):
            r = c.request(m, p.replace("{id}", "1").replace("{sha256}", "0" * 64), body=b"", ctype="application/json")
            check(not (r.status == 404 and "no route" in r.text()), "%s %s: the server has no such route" % (m, p))
            check(r.status != 405, "%s %s: method not allowed on the server" % (m, p))
        # and methods that are not routes are refused
        r = c.request("DELETE", "/api/v1/org-units")
        eq(r.status, 405, "DELETE /api/v1/org-units")
        r = c.request("PUT", "/api/v1/org-units/1")
        eq(r.status, 405, "PUT /api/v1/org-units/1")

    def test_405_names_allowed_methods(self):
        # RFC 9110 15.5.6: a 405 response MUST carry an Allow header listing the supported methods
        c = self.srv.client()
        for method, path, allowed in [("DELETE", "/api/v1/org-units", {"GET", "POST"}),
                                      ("PUT", "/api/v1/org-units/1", {"GET", "PATCH"}),
                                      ("GET", "/api/v1/audit/verify", {"POST"})]:
            r = c.request(method, path)
            expect_error(r, 405, msg="%s %s" % (method, path))
            allow = r.header("Allow")
            check(allow is not None, "%s %s: 405 without an Allow header" % (method, path))
            eq({m.strip() for m in allow.split(",")}, allowed, "%s %s Allow" % (method, path))
