"""open311: GeoReport v2 at /open311/v2/, driven by a client written from the spec alone
(tests/open311/client.py) in JSON and XML. An API token made by `duban token create` for the
dispatcher is the api_key. The services are the urban type's 小類; a request becomes an urban case
(source open311) that the dispatcher sees in /api/v1/cases; it is found by its token and read back.
Every response has the shape of the real cities' samples (tests/fixtures/open311/: same keys and
value kinds in JSON, same element names in XML). Errors use the spec's list ([{code, description}]
or <errors><error>): a bad api_key is 403, an unknown service_code or a missing location 400, and
nothing is stored. No reporter data is ever served, and only urban cases are visible."""
import json
import os
import sys

import dubantest as dt
from dubantest import check, eq, expect_status

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "open311"))

from client import Client, Open311Error, parse_json, parse_xml  # noqa: E402
from shapes import fixture, fixture_json, json_diff, xml_diff  # noqa: E402

SPEC_SERVICES = "open311status_service_list_specexample.json"
SF_SERVICES = "rubygem_open311_services.xml"
GIESSEN_SERVICES = "open311status_giessen_services.xml"
SF_DEFINITION = "rubygem_open311_service_definition.xml"
SF_POST = "rubygem_open311_post_service_request.xml"
SF_TOKEN = "rubygem_open311_request_id_from_token.xml"
SF_REQUESTS = "rubygem_open311_service_requests.xml"
TORONTO_REQUESTS = "open311status_toronto_requests_many.xml"
CHICAGO_REQUESTS = "open311status_chicago_service_requests.json"
NOT_FOUND = "rubygem_open311_get_service_request_not_found.xml"


def no_diff(diffs, what):
    check(not diffs, "%s differs from the sample: %s" % (what, "; ".join(diffs)))


def raises(fn, status, what):
    try:
        fn()
    except Open311Error as e:
        eq(e.status, status, what + " status")
        check(e.errors and all(isinstance(c, int) and isinstance(d, str) and d for c, d in e.errors),
              "%s: the spec's error list, got %r" % (what, e.body[:300]))
        return e
    raise dt.TestFailure("%s: expected HTTP %d, got success" % (what, status))


@dt.suite("open311")
class Open311Suite(dt.Suite):
    def setup(self):
        self.srv = self.new_server("main")
        self.sup = self.srv.session("ducha.staff")
        # The api_key: an API token of the dispatcher (may report cases), as the CLI prints it.
        self.api_key = self.cli_token(self.srv)
        # A token of an account that may not report cases (the statistician).
        stat = self.srv.session("tongji.staff")
        self.weak_key = expect_status(stat.post("/api/v1/me/tokens", {"name": "open311-weak"}), 201).json()["token"]
        base = self.srv.url() + "/open311/v2/"
        self.json = Client(base, api_key=self.api_key, fmt="json")
        self.xml = Client(base, api_key=self.api_key, fmt="xml")
        self.urban = expect_status(self.sup.get("/api/v1/case-types/urban"), 200).json()
        self.minors = [(m, c) for m in self.urban["categories"] for c in m["children"]]

    def cli_token(self, srv):
        r = dt.run_cli(self.duban, ["token", "create", "--username", "ducha.staff", "--name", "open311"] + srv.db.args)
        check(r.returncode == 0, "duban token create: %s %s" % (r.stdout, r.stderr))
        key = r.stdout.strip().splitlines()[-1]
        check(key.startswith("dbn_"), "token printed: %r" % r.stdout)
        return key

    def counts(self):
        q = self.srv.db.query
        # PostgreSQL answers counts as text
        return (int(q("SELECT COUNT(*) FROM cases")[0][0]), int(q("SELECT COUNT(*) FROM events")[0][0]))

    def body_of(self, client):
        return client.last.body

    # ------------------------------------------------------------------ services
    def test_services_list(self):
        js = self.json.services()
        js_body = self.body_of(self.json)
        check(self.json.last.content_type.startswith("application/json"), "JSON content type: %s" % self.json.last.content_type)
        xs = self.xml.services()
        xml_body = self.body_of(self.xml)
        check(self.xml.last.content_type.startswith("text/xml"), "XML content type: %s" % self.xml.last.content_type)
        check(xml_body.startswith(b'<?xml version="1.0" encoding="UTF-8"?>'), "XML declaration with UTF-8")
        eq(js, xs, "the same services in JSON and XML")
        eq([s["service_code"] for s in js], [c["code"] for _, c in self.minors], "one service per urban 小类, in order")
        for s, (major, minor) in zip(js, self.minors):
            eq(s["service_name"], minor["name"], "service_name")
            eq(s["group"], major["name"], "group is the 大类")
            eq(s["type"], "realtime", "type")
            eq(s["metadata"], True, "metadata")
        no_diff(json_diff(parse_json("services", js_body), fixture_json(SPEC_SERVICES)), "services.json vs the spec's example")
        no_diff(xml_diff(xml_body, fixture(SF_SERVICES)), "services.xml vs San Francisco")
        no_diff(xml_diff(xml_body, fixture(GIESSEN_SERVICES), allow_extra={"service": {"group"}}), "services.xml vs Gießen")
        # jurisdiction_id: ours is accepted, another one is not found
        raises(lambda: Client(self.json.endpoint, jurisdiction_id="sfgov.org").services(), 404, "another jurisdiction")

    def test_service_definition(self):
        code = self.minors[0][1]["code"]
        d = self.json.service_definition(code)
        dx = self.xml.service_definition(code)
        eq(d["service_code"], code, "service_code")
        urgency = [a for a in d["attributes"] if a["code"] == "urgency"]
        check(urgency, "an urgency attribute: %r" % d)
        eq(urgency[0]["datatype"], "singlevaluelist", "urgency datatype")
        eq([v["key"] for v in urgency[0]["values"]], ["normal", "urgent"], "urgency values")
        eq(urgency[0]["required"], False, "urgency is optional")
        # XML carries everything as text; the client types booleans and integers the same way
        eq(dx, d, "the same definition in JSON and XML")
        no_diff(xml_diff(self.body_of(self.xml), fixture(SF_DEFINITION),
                         allow_extra={"service_definition": {"attributes"}}, allow_missing={"service_definition": {"attribute"}}),
                "service definition XML vs the sample (which leaves out the spec's <attributes> wrapper)")
        for c in (self.json, self.xml):
            e = raises(lambda: c.service_definition("NOPE"), 404, "unknown service " + c.fmt)
            eq(e.errors[0][0], 404, "error code")
        no_diff(xml_diff(self.body_of(self.xml), fixture(NOT_FOUND)), "404 XML vs the sample")

    # ------------------------------------------------------------------ post, token, read back
    def post(self, client, **extra):
        code = self.minors[0][1]["code"]
        args = dict(lat=38.9085, long=121.5950, address_string="沙河口区 西安路 88号", first_name="小明", last_name="王",
                    phone="13812345678", email="wang@example.cn", description="西安路88号门前井盖缺失，行人易跌倒",
                    attributes={"urgency": "urgent"})
        args.update(extra)
        return code, client.post_request(code, **args)

    def read_back(self, client, created, code, what):
        eq(len(created), 1, what + ": one entry")
        sid, token = created[0]["service_request_id"], created[0]["token"]
        check(sid and token, what + ": service_request_id and token")
        check(created[0]["service_notice"], what + ": a service notice (the time limit)")
        by_token = client.token(token)
        eq(by_token, [{"service_request_id": sid, "token": token}], what + ": tokens/{token}")
        got = client.request(sid)
        eq(len(got), 1, what + ": requests/{id} is a list of one")
        r = got[0]
        eq(r["service_request_id"], sid, "id")
        eq(r["status"], "open", "status")
        eq(r["service_code"], code, "service_code")
        eq(r["service_name"], self.minors[0][1]["name"], "service_name")
        eq(r["description"], "西安路88号门前井盖缺失，行人易跌倒", "description")
        eq(r["address"], "沙河口区 西安路 88号", "address")
        check(abs(r["lat"] - 38.9085) < 1e-9 and abs(r["long"] - 121.5950) < 1e-9, "lat/long: %r" % r)
        for k in ("requested_datetime", "updated_datetime", "expected_datetime"):
            check(isinstance(r[k], str) and r[k].endswith("+08:00") and len(r[k]) == 25, "%s in ISO 8601 with +08:00: %r" % (k, r[k]))
        body = client.last.body.decode("utf-8")
        for secret in ("王", "小明", "13812345678", "****", "example.cn", "reporter"):
            check(secret not in body, "%s: the public request shows %r" % (what, secret))
        return sid, token, r

    def test_post_json_and_read_back(self):
        before = self.counts()
        code, created = self.post(self.json)
        no_diff(json_diff(created, parse_xml("requests", fixture(SF_POST)), keys="superset"), "POST response vs the sample")
        sid, token, r = self.read_back(self.json, created, code, "json")
        no_diff(json_diff([r], fixture_json(CHICAGO_REQUESTS), keys="superset"), "request JSON vs Chicago")
        no_diff(json_diff([r], parse_xml("requests", fixture(SF_REQUESTS))), "request JSON vs San Francisco")
        # the same request in XML
        eq(self.xml.request(sid), [r], "requests/{id}.xml parses to the same request")
        after = self.counts()
        eq(after[0], before[0] + 1, "one case created")
        # the dispatcher sees an urban case from open311 with the reporter masked
        items = expect_status(self.sup.get("/api/v1/cases?type=urban&per_page=500"), 200).json()["items"]
        mine = [c for c in items if c["number"] == sid]
        eq(len(mine), 1, "the case in the dispatcher's list")
        case = mine[0]
        eq((case["type"], case["source"], case["category"], case["urgency"]), ("urban", "open311", code, "urgent"), "case fields")
        eq(case["reporter"]["name"], "王**", "reporter name masked")
        eq(case["reporter"]["phone"], "138****5678", "reporter phone masked")
        # personal data is encrypted at rest: the phone is nowhere in the database in clear
        rows = self.srv.db.query("SELECT * FROM case_reporters")
        check(rows and "13812345678" not in repr(rows), "the reporter's phone is not stored in clear")

    def test_public_text_has_long_numbers_masked(self):
        """Citizens type their phone into the description: the public GET masks long numbers in the
        description and address, while the case itself keeps them for the staff."""
        text = "井盖缺失，联系我 13812340000（演示）"
        code, created = self.post(self.json, description=text, address_string="西安路88号 身份证210204199001011235")
        sid = created[0]["service_request_id"]
        r = self.json.request(sid)[0]
        eq(r["description"], "井盖缺失，联系我 138********（演示）", "the public description")
        eq(r["address"], "西安路88号 身份证210***************", "the public address")
        listed = [x for x in self.json.requests() if x["service_request_id"] == sid]
        check(listed and "13812340000" not in json.dumps(listed), "the list masks it too: %r" % listed)
        case = [c for c in expect_status(self.sup.get("/api/v1/cases?type=urban&per_page=500"), 200).json()["items"]
                if c["number"] == sid][0]
        eq(case["description"], text, "the staff read what was written")

    def test_post_xml_and_read_back(self):
        code, created = self.post(self.xml, attributes={})
        post_body = self.body_of(self.xml)
        no_diff(xml_diff(post_body, fixture(SF_POST), allow_extra={"request": {"token"}}), "POST XML vs the sample")
        sid, token, r = self.read_back(self.xml, created, code, "xml")
        self.xml.token(token)
        no_diff(xml_diff(self.body_of(self.xml), fixture(SF_TOKEN)), "tokens XML vs the sample")
        self.xml.request(sid)
        one = self.body_of(self.xml)
        no_diff(xml_diff(one, fixture(SF_REQUESTS)), "request XML vs San Francisco")
        no_diff(xml_diff(one, fixture(TORONTO_REQUESTS)), "request XML vs Toronto")
        eq(self.json.request(sid), [r], "requests/{id}.json parses to the same request")
        case = [c for c in expect_status(self.sup.get("/api/v1/cases?type=urban&per_page=500"), 200).json()["items"]
                if c["number"] == sid][0]
        eq(case["urgency"], "normal", "urgency defaults to normal")

    # ------------------------------------------------------------------ GET requests
    def test_requests_filters(self):
        code, a = self.post(self.json)
        _, b = self.post(self.xml)
        ids = [a[0]["service_request_id"], b[0]["service_request_id"]]
        listed = self.json.requests()
        check(set(ids) <= {r["service_request_id"] for r in listed}, "both in the default list")
        no_diff(json_diff(listed, fixture_json(CHICAGO_REQUESTS), keys="superset"), "requests.json vs Chicago")
        eq(self.xml.requests(), listed, "requests.xml parses to the same list")
        no_diff(xml_diff(self.body_of(self.xml), fixture(TORONTO_REQUESTS)), "requests.xml vs Toronto")
        eq(sorted(r["service_request_id"] for r in self.json.requests(service_request_id=ids)), sorted(ids), "by ids")
        eq({r["service_code"] for r in self.json.requests(service_code=code)}, {code}, "by service_code")
        check(set(ids) <= {r["service_request_id"] for r in self.json.requests(status="open")}, "open ones")
        check(not set(ids) & {r["service_request_id"] for r in self.json.requests(status="closed")}, "not closed")
        eq(self.json.requests(start_date="2099-01-01T00:00:00+08:00"), [], "a window in the future is empty")
        raises(lambda: self.json.requests(status="pending"), 400, "bad status")
        raises(lambda: self.xml.requests(start_date="2026-01-01T00:00:00+08:00", end_date="2026-06-01T00:00:00+08:00"),
               400, "a window over 90 days")
        raises(lambda: self.json.requests(start_date="yesterday"), 400, "a date without a time and offset")

    def test_window_ends_are_inclusive(self):
        # The spec's end_date is the latest time to include, and the default window ends now. A
        # request made in the very millisecond of the search must be listed: with the clock standing
        # still, requested_datetime, now and end_date are the same instant.
        srv = self.new_server("clock", extra=["--test-clock"])
        expect_status(srv.session("leader").put("/api/v1/_test/clock", {"now": "2026-11-29T10:00:00+08:00"}), 200)
        c = Client(srv.url() + "/open311/v2/", api_key=self.cli_token(srv), fmt="json")
        code = self.minors[0][1]["code"]
        sid = c.post_request(code, lat=38.9085, long=121.5950, description="路灯不亮")[0]["service_request_id"]
        eq(c.request(sid)[0]["requested_datetime"], "2026-11-29T10:00:00+08:00", "requested now")
        for what, kw in (("the default window", {}),
                         ("end_date at that instant", {"end_date": "2026-11-29T10:00:00+08:00"}),
                         ("start_date at that instant", {"start_date": "2026-11-29T10:00:00+08:00"}),
                         ("both at that instant", {"start_date": "2026-11-29T02:00:00Z", "end_date": "2026-11-29T02:00:00Z"})):
            check(sid in {r["service_request_id"] for r in c.requests(**kw)}, what + " lists the request")
        check(sid not in {r["service_request_id"] for r in c.requests(end_date="2026-11-29T09:59:59+08:00")},
              "a window ending a second earlier does not")

    def test_only_urban_cases_are_public(self):
        hot = expect_status(self.sup.post("/api/v1/cases", {"type": "hotline", "category": self.hotline_category(),
                                                             "description": "市民来电反映噪音扰民"}), 201).json()
        raises(lambda: self.json.request(hot["number"]), 404, "a hotline case by its number")
        check(hot["number"] not in {r["service_request_id"] for r in self.json.requests()}, "no hotline case listed")

    def hotline_category(self):
        t = expect_status(self.sup.get("/api/v1/case-types/hotline"), 200).json()
        return t["categories"][0]["children"][0]["code"]

    # ------------------------------------------------------------------ errors change nothing
    def test_errors_store_nothing(self):
        before = self.counts()
        code = self.minors[0][1]["code"]
        for c in (self.json, self.xml):
            raises(lambda: c.post_request(code, lat=38.9, long=121.6, api_key="dbn_not-a-token"), 403, "bad api_key " + c.fmt)
            if c is self.xml:
                no_diff(xml_diff(self.body_of(c), fixture(NOT_FOUND)), "403 XML vs the error sample")
            raises(lambda: c.post_request(code, lat=38.9, long=121.6, api_key=self.weak_key), 403, "no case.report " + c.fmt)
            e = raises(lambda: c.post_request("NOPE", lat=38.9, long=121.6), 400, "unknown service_code " + c.fmt)
            check(any("service_code" in d for _, d in e.errors), "names service_code: %r" % e.errors)
            e = raises(lambda: c.post_request(code, description="没有位置"), 400, "no location " + c.fmt)
            check(any("location" in d for _, d in e.errors), "names the location: %r" % e.errors)
            e = raises(lambda: c.post_request("NOPE", lat=91, long=121.6, attributes={"urgency": "panic"}), 400, "several problems")
            check(len(e.errors) >= 2, "every problem listed: %r" % e.errors)
            raises(lambda: c.post_request(code, lat=38.9, long=121.6, api_key=""), 400, "no api_key " + c.fmt)
        wrong = Client(self.json.endpoint, jurisdiction_id="sfgov.org", api_key=self.api_key)
        raises(lambda: wrong.post_request(code, lat=38.9, long=121.6), 404, "another jurisdiction")
        eq(self.counts(), before, "no case and no event after the errors")

    def test_unknown_ids_and_tokens(self):
        for c in (self.json, self.xml):
            raises(lambda: c.request("CG-19990101-000001"), 404, "unknown request " + c.fmt)
            raises(lambda: c.token("1-0123456789abcdef"), 404, "forged token " + c.fmt)
            raises(lambda: c.token("garbage"), 404, "garbage token " + c.fmt)
        r = self.srv.client().get("/open311/v2/services.html")
        eq(r.status, 404, "an unknown format")
