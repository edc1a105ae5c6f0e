"""badinput: a matrix of malformed, mistyped, incomplete, unknown-field, oversized, wrongly typed
and invalid requests on POST /api/v1/org-units, PATCH /api/v1/org-units/{id} and POST
/api/v1/users.  Every answer must have the right status and the error shape
{"error":{"code","message"[,"field"]}}, and afterwards the business tables must be unchanged row
for row (a dump taken through the database itself before and after)."""
import json

import dubantest as dt
from dubantest import check, eq, expect_error, expect_status

TABLES = ["org_units", "users", "user_roles", "user_units", "user_scope_units", "api_tokens", "settings", "events"]
GOOD_PW = "Qx7-tundra-Lamp"


@dt.suite("badinput")
class BadInputSuite(dt.Suite):
    def setup(self):
        self.srv = self.new_server("main")
        self.admin = self.srv.session("admin")
        self.district = dt.org_by_code(self.admin, "210204")
        self.street = dt.org_by_code(self.admin, "210204006")      # 春柳街道, has communities
        self.grid = dt.org_by_code(self.admin, "210204006-C1-G2")  # a leaf grid
        check(self.district and self.street and self.grid, "demo units missing")
        # The snapshot is taken after every login this suite needs: a login writes events.
        self.before = self.srv.db.dump_tables(TABLES)
        check(len(self.before["org_units"]) > 50 and len(self.before["events"]) > 50, "demo data present")
        self.checked = 0

    def err(self, resp, status, code=None, field=None, msg=""):
        self.checked += 1
        return expect_error(resp, status, code=code, field=field, msg=msg)

    def routes(self):
        """(name, method, path, a valid body)."""
        return [
            ("org create", "POST", "/api/v1/org-units",
             {"parent_id": self.district["id"], "kind": "department", "name": "坏输入测试部门", "code": "BAD-IN-1"}),
            ("org patch", "PATCH", "/api/v1/org-units/%d" % self.grid["id"], {"name": "新名字", "version": self.grid["version"]}),
            ("user create", "POST", "/api/v1/users",
             {"username": "bad.input", "password": GOOD_PW, "roles": ["staff"], "units": [self.street["id"]]}),
        ]

    # ------------------------------------------------------------------ body syntax
    def test_malformed_json(self):
        for name, method, path, _ in self.routes():
            for raw in ['{"name": ', '{name: "x"}', "{'name': 'x'}", '{"name": "x",}', "", "   ", "nul",
                        '{"a":1}{"b":2}', '{"name": "\\x"}']:
                self.err(self.admin.request(method, path, body=raw, ctype="application/json"), 400, code="invalid_json",
                         msg="%s body %r" % (name, raw))
            # invalid UTF-8
            self.err(self.admin.request(method, path, body=b'{"name": "\xff\xfe"}', ctype="application/json"), 400,
                     msg=name + " invalid UTF-8")

    def test_non_object_json(self):
        for name, method, path, good in self.routes():
            for raw in ["[]", json.dumps([good]), '"x"', "42", "null", "true"]:
                self.err(self.admin.request(method, path, body=raw, ctype="application/json"), 400,
                         code="invalid_json", msg="%s body %s" % (name, raw[:30]))

    def test_content_type(self):
        for name, method, path, good in self.routes():
            body = json.dumps(good)
            for ct in ["text/plain", "application/x-www-form-urlencoded", "text/csv", "application/jsonp",
                       "application/xml", "multipart/form-data; boundary=x"]:
                self.err(self.admin.request(method, path, body=body, ctype=ct), 415, field="Content-Type",
                         msg="%s Content-Type %s" % (name, ct))
            # no Content-Type at all
            self.err(self.admin.request(method, path, body=body), 415, msg=name + " without Content-Type")

    def test_oversized_body(self):
        for name, method, path, good in self.routes():
            big = json.dumps(dict(good, name="x" * (1024 * 1024 + 10))).encode()
            check(len(big) > 1024 * 1024, "body is over 1 MiB")
            head = ("%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nCookie: %s\r\n"
                    "X-CSRF-Token: %s\r\nContent-Length: %d\r\n\r\n" % (method, path, self.admin.cookie, self.admin.csrf,
                                                                        len(big))).encode()
            st, hdrs, body = dt.raw_request(self.srv.port, head, big)
            self.err(dt.Resp(method, path, st, list(hdrs.items()), body), 413, msg=name + " 1 MiB + Content-Length")
            head = ("%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nCookie: %s\r\n"
                    "X-CSRF-Token: %s\r\nTransfer-Encoding: chunked\r\n\r\n" % (method, path, self.admin.cookie,
                                                                               self.admin.csrf)).encode()
            st, hdrs, body = dt.raw_request(self.srv.port, head, big, chunked=True)
            self.err(dt.Resp(method, path, st, list(hdrs.items()), body), 413, msg=name + " 1 MiB + chunked")
        # the server is still fine
        expect_status(self.admin.get("/api/v1/me"), 200)

    # ------------------------------------------------------------------ fields
    def test_org_create_fields(self):
        p = "/api/v1/org-units"
        good = {"parent_id": self.district["id"], "kind": "department", "name": "坏输入测试部门", "code": "BAD-IN-2"}
        wrong_types = [("parent_id", "1"), ("parent_id", 1.5), ("parent_id", True), ("parent_id", [1]),
                       ("kind", 5), ("kind", None), ("kind", ["street"]), ("name", 123), ("name", None),
                       ("name", {"zh": "x"}), ("code", 5), ("code", False), ("code", ["a"])]
        for f, v in wrong_types:
            self.err(self.admin.post(p, dict(good, **{f: v})), 422, field=f, msg="create %s=%r" % (f, v))
        for f in ("parent_id", "kind", "name"):
            b = dict(good)
            del b[f]
            self.err(self.admin.post(p, b), 422, field=f, msg="create without " + f)
        self.err(self.admin.post(p, {}), 422, msg="create {}")
        for f in ("colour", "id", "path", "active", "Name"):
            self.err(self.admin.post(p, dict(good, **{f: "x"})), 422, code="unknown_field", field=f,
                     msg="create unknown " + f)
        for kind in ("village", "District", "", "street "):
            self.err(self.admin.post(p, dict(good, kind=kind)), 422, field="kind", msg="create kind %r" % kind)
        placements = [("grid", self.district["id"]), ("street", None), ("community", self.district["id"]),
                      ("grid", self.street["id"]), ("district", self.district["id"]), ("street", self.street["id"]),
                      ("community", self.grid["id"]), ("department", self.street["id"])]
        for kind, parent in placements:
            self.err(self.admin.post(p, dict(good, kind=kind, parent_id=parent)), 422, field="parent_id",
                     msg="create %s under %r" % (kind, parent))
        self.err(self.admin.post(p, dict(good, parent_id=999999)), 422, field="parent_id", msg="missing parent")
        for name in ("", "   ", "x" * 101):
            self.err(self.admin.post(p, dict(good, name=name)), 422, field="name", msg="name %r" % name[:10])
        for code in ("", "a b", "代码", "x" * 33, "a/b"):
            self.err(self.admin.post(p, dict(good, code=code)), 422, field="code", msg="code %r" % code)
        self.err(self.admin.post(p, dict(good, code="210204")), 409, code="duplicate_code", field="code",
                 msg="duplicate code")

    def test_org_patch_fields(self):
        p = "/api/v1/org-units/%d" % self.grid["id"]
        for f, v in [("name", 5), ("name", None), ("kind", []), ("kind", None), ("code", {}), ("code", 7),
                     ("version", "1"), ("version", 1.5), ("version", None)]:
            self.err(self.admin.patch(p, {f: v}), 422, field=f, msg="patch %s=%r" % (f, v))
        for f in ("parent_id", "colour", "active", "id"):
            self.err(self.admin.patch(p, {f: 1}), 422, code="unknown_field", field=f, msg="patch unknown " + f)
        self.err(self.admin.patch(p, {}), 422, msg="empty patch")
        self.err(self.admin.patch(p, {"kind": "village"}), 422, field="kind", msg="patch kind village")
        self.err(self.admin.patch(p, {"kind": "street"}), 422, field="parent_id", msg="patch grid→street placement")
        self.err(self.admin.patch(p, {"name": "  "}), 422, field="name", msg="patch blank name")
        self.err(self.admin.patch(p, {"code": "a b"}), 422, field="code", msg="patch bad code")
        self.err(self.admin.patch(p, {"code": "210204"}), 409, field="code", msg="patch duplicate code")
        self.err(self.admin.patch(p, {"name": "x", "version": self.grid["version"] + 7}), 409, field="version",
                 msg="patch stale version")
        self.err(self.admin.patch("/api/v1/org-units/999999", {"name": "x"}), 404, msg="patch missing unit")
        self.err(self.admin.patch("/api/v1/org-units/%d" % self.street["id"], {"kind": "district"}), 422,
                 msg="patch street→district placement")

    def test_user_create_fields(self):
        p = "/api/v1/users"
        good = {"username": "bad.input", "password": GOOD_PW, "roles": ["staff"], "units": [self.street["id"]]}
        wrong = [("username", 5), ("username", None), ("password", 123456789012), ("password", None),
                 ("roles", "staff"), ("roles", [1]), ("roles", {"staff": True}), ("units", "1"), ("units", ["1"]),
                 ("units", [1.5]), ("scope_units", 3), ("display_name", 5), ("data_scope", 5), ("disabled", "no"),
                 ("disabled", 0)]
        for f, v in wrong:
            self.err(self.admin.post(p, dict(good, **{f: v})), 422, field=f, msg="user %s=%r" % (f, v))
        for f in ("username", "password", "roles"):
            b = dict(good)
            del b[f]
            self.err(self.admin.post(p, b), 422, field=f, msg="user without " + f)
        for f in ("is_admin", "id", "password_hash", "email"):
            self.err(self.admin.post(p, dict(good, **{f: True})), 422, code="unknown_field", field=f,
                     msg="user unknown " + f)
        invalid = [("username", "Bad Name"), ("username", "ab"), ("username", "x" * 33), ("username", "张三"),
                   ("roles", ["wizard"]), ("roles", []), ("roles", ["staff", "staff"]), ("roles", ["sysadmin"]),
                   ("units", [999999]), ("units", []), ("data_scope", "everything"), ("display_name", ""),
                   ("display_name", "x" * 65), ("password", "short")]
        for f, v in invalid:
            self.err(self.admin.post(p, dict(good, **{f: v})), 422, field=f, msg="user %s=%r" % (f, v))
        self.err(self.admin.post(p, dict(good, data_scope="custom")), 422, field="scope_units", msg="custom scope")
        self.err(self.admin.post(p, dict(good, units=list(range(1, 103)))), 422, field="units", msg="101 units")
        self.err(self.admin.post(p, dict(good, username="leader")), 409, field="username", msg="duplicate username")

    # ------------------------------------------------------------------ nothing changed
    def test_tables_unchanged(self):
        check(self.checked > 100, "the matrix ran (%d checks)" % self.checked)
        after = self.srv.db.dump_tables(TABLES)
        for t in TABLES:
            b, a = self.before[t], after[t]
            if a != b:
                added = [r for r in a if r not in b][:3]
                removed = [r for r in b if r not in a][:3]
                raise dt.TestFailure("table %s changed by rejected requests (%d → %d rows); new/changed %r, "
                                     "gone/old %r" % (t, len(b), len(a), added, removed))
        # positive control: an accepted request does change the dump, so the comparison can fail
        r = expect_status(self.admin.post("/api/v1/org-units", self.routes()[0][3]), 201)
        after2 = self.srv.db.dump_tables(["org_units", "events"])
        check(after2["org_units"] != after["org_units"] and after2["events"] != after["events"],
              "the dump sees an accepted create")
        eq(r.json()["code"], "BAD-IN-1", "created code")

    # ------------------------------------------------------------------ after the snapshot check
    # (these may create rows, so they run after test_tables_unchanged)
    def test_query_strings_never_500(self):
        sec = self.srv.session("secadmin")
        aud = self.srv.session("auditor")
        long_zh = dt.urlquote("网" * 60)  # 180 bytes: a byte-wise cut at 100 splits a character
        probes = [(self.admin, "/api/v1/org-units?q=%FF"), (self.admin, "/api/v1/org-units?q=%E6%98"),
                  (self.admin, "/api/v1/org-units?q=" + long_zh), (self.admin, "/api/v1/org-units?kind=%FF"),
                  (sec, "/api/v1/users?q=%FF"), (sec, "/api/v1/users?role=%FF"),
                  (aud, "/api/v1/events?action=%FF"), (aud, "/api/v1/events?object_type=%FF%FE"),
                  (aud, "/api/v1/events?since=%FF")]
        bad = []
        for c, p in probes:
            r = c.get(p)
            if r.status >= 500:
                bad.append("GET %s -> %d %s" % (p, r.status, r.text()[:120]))
                continue
            if r.status == 200:
                check(isinstance(r.json().get("items"), list), "GET %s: a list" % p)
            else:
                expect_error(r, 400, msg="GET " + p)
        # a long Chinese search term is legitimate: it must be answered as a search
        r = self.admin.get("/api/v1/org-units?q=" + long_zh)
        if r.status != 200:
            bad.append("GET /api/v1/org-units?q=<60 x 网> -> %d (expected 200, a search)" % r.status)
        check(not bad, "query strings that are not valid UTF-8 (or are cut inside a character) must give 400 or "
                       "200, never a server error:\n    " + "\n    ".join(bad))

    def test_nul_and_control_characters(self):
        # accept and store exactly, or refuse with 422 naming the field; never store something else
        sent = "控制\u0000字符"
        r = self.admin.post("/api/v1/org-units", {"parent_id": self.district["id"], "kind": "department", "name": sent})
        if r.status == 422:
            expect_error(r, 422, field="name")
        else:
            expect_status(r, 201, "NUL in a name")
            got = r.json()["name"]
            eq(got, sent, "a name with NUL answered back as stored")
            eq(expect_status(self.admin.get("/api/v1/org-units/%d" % r.json()["id"]), 200).json()["name"], sent,
               "a name with NUL read back")

    def test_user_units_duplicates(self):
        r = self.admin.post("/api/v1/users", {"username": "dup.units", "password": GOOD_PW, "roles": ["staff"],
                                              "units": [self.street["id"], self.street["id"]]})
        if r.status == 201:
            eq(r.json()["units"], [self.street["id"]], "duplicate unit ids collapse to one")
        else:
            expect_error(r, 422, field="units", msg="duplicate unit ids")

    def test_user_patch_keeps_a_unit(self):
        # creation refuses a business account without units; an edit must not produce one either
        r = expect_status(self.admin.post("/api/v1/users", {"username": "keeps.unit", "password": GOOD_PW,
                                                            "roles": ["staff"], "units": [self.street["id"]]}), 201)
        uid = r.json()["id"]
        expect_error(self.admin.post("/api/v1/users", {"username": "keeps.unit2", "password": GOOD_PW, "roles": ["staff"],
                                                      "units": []}), 422, field="units", msg="create without units")
        r = self.admin.patch("/api/v1/users/%d" % uid, {"units": []})
        expect_error(r, 422, field="units", msg="PATCH a unit_and_below staff account to units []")

    def test_every_list_pages_the_same_way(self):
        """Lists built in memory follow the list convention too: page and per_page (default 50, at
        most 500) checked with 400 naming the parameter, the page cut from the whole, total kept."""
        sup, tongji, sec = self.srv.session("ducha.staff"), self.srv.session("tongji.staff"), self.srv.session("secadmin")
        for n in ("pages-1", "pages-2"):  # two tokens, so the token lists have a second page of one
            expect_status(sup.post("/api/v1/me/tokens", {"name": n}), 201)
        for who, path in ((sup, "/api/v1/plans"), (sup, "/api/v1/followups"), (tongji, "/api/v1/indicators/values?year=2025"),
                          (sec, "/api/v1/sessions"), (sup, "/api/v1/case-queue"), (sup, "/api/v1/me/tokens"),
                          (sec, "/api/v1/api-tokens")):
            sep = "&" if "?" in path else "?"
            for q, field in (("per_page=abc", "per_page"), ("per_page=0", "per_page"), ("per_page=501", "per_page"),
                             ("page=0", "page"), ("page=-3", "page")):
                self.err(who.get(path + sep + q), 400, field=field, msg=path + " " + q)
            whole = expect_status(who.get(path + sep + "per_page=500"), 200).json()
            eq(len(whole["items"]), min(whole["total"], 500), path + ": per_page=500 gives the whole (or 500)")
            first = expect_status(who.get(path), 200).json()
            eq((first["page"], first["per_page"], first["total"]), (1, 50, whole["total"]), path + ": defaults")
            eq(len(first["items"]), min(whole["total"], 50), path + ": default page size")
            if whole["total"] >= 2:
                second = expect_status(who.get(path + sep + "per_page=1&page=2"), 200).json()
                eq((len(second["items"]), second["page"], second["per_page"]), (1, 2, 1), path + ": page 2 of 1")
                eq(second["items"][0], whole["items"][1], path + ": the second item")
