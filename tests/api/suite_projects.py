"""projects: key projects and investment attraction through the API (docs/projects-api.md), with the
server's clock set by the test (--test-clock). The demo dashboard's totals equal the seed's; create,
read, list and patch with validation (422 naming the field, nothing changed, no event); stages
advanced with evidence, 409 on a stale version and on a backwards move, an admin's revert; scopes
(fgj.staff, swj.staff, chunliu.staff: 404 outside; the leader sees all; the statistician cannot
write); a project stalled past its stage limit turns yellow then red and appears in the stalled list
as the clock moves; monthly investment reports with revisions and completion against the annual
plan; enterprises with credit codes checked; a signing flowing into PROJ_SIGNED and PROJ_CONTRACT; a
problem becoming a 企業訴求 case listed on the project with its waited days; a 督辦單 about a project."""
import urllib.parse

import dubantest as dt
from dubantest import check, eq, expect_error, expect_status


@dt.suite("projects")
class ProjectsSuite(dt.Suite):
    def setup(self):
        self.srv = self.new_server("main", extra=["--test-clock"])
        self.login_all()
        self.units = {}
        for u in expect_status(self.sup.get("/api/v1/org-units?per_page=500"), 200).json()["items"]:
            self.units[u.get("code") or u["name"]] = u
        self.fgj_id = self.units["210204-FGJ"]["id"]
        self.swj_id = self.units["210204-SWJ"]["id"]
        self.chunliu_id = self.units["210204006"]["id"]
        self.district_id = self.units["210204"]["id"]

    def login_all(self):
        # Moving the clock by days ends sessions (idle timeout): sign in again after each move.
        self.sup = self.srv.session("ducha.staff")
        self.leader = self.srv.session("leader")
        self.fgj = self.srv.session("fgj.staff")
        self.swj = self.srv.session("swj.staff")
        self.chunliu = self.srv.session("chunliu.staff")
        self.tongji = self.srv.session("tongji.staff")
        self.auditor = self.srv.session("auditor")

    def set_clock(self, now):
        c = self.srv.session("leader")
        r = expect_status(c.put("/api/v1/_test/clock", {"now": now}), 200, "set clock")
        self.login_all()
        return r.json()

    def event_count(self):
        return self.srv.db.query("SELECT COUNT(*) FROM events")[0][0]

    def new_project(self, sess, **kw):
        body = {"name": "测试项目", "project_kind": "industry", "lead_unit_id": self.fgj_id,
                "total_investment_wan": 12000, "annual_plan_wan": 3000}
        body.update(kw)
        return expect_status(sess.post("/api/v1/projects", body), 201, "create project").json()

    # ------------------------------------------------------------------ the demo's totals
    def test_demo_dashboard_equals_seed(self):
        d = expect_status(self.leader.get("/api/v1/project-dashboard?year=2026"), 200).json()
        t = d["totals"]
        eq(t["major_count"], 45, "45 major projects")
        eq(t["major_completed"], 21, "21 completed")
        eq(t["major_invested_yi"], 50.5, "50.5億元 invested this year")
        eq(t["signed_count"], 34, "34 signed")
        eq(t["signed_contract_yi"], 419.1, "419.1億元 contracted")
        ev = [e for e in t["events"] if e["name"] == "深圳經貿合作推介活動"]
        eq(len(ev), 1, "the Shenzhen event")
        eq((ev[0]["signed_count"], ev[0]["contract_yi"]), (18, 355.1), "18 signed at the Shenzhen event for 355.1億元")
        eq(t["enterprises_1m_count"], 754, "754 enterprises with >= 100萬元")
        eq(t["enterprises_1m_capital_yi"], 50.8, "50.8億元 of registered capital")
        eq(t["fdi_usd_yi"], 4.2, "實際利用外資 4.2億美元")
        eq(t["domestic_capital_yi"], 43.9, "引進內資 43.9億元")
        eq([f["stage"] for f in d["funnel"]], ["reserve", "negotiating", "signed", "registered", "started", "completed"], "funnel")
        eq(sum(f["count"] for f in d["funnel"]), 45 + 34 + 6, "the funnel holds the year's projects and 6 leads")
        eq([f["count"] for f in d["funnel"]][:2], [3, 3], "leads in reserve and in talks head the pipeline")
        eq(len(d["investment_by_month"]), 12, "months")
        # a past year has every month; this year's months not yet begun have no figures
        self.set_clock("2027-01-05T09:00:00+08:00")
        d = expect_status(self.leader.get("/api/v1/project-dashboard?year=2026"), 200).json()
        eq(round(d["investment_by_month"][-1]["cumulative_wan"]), 505000, "cumulative investment = 50.5億元")
        self.set_clock("2026-11-30T09:00:00+08:00")
        d = expect_status(self.leader.get("/api/v1/project-dashboard?year=2026"), 200).json()
        m = d["investment_by_month"]
        eq([(x["done_wan"], x["cumulative_wan"]) for x in m[11:]], [(None, None)], "December not begun: no figures")
        check(m[10]["cumulative_wan"] is not None and m[10]["plan_wan"] > 0 and m[11]["plan_wan"] > 0,
              "November has its figures; the plan line runs the whole year: %r" % m[10:])
        eq(sum(e["count"] for e in d["signings_by_event"]), 18, "by event")
        eq(sum(r["count"] for r in d["signings_by_region"]), 34, "by region")
        # the lists agree with the totals
        majors = expect_status(self.leader.get("/api/v1/projects?major=1&per_page=500"), 200).json()
        eq(majors["total"], 45, "major list")
        names = {p["name"] for p in majors["items"]}
        for n in ("現代服務業總部大廈", "諾德大廈", "期貨廣場", "半島大廈", "城市綜合體", "電影綜合體"):
            check(n in names, "the seed's project %s" % n)
        hq = [p for p in majors["items"] if p["name"] == "現代服務業總部大廈"][0]
        eq((hq["stage"], hq["total_investment_wan"], hq["generated"]), ("started", 25000, False), "現代服務業總部大廈: 2.5億元, started")
        check(all(p["generated"] == ("(生成)" in p["name"]) for p in majors["items"]), "generated projects are labelled")
        ents = expect_status(self.leader.get("/api/v1/enterprises?year=2026&min_capital_wan=100&per_page=5"), 200).json()
        eq(ents["total"], 754, "enterprise list")
        for e in ents["items"]:
            check(expect_status(self.leader.get("/api/v1/enterprises/check-code?code=" + e["credit_code"]), 200).json()["valid"],
                  "generated credit code %s is valid" % e["credit_code"])
        # the indicators fed by the projects for the district
        vals = expect_status(self.tongji.get("/api/v1/indicators/values?indicator=PROJ_SIGNED&unit_id=%d&year=2026" % self.district_id),
                             200).json()["items"]
        check(vals, "PROJ_SIGNED has values for 2026")
        last = max(vals, key=lambda v: v["period"])
        eq(last["value"], "34", "PROJ_SIGNED 1-N月累計 = 34")
        # every demo project's point lies inside the district, in the street it names
        for p in expect_status(self.leader.get("/api/v1/projects?per_page=500"), 200).json()["items"]:
            pl = p["place"]
            r = expect_status(self.leader.get("/api/v1/geo/locate?lon=%r&lat=%r" % (pl["lon"], pl["lat"])), 200,
                              "%s at %r" % (p["name"], pl))
            eq((r.json()["street_id"], r.json()["grid_id"]), (pl["street_id"], pl["grid_id"]), "%s lies in its street and grid" % p["name"])
        # swj.staff (招商局) sees the signings it leads, not the majors of 发改局
        mine = expect_status(self.swj.get("/api/v1/projects?per_page=500"), 200).json()
        check(mine["total"] > 0 and all(p["lead_unit"]["id"] == self.swj_id for p in mine["items"]), "swj sees its own")

    # ------------------------------------------------------------------ CRUD and validation
    def test_create_validation_changes_nothing(self):
        before = (self.event_count(), self.srv.db.query("SELECT COUNT(*) FROM registry_records")[0][0])
        cases = [
            ({"project_kind": "industry", "lead_unit_id": self.fgj_id}, "name"),
            ({"name": "x", "lead_unit_id": self.fgj_id, "project_kind": "farm"}, "project_kind"),
            ({"name": "x", "lead_unit_id": self.fgj_id, "total_investment_wan": -5}, "total_investment_wan"),
            ({"name": "x", "lead_unit_id": self.fgj_id, "annual_plan_wan": 1.00001}, "annual_plan_wan"),
            ({"name": "x", "lead_unit_id": self.fgj_id, "currency": "USD"}, "fx_rate"),
            ({"name": "x", "lead_unit_id": self.fgj_id, "signed_on": "2999-01-01"}, "signed_on"),
            ({"name": "x", "lead_unit_id": self.fgj_id, "place": {"lon": 121.5}}, "place.lat"),
            ({"name": "x", "lead_unit_id": self.fgj_id, "colour": "red"}, "colour"),
            ({"name": "x"}, "lead_unit_id"),
        ]
        for body, field in cases:
            expect_error(self.fgj.post("/api/v1/projects", body), 422, field=field, msg="create %r" % body)
        # a staff member creates only for its own units
        expect_error(self.fgj.post("/api/v1/projects", {"name": "x", "lead_unit_id": self.swj_id}), 422, field="lead_unit_id")
        eq((self.event_count(), self.srv.db.query("SELECT COUNT(*) FROM registry_records")[0][0]), before,
           "nothing stored and no event written")

    def test_create_get_list_patch(self):
        p = self.new_project(self.fgj, name="接口测试项目", major=True, place={"park": "總部經濟園", "address": "测试路1号"},
                             investor="测试投资方", leader="王副区长(演示)", contract_amount_wan=12000.5)
        check(p["number"].startswith("XM-"), "number %s" % p["number"])
        eq((p["stage"], p["stage_name"], p["light"], p["version"]), ("reserve", "儲備", "green", 1), "new project")
        eq((p["total_investment_wan"], p["contract_amount_wan"], p["currency"]), (12000, 12000.5, "CNY"), "amounts in 萬元")
        eq(p["lead_unit"], {"id": self.fgj_id, "name": "区发改局"}, "lead unit")
        check("advance" in p["actions"] and "edit" in p["actions"], "actions %r" % p["actions"])
        got = expect_status(self.fgj.get("/api/v1/projects/%d" % p["id"]), 200).json()
        eq((got["name"], len(got["timeline"]), got["timeline"][0]["stage"]), ("接口测试项目", 1, "reserve"), "read back")
        eq((got["investments"], got["problems"]), ([], []), "no reports, no problems yet")
        lst = expect_status(self.fgj.get("/api/v1/projects?q=%s&per_page=10" % urllib.parse.quote("接口测试")), 200).json()
        eq([x["id"] for x in lst["items"]], [p["id"]], "list by q")
        # the park is stored in Traditional (總部經濟園); typed in Simplified it is found all the same
        for q in ("总部经济园", "總部經濟園"):
            lst = expect_status(self.fgj.get("/api/v1/projects?q=%s&per_page=10" % urllib.parse.quote(q)), 200).json()
            check(p["id"] in [x["id"] for x in lst["items"]], "list by q=%s across scripts" % q)
        lst = expect_status(self.fgj.get("/api/v1/projects?q=%s&per_page=10" % urllib.parse.quote("总部经济园区X")), 200).json()
        check(p["id"] not in [x["id"] for x in lst["items"]], "and not by what it does not say")
        # a USD project carries both figures
        u = self.new_project(self.fgj, name="外资测试项目", currency="USD", fx_rate=6.83, total_investment_wan=100)
        eq((u["total_investment_wan"], u["total_investment_cny_wan"], u["fx_rate"]), (100, 683, 6.83), "USD amounts")
        # patch: version checked, stage not patchable, bad input changes nothing
        before = self.event_count()
        expect_error(self.fgj.patch("/api/v1/projects/%d" % p["id"], {"version": 1, "stage": "signed"}), 422, field="stage")
        expect_error(self.fgj.patch("/api/v1/projects/%d" % p["id"], {"version": 1, "annual_plan_wan": "many"}), 422,
                     field="annual_plan_wan")
        eq(self.event_count(), before, "no event for refused patches")
        r = expect_status(self.fgj.patch("/api/v1/projects/%d" % p["id"], {"version": 1, "annual_plan_wan": 4000,
                                                                            "leader": "李副区长(演示)"}), 200).json()
        eq((r["annual_plan_wan"], r["leader"], r["version"]), (4000, "李副区长(演示)", 2), "patched")
        expect_error(self.fgj.patch("/api/v1/projects/%d" % p["id"], {"version": 1, "leader": "x"}), 409, "version_conflict")
        ev = expect_status(self.auditor.get("/api/v1/events?action=project.update&object_id=%d" % p["id"]), 200).json()
        eq(ev["total"], 1, "one project.update event")

    def test_advance_with_evidence(self):
        p = self.new_project(self.fgj, name="阶段测试项目")
        pid = p["id"]
        today = expect_status(self.fgj.get("/api/v1/projects/%d" % pid), 200).json()["stage_date"]
        before = self.event_count()
        expect_error(self.fgj.post("/api/v1/projects/%d/advance" % pid, {"to_stage": "negotiating", "date": today, "version": 1}),
                     422, field="evidence")
        expect_error(self.fgj.post("/api/v1/projects/%d/advance" % pid, {"to_stage": "negotiating", "date": "2999-01-01",
                                                                          "evidence": "洽谈纪要", "version": 1}), 422, field="date")
        expect_error(self.fgj.post("/api/v1/projects/%d/advance" % pid, {"to_stage": "negotiating", "date": "2001-01-01",
                                                                          "evidence": "洽谈纪要", "version": 1}), 422, field="date")
        expect_error(self.fgj.post("/api/v1/projects/%d/advance" % pid, {"to_stage": "signed", "date": today,
                                                                          "evidence": "合同", "version": 1}), 409, "stage_order")
        expect_error(self.fgj.post("/api/v1/projects/%d/advance" % pid, {"to_stage": "negotiating", "date": today,
                                                                          "evidence": "洽谈纪要", "version": 7}), 409, "version_conflict")
        eq(self.event_count(), before, "refused moves write nothing")
        r = expect_status(self.fgj.post("/api/v1/projects/%d/advance" % pid, {"to_stage": "negotiating", "date": today,
                                                                               "evidence": "洽谈纪要", "version": 1}), 200).json()
        eq((r["stage"], r["version"]), ("negotiating", 2), "advanced")
        r = expect_status(self.fgj.post("/api/v1/projects/%d/advance" % pid, {"to_stage": "signed", "date": today,
                                                                               "evidence": "投资合同(扫描件)", "version": 2}), 200).json()
        eq((r["stage"], r["signed_on"]), ("signed", today), "signed, signing date set")
        expect_error(self.fgj.post("/api/v1/projects/%d/advance" % pid, {"to_stage": "negotiating", "date": today,
                                                                          "evidence": "x", "version": 3}), 409, "stage_order")
        got = expect_status(self.fgj.get("/api/v1/projects/%d" % pid), 200).json()
        eq([t["stage"] for t in got["timeline"]], ["reserve", "negotiating", "signed"], "timeline")
        eq(got["timeline"][-1]["evidence"], "投资合同(扫描件)", "evidence kept")
        # revert: the admin only, an event of its own
        expect_error(self.fgj.post("/api/v1/projects/%d/revert-stage" % pid, {"reason": "x", "version": 3}), 403)
        r = expect_status(self.sup.post("/api/v1/projects/%d/revert-stage" % pid, {"reason": "误操作", "version": 3}), 200).json()
        eq((r["stage"], r["signed_on"]), ("negotiating", None), "reverted")
        got = expect_status(self.fgj.get("/api/v1/projects/%d" % pid), 200).json()
        eq([t["stage"] for t in got["timeline"]], ["reserve", "negotiating"], "timeline after revert")
        eq(got["reverted_stages"][0]["revert_reason"], "误操作", "the reverted move is kept")
        ev = expect_status(self.auditor.get("/api/v1/events?action=project.stage.revert&object_id=%d" % pid), 200).json()
        eq(ev["total"], 1, "a revert event")

    # ------------------------------------------------------------------ scope
    def test_scope(self):
        a = self.new_project(self.fgj, name="发改局的项目")
        b = self.new_project(self.swj, name="商务局的项目", lead_unit_id=self.swj_id)
        c = self.new_project(self.chunliu, name="春柳的项目", lead_unit_id=self.chunliu_id)
        for sess, own, others in ((self.fgj, a, (b, c)), (self.swj, b, (a, c)), (self.chunliu, c, (a, b))):
            expect_status(sess.get("/api/v1/projects/%d" % own["id"]), 200)
            for o in others:
                expect_error(sess.get("/api/v1/projects/%d" % o["id"]), 404)
                expect_error(sess.patch("/api/v1/projects/%d" % o["id"], {"leader": "x"}), 404)
                expect_error(sess.post("/api/v1/projects/%d/advance" % o["id"], {"to_stage": "negotiating", "date": "2026-01-01",
                                                                                   "evidence": "x"}), 404)
                expect_error(sess.post("/api/v1/projects/%d/investments" % o["id"], {"month": "2026-01", "amount_wan": 1}), 404)
            ids = {p["id"] for p in expect_status(sess.get("/api/v1/projects?per_page=500"), 200).json()["items"]}
            check(own["id"] in ids and not any(o["id"] in ids for o in others), "list in scope")
        for sess in (self.leader, self.sup, self.tongji):
            for p in (a, b, c):
                expect_status(sess.get("/api/v1/projects/%d" % p["id"]), 200)
        expect_error(self.tongji.post("/api/v1/projects", {"name": "x", "lead_unit_id": self.fgj_id}), 403)
        expect_error(self.tongji.patch("/api/v1/projects/%d" % a["id"], {"leader": "x"}), 403)
        expect_error(self.leader.post("/api/v1/projects/%d/advance" % a["id"], {}), 403)
        # the supervisor creates for any unit
        self.new_project(self.sup, name="督查室建的项目", lead_unit_id=self.chunliu_id)

    # ------------------------------------------------------------------ investments
    def test_monthly_investment(self):
        p = self.new_project(self.fgj, name="投资测试项目", annual_plan_wan=1000)
        pid = p["id"]
        month = p["stage_date"][:7]
        expect_error(self.fgj.post("/api/v1/projects/%d/investments" % pid, {"month": "2999-01", "amount_wan": 1}), 422, field="month")
        expect_error(self.fgj.post("/api/v1/projects/%d/investments" % pid, {"month": month, "amount_wan": -1}), 422, field="amount_wan")
        r = expect_status(self.fgj.post("/api/v1/projects/%d/investments" % pid, {"month": month, "amount_wan": 200, "note": "首报"}),
                          201).json()
        eq(r["annual_completion_percent"], 20.0, "200 of 1000")
        r = expect_status(self.fgj.post("/api/v1/projects/%d/investments" % pid, {"month": month, "amount_wan": 250.5}), 201).json()
        eq((r["invested_this_year_wan"], r["annual_completion_percent"]), (250.5, 25.1), "the revision is in force")
        eq(len(r["investments"]), 1, "one month")
        m = r["investments"][0]
        eq((m["amount_wan"], m["cumulative_wan"], m["revision"], len(m["previous"])), (250.5, 250.5, 2, 1), "revision kept")
        ev = expect_status(self.auditor.get("/api/v1/events?action=project.investment.revise&object_id=%d" % pid), 200).json()
        eq(ev["total"], 1, "a revision is an event")

    def test_progress_note(self):
        p = self.new_project(self.fgj, name="进展测试项目")
        before = self.event_count()
        expect_error(self.fgj.post("/api/v1/projects/%d/progress" % p["id"], {"text": ""}), 422, field="text")
        expect_error(self.fgj.post("/api/v1/projects/%d/progress" % p["id"], {"text": "x", "date": "2999-01-01"}), 422, field="date")
        eq(self.event_count(), before, "refused notes write nothing")
        r = expect_status(self.fgj.post("/api/v1/projects/%d/progress" % p["id"], {"text": "已完成地质勘察"}), 201).json()
        check(r["last_progress_at"] >= p["last_progress_at"], "progress time moves")
        got = expect_status(self.fgj.get("/api/v1/projects/%d" % p["id"]), 200).json()
        eq([(x["stage"], x["text"]) for x in got["progress"]], [("reserve", "已完成地质勘察")], "listed")
        eq(len(got["timeline"]), 1, "a note is not a stage move")
        ev = expect_status(self.auditor.get("/api/v1/events?action=project.progress&object_id=%d" % p["id"]), 200).json()
        eq(ev["total"], 1, "a progress event")

    # ------------------------------------------------------------------ enterprises
    def test_enterprises(self):
        before = self.event_count()
        e = expect_error(self.swj.post("/api/v1/enterprises", {"name": "测试企业", "credit_code": "91350100M000100Y44",
                                                               "registered_capital_wan": 500}), 422, field="credit_code")
        check("check character" in e["message"], e["message"])
        e = expect_error(self.swj.post("/api/v1/enterprises", {"name": "测试企业", "credit_code": "91350100M0001O0Y43",
                                                               "registered_capital_wan": 500}), 422, field="credit_code")
        check("'O'" in e["message"], e["message"])
        expect_error(self.swj.post("/api/v1/enterprises", {"name": "测试企业", "credit_code": "9135",
                                                           "registered_capital_wan": 500}), 422, field="credit_code")
        eq(self.event_count(), before, "refused enterprises write nothing")
        ok = expect_status(self.swj.get("/api/v1/enterprises/check-code?code=91350100M000100Y43"), 200).json()
        eq(ok, {"valid": True, "message": "valid"}, "check-code")
        bad = expect_status(self.swj.get("/api/v1/enterprises/check-code?code=91350100M000100Y44"), 200).json()
        eq(bad["valid"], False, "check-code bad")
        r = expect_status(self.swj.post("/api/v1/enterprises", {"name": "测试企业", "credit_code": "91350100M000100Y43",
                                                                "origin_region": "珠三角", "registered_capital_wan": 500}), 201).json()
        expect_error(self.swj.post("/api/v1/enterprises", {"name": "重复", "credit_code": "91350100M000100Y43",
                                                           "registered_capital_wan": 1}), 409)
        g = expect_status(self.leader.get("/api/v1/enterprises/%d" % r["id"]), 200).json()
        eq((g["credit_code"], g["registered_capital_wan"]), ("91350100M000100Y43", 500), "read back")
        expect_error(self.tongji.post("/api/v1/enterprises", {"name": "x"}), 403)

    # ------------------------------------------------------------------ indicators fed from projects
    def test_signing_feeds_indicators(self):
        p = self.new_project(self.swj, name="签约测试项目", lead_unit_id=self.swj_id, contract_amount_wan=50000)
        day = p["stage_date"]
        year, month = int(day[:4]), int(day[5:7])

        def value(code):
            vals = expect_status(self.tongji.get("/api/v1/indicators/values?indicator=%s&unit_id=%d&year=%d" % (
                code, self.district_id, year)), 200).json()["items"]
            v = [x for x in vals if x["period"] == "%04d-%02d" % (year, month)]
            return v[0] if v else None

        before_n, before_c = value("PROJ_SIGNED"), value("PROJ_CONTRACT")
        n0 = int(before_n["value"]) if before_n else 0
        c0 = float(before_c["value"]) if before_c else 0.0
        expect_status(self.swj.post("/api/v1/projects/%d/advance" % p["id"], {"to_stage": "negotiating", "date": day, "evidence": "洽谈"}), 200)
        expect_status(self.swj.post("/api/v1/projects/%d/advance" % p["id"], {"to_stage": "signed", "date": day, "evidence": "合同"}), 200)
        after_n, after_c = value("PROJ_SIGNED"), value("PROJ_CONTRACT")
        eq(int(after_n["value"]), n0 + 1, "PROJ_SIGNED + 1")
        eq(round(float(after_c["value"]) - c0, 2), 5.0, "PROJ_CONTRACT + 5億元")
        eq(after_n["source"], "projects", "source projects")
        hist = expect_status(self.tongji.get("/api/v1/indicators/values/%d/history" % after_n["id"]), 200)
        check(hist.status == 200, "history")

    # ------------------------------------------------------------------ problems and followups
    def test_problem_becomes_case(self):
        p = self.new_project(self.fgj, name="诉求测试项目", place={"park": "總部經濟園"})
        expect_error(self.fgj.post("/api/v1/projects/%d/problems" % p["id"], {"description": "no title"}), 422, field="title")
        c = expect_status(self.fgj.post("/api/v1/projects/%d/problems" % p["id"], {
            "title": "施工许可办理慢", "description": "企业走访中反映施工许可办理进度慢", "reporter": "张经理"}), 201).json()
        eq((c["type"], c["source"], c["project_id"]), ("enterprise", "visit", p["id"]), "a 企業訴求 case linked to the project")
        got = expect_status(self.fgj.get("/api/v1/projects/%d" % p["id"]), 200).json()
        eq(got["open_problems"], 1, "open problems")
        eq([x["case_id"] for x in got["problems"]], [c["id"]], "listed on the project")
        eq(got["problems"][0]["waited_days"], 0, "waited 0 days so far")
        check(got["problems"][0]["stage_name"], "stage name")
        # an account that sees the project but may not read cases (统计员) is not shown them
        seen = expect_status(self.tongji.get("/api/v1/projects/%d" % p["id"]), 200).json()
        eq(seen["problems"], [], "no case titles without case.read")
        expect_error(self.tongji.get("/api/v1/cases/%d" % c["id"]), 403)
        self.problem = (p["id"], c["id"])

    def test_enterprise_edits_within_scope(self):
        """The register is read by every project reader and edited within the data scope: an
        enterprise in the editor's street, or one a project the editor sees names."""
        malan = self.units["210204008"]["id"]
        ents, _ = dt.list_all(self.sup, "/api/v1/enterprises")
        mine = next(e for e in ents if e["street_id"] == self.chunliu_id)
        theirs = next(e for e in ents if e["street_id"] == malan)
        got = expect_status(self.chunliu.get("/api/v1/enterprises/%d" % theirs["id"]), 200, "read by every project reader").json()
        eq(got["street_name"], "马栏街道", "named, though the street is outside the reader's scope")
        listed = dt.list_all(self.chunliu, "/api/v1/enterprises")[0]
        check(all(e["street_name"] for e in listed if e["street_id"]), "every listed street named")
        before = self.event_count()
        e = expect_error(self.chunliu.patch("/api/v1/enterprises/%d" % theirs["id"], {"registered_capital_wan": 1}), 403)
        check("scope" in e["message"], e["message"])
        expect_error(self.chunliu.patch("/api/v1/enterprises/%d" % mine["id"], {"street_id": malan}), 422, field="street_id",
                     msg="moved out of the scope")
        eq(self.event_count(), before, "nothing written")
        eq(expect_status(self.chunliu.get("/api/v1/enterprises/%d" % mine["id"]), 200).json()["may_edit"], True, "may_edit")
        eq(expect_status(self.chunliu.get("/api/v1/enterprises/%d" % theirs["id"]), 200).json()["may_edit"], False, "may_edit")
        r = expect_status(self.chunliu.patch("/api/v1/enterprises/%d" % mine["id"], {"origin_region": "大连"}), 200).json()
        eq(r["origin_region"], "大连", "edited in scope")
        # a department edits the enterprise its project names, wherever it lies
        p = self.new_project(self.fgj, name="企业关联测试项目", enterprise_id=theirs["id"])
        expect_status(self.fgj.patch("/api/v1/enterprises/%d" % theirs["id"], {"origin_region": "沈阳"}), 200)
        names = [x["id"] for x in expect_status(self.swj.get("/api/v1/enterprises/%d" % theirs["id"]), 200).json()["projects"]]
        check(p["id"] not in names, "another department is not shown 发改局's project")
        check(p["id"] in [x["id"] for x in expect_status(self.fgj.get("/api/v1/enterprises/%d" % theirs["id"]), 200).json()["projects"]],
              "its own project is listed")
        expect_status(self.sup.patch("/api/v1/enterprises/%d" % theirs["id"], {"origin_region": "北京"}), 200)

    def test_followup(self):
        # a plan with a task for 发改局 (the demo's plan may be absent when the server runs outside the repo)
        plan = expect_status(self.sup.post("/api/v1/plans", {"title": "项目督办测试计划", "year": 2026, "nodes": [
            {"kind": "key_work", "title": "推进大项目建设", "children": [
                {"kind": "task", "title": "推进大项目建设", "lead_unit_id": self.swj_id}]}]}), 201).json()
        nodes = expect_status(self.sup.get("/api/v1/plans/%d/nodes" % plan["id"]), 200).json()["items"]
        task = [n for n in nodes if n["kind"] == "task"][0]
        p = self.new_project(self.fgj, name="督办测试项目", plan_node_id=task["id"])
        expect_error(self.fgj.post("/api/v1/projects/%d/followups" % p["id"], {"content": "x"}), 403)
        f = expect_status(self.sup.post("/api/v1/projects/%d/followups" % p["id"], {"content": "请加快项目落地", "reply_days": 5}),
                          201).json()
        eq((f["project_id"], f["to_unit"]["id"]), (p["id"], self.fgj_id), "addressed to the project's lead unit, not the task's")
        listed = expect_status(self.sup.get("/api/v1/followups?node_id=%d" % task["id"]), 200).json()["items"]
        check(any(x["id"] == f["id"] for x in listed), "the 督辦單 appears in GET /followups")
        got = expect_status(self.fgj.get("/api/v1/projects/%d" % p["id"]), 200).json()
        eq([x["id"] for x in got["followups"]], [f["id"]], "listed on the project")

    # ------------------------------------------------------------------ lights with the clock (last: moves time)
    def test_stalled_yellow_then_red(self):
        self.set_clock("2027-03-01T09:00:00+08:00")
        expect_error(self.fgj.put("/api/v1/project-rules", {"stall_yellow_months": 6}), 403)
        expect_error(self.sup.put("/api/v1/project-rules", {"limits_days": {"signed_to_started": 3}}), 422,
                     field="limits_days.signed_to_started")
        expect_status(self.sup.put("/api/v1/project-rules", {"limits_days": {"signed_to_registered": 10},
                                                             "stall_yellow_months": 6, "stall_red_months": 12}), 200)
        p = self.new_project(self.fgj, name="停滞测试项目")
        pid = p["id"]
        for st, ev in (("negotiating", "洽谈"), ("signed", "合同")):
            expect_status(self.fgj.post("/api/v1/projects/%d/advance" % pid, {"to_stage": st, "date": "2027-03-01", "evidence": ev}), 200)
        eq(expect_status(self.fgj.get("/api/v1/projects/%d" % pid), 200).json()["light"], "green", "signed today: green")

        def stalled():
            return [x for x in expect_status(self.leader.get("/api/v1/project-stalls"), 200).json()["signed_not_registered"]
                    if x["id"] == pid]

        eq(stalled(), [], "not stalled yet")
        self.set_clock("2027-03-12T09:00:00+08:00")  # day 11 of a 10-day limit
        got = expect_status(self.fgj.get("/api/v1/projects/%d" % pid), 200).json()
        eq(got["light"], "yellow", "over the limit: yellow (%s)" % got["light_reason"])
        check("11天" in got["light_reason"], got["light_reason"])
        eq(got["light_reasons"], [{"code": "stage_over_limit", "stage": "signed", "days": 11, "limit": 10}], "as data")
        s = stalled()
        eq(len(s), 1, "in the stalled list")
        eq((s[0]["days_in_stage"], s[0]["limit_days"], s[0]["light"], s[0]["lead_unit"]["name"]), (11, 10, "yellow", "区发改局"), "stall row")
        self.set_clock("2027-03-17T09:00:00+08:00")  # day 16: over by more than half the limit
        got = expect_status(self.fgj.get("/api/v1/projects/%d" % pid), 200).json()
        eq(got["light"], "red", "red")
        eq(stalled()[0]["light"], "red", "red in the stalled list")
        ev = expect_status(self.auditor.get("/api/v1/events?action=project.light&object_id=%d" % pid), 200).json()["items"]
        eq(sorted((e["payload"]["from"], e["payload"]["to"]) for e in ev), [("green", "yellow"), ("yellow", "red")], "light events")
        # progress (registration) clears it
        expect_status(self.fgj.post("/api/v1/projects/%d/advance" % pid, {"to_stage": "registered", "date": "2027-03-17",
                                                                           "evidence": "營業執照"}), 200)
        eq(expect_status(self.fgj.get("/api/v1/projects/%d" % pid), 200).json()["light"], "green", "registered: green again")
        eq(stalled(), [], "left the stalled list")
        # the problem raised earlier has now waited
        if getattr(self, "problem", None):
            got = expect_status(self.fgj.get("/api/v1/projects/%d" % self.problem[0]), 200).json()
            check(got["problems"][0]["waited_days"] > 100, "waited days grow with the clock: %r" % got["problems"][0])

    # ------------------------------------------------------------------ last: it moves the clock to 2027
    def test_funds_in_place_feed_fdi_and_domestic_capital_where_the_bureau_has_not_reported(self):
        """FDI and DOMESTIC_CAP: the bureau's figure stands (2026 holds the demo's statistics); a year
        nobody has reported (2027) gets the projects' sums of funds in place."""
        def value(who, code, period):
            y = int(period[:4])
            vals = expect_status(who.get("/api/v1/indicators/values?indicator=%s&unit_id=%d&year=%d" % (
                code, self.district_id, y)), 200).json()["items"]
            v = [x for x in vals if x["period"] == period]
            return v[0] if v else None
        fdi_2026 = [v for v in expect_status(self.tongji.get("/api/v1/indicators/values?indicator=FDI&unit_id=%d&year=2026" % (
            self.district_id)), 200).json()["items"]]
        theirs = [v["period"] for v in fdi_2026 if v["source"] != "projects"]
        check(theirs, "2026's FDI holds the statistics' own figures: %r" % [(v["period"], v["source"]) for v in fdi_2026])
        ours = [v["period"] for v in fdi_2026 if v["source"] == "projects"]
        check(all(p > max(theirs) for p in ours), "the projects fill only months after the reported ones: %r" % ours)
        expect_status(self.leader.put("/api/v1/_test/clock", {"now": "2027-01-20T10:00:00+08:00"}), 200)
        swj, tongji = self.srv.session("swj.staff"), self.srv.session("tongji.staff")  # signed in at the new time
        for code in ("FDI", "DOMESTIC_CAP"):
            eq(value(tongji, code, "2027-01"), None, "%s: nothing for January 2027 yet" % code)
        usd = expect_status(swj.post("/api/v1/projects", {
            "name": "外资测试项目（测试数据）", "lead_unit_id": self.swj_id, "stage": "signed", "stage_date": "2027-01-15",
            "evidence": "合同", "currency": "USD", "fx_rate": 6.9, "contract_amount_wan": 3000,
            "funds_in_place_wan": 1250}), 201).json()
        cny = expect_status(swj.post("/api/v1/projects", {
            "name": "内资测试项目（测试数据）", "lead_unit_id": self.swj_id, "stage": "signed", "stage_date": "2027-01-16",
            "evidence": "合同", "contract_amount_wan": 80000, "funds_in_place_wan": 23456}), 201).json()
        check(usd["id"] != cny["id"], "two projects")
        fdi, dom = value(tongji, "FDI", "2027-01"), value(tongji, "DOMESTIC_CAP", "2027-01")
        eq((fdi["value"], fdi["source"]), ("0.13", "projects"), "1250萬美元 = 0.13億美元 (rounded half up)")
        eq((dom["value"], dom["source"]), ("2.35", "projects"), "23456萬元 = 2.35億元")
        # The bureau reports January: its figure stands, and a later project write leaves it.
        expect_status(tongji.put("/api/v1/indicators/values", {
            "indicator": "FDI", "unit_id": self.district_id, "period": "2027-01", "value": "0.20", "confirm_jump": True}), 200)
        expect_status(swj.patch("/api/v1/projects/%d" % usd["id"], {"funds_in_place_wan": 2500, "version": usd["version"]}), 200)
        fdi = value(tongji, "FDI", "2027-01")
        eq((fdi["value"], fdi["source"] != "projects"), ("0.20", True), "the bureau's figure stands")
        eq(value(tongji, "DOMESTIC_CAP", "2027-01")["value"], "2.35", "DOMESTIC_CAP still the projects' own")
