"""disclosure: the public portal (政務公開). The supervision office previews a release of a plan's
progress or of the year's case statistics, publishes it and withdraws it with a reason; anyone reads
what is published without an account. A release carries only whitelisted fields (no person's name,
no report, comment, notice or case text), is frozen when published with the SHA-256 of its canonical
bytes in the chain, and a withdrawn one is the public's 404. Bad input changes nothing."""
import hashlib
import json

import dubantest as dt
from dubantest import check, eq, expect_error, expect_status

TASK_KEYS = {"key_work", "number", "title", "lead_unit", "co_units", "due_date", "status", "percent", "overdue"}
SECRETS = ("13912345678", "王副区长", "赵督查", "已联系群众张三", "请抓紧落实并报送材料")


def canonical(j):
    return json.dumps(j, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


@dt.suite("disclosure")
class DisclosureSuite(dt.Suite):
    def setup(self):
        self.srv = self.new_server("main", extra=["--test-clock"])
        self.set_clock("2026-10-15T10:00:00+08:00")
        units = dt.list_all(self.sup, "/api/v1/org-units")[0]
        cl = [u["id"] for u in units if u["name"] == "春柳街道"][0]
        ml = [u["id"] for u in units if u["name"] == "马栏街道"][0]
        # A small plan: two key works, three tasks (test data).
        src = "一、加快發展\n要完成道路改造。要建設公園。\n二、改善民生\n要新增就業崗位。"

        def task(title, unit, due, start):
            return {"kind": "task", "title": title, "text": title, "start": start, "end": start + 1,
                    "lead_unit_id": unit, "due_date": due}
        plan = expect_status(self.sup.post("/api/v1/plans", {
            "title": "公开测试计划", "year": 2026, "source": src, "encoding": "UTF-8",
            "nodes": [{"kind": "key_work", "title": "加快發展", "text": "一、加快發展", "start": 0, "end": 6,
                       "children": [task("道路改造", cl, "2026-12-31", 7), task("建設公園", ml, "2026-11-25", 16)]},
                      {"kind": "key_work", "title": "改善民生", "text": "二、改善民生", "start": 23, "end": 29,
                       "children": [task("新增就業崗位", cl, "2026-12-31", 30)]}]}), 201).json()
        # Cases in two months (test data), and a petition placed in no street: no row of zeros for it.
        self.new_cases([("urban", "E0101", cl), ("hotline", "H0101", cl), ("petition", "P0201", ml), ("petition", "P0201", None)])
        self.set_clock("2026-11-20T10:00:00+08:00")
        self.new_cases([("hotline", "H0101", cl), ("petition", "P0201", cl), ("urban", "E0101", cl)])
        self.plan = expect_status(self.sup.get("/api/v1/plans/%d" % plan["id"]), 200).json()
        nodes = dt.list_all(self.sup, "/api/v1/plans/%d/nodes" % plan["id"])[0]
        self.tasks = [n for n in nodes if n["kind"] == "task"]
        # Private matter on a task of 春柳街道: a leader's name, a report, a comment and a notice.
        t = [x for x in self.tasks if x["title"] == "道路改造"][0]
        expect_status(self.sup.patch("/api/v1/plan-nodes/%d" % t["id"], {"leader": "王副区长 13912345678"}), 200)
        expect_status(self.chunliu.post("/api/v1/plan-nodes/%d/reports" % t["id"],
                                        {"text": "已联系群众张三，电话13912345678", "percent": 40}), 201)
        expect_status(self.leader.post("/api/v1/plan-nodes/%d/comments" % t["id"], {"text": "赵督查跟进"}), 201)
        expect_status(self.sup.post("/api/v1/plan-nodes/%d/followups" % t["id"],
                                    {"content": "请抓紧落实并报送材料", "reply_days": 3}), 201)
        self.task = t
        # Monday 30 November: 建設公園 (due the 25th) is overdue.
        self.set_clock("2026-11-30T10:00:00+08:00")
        self.cl, self.ml = cl, ml

    def set_clock(self, now):
        expect_status(self.srv.session("leader").put("/api/v1/_test/clock", {"now": now}), 200, "set clock")
        # A move of the clock by days ends sessions (idle timeout): sign in again.
        self.sup = self.srv.session("ducha.staff")
        self.leader = self.srv.session("leader")
        self.chunliu = self.srv.session("chunliu.staff")
        self.auditor = self.srv.session("auditor")
        self.anon = self.srv.client()

    def new_cases(self, specs):
        for typ, cat, street in specs:
            body = {"type": typ, "category": cat, "description": "公开测试案件，联系人13912345678（测试数据）"}
            if street:
                body["street_id"] = street
            expect_status(self.sup.post("/api/v1/cases", body), 201)

    def count(self):
        return self.srv.db.query("SELECT COUNT(*) FROM disclosures")[0][0]

    def events(self):
        return dt.list_all(self.auditor, "/api/v1/events?action=disclosure.")[0]

    def publish_plan(self, **extra):
        body = {"kind": "plan_progress", "plan_id": self.plan["id"]}
        body.update(extra)
        return expect_status(self.sup.post("/api/v1/disclosures", body), 201).json()

    # ------------------------------------------------------------------ the flow
    def test_preview_changes_nothing_and_publish_freezes_it(self):
        before, ev = self.count(), len(self.events())
        pv = expect_status(self.sup.post("/api/v1/disclosures/preview",
                                         {"kind": "plan_progress", "plan_id": self.plan["id"]}), 200).json()
        eq((self.count(), len(self.events())), (before, ev), "a preview stores nothing and writes no event")
        content = pv["content"]
        eq(pv["content_sha256"], hashlib.sha256(canonical(content)).hexdigest(), "the preview's SHA-256 is of its canonical bytes")
        eq(content["plan"]["title"], self.plan["title"], "the plan")
        eq(len(content["tasks"]), len(self.tasks), "every task")
        for t in content["tasks"]:
            eq(set(t), TASK_KEYS, "a task's public fields")
        dumped = json.dumps(content, ensure_ascii=False)
        for s in SECRETS:
            check(s not in dumped, "%s is not published" % s)
        ours = [t for t in content["tasks"] if t["number"] == self.task["number"]]
        eq((ours[0]["percent"], ours[0]["lead_unit"]), (40, "春柳街道"), "the reported percentage and the lead unit")
        # published as previewed, with a title of the publisher's own
        pub = self.publish_plan(expect_sha256=pv["content_sha256"], title="  重点工作推进情况（测试）  ")
        eq(pub["title"], "重点工作推进情况（测试）", "the title, trimmed")
        eq(pub["content_sha256"], pv["content_sha256"], "what was reviewed is what went out")
        eq(pub["published_by_name"], "督查室工作人员(演示)", "who published it")
        # anyone reads it, without an account
        lst = expect_status(self.anon.get("/api/v1/public/disclosures"), 200).json()
        check(any(x["id"] == pub["id"] for x in lst["items"]), "listed publicly")
        check(all("published_by" not in x and "withdraw_reason" not in x for x in lst["items"]), "the public list names no account")
        got = expect_status(self.anon.get("/api/v1/public/disclosures/%d" % pub["id"]), 200).json()
        eq(set(got), {"id", "kind", "title", "period", "published_at", "content_sha256", "content"},
           "the public detail names no account and no withdrawal")
        eq(got["content"], content, "the public reads the frozen content")
        eq(hashlib.sha256(canonical(got["content"])).hexdigest(), pub["content_sha256"], "anyone can check the hash")
        # the chain holds the hash; a later change to the plan does not change the release
        e = [x for x in self.events() if x["action"] == "disclosure.publish" and x["object_id"] == pub["id"]]
        eq(len(e), 1, "one publish event")
        eq(e[0]["payload"]["content_sha256"], pub["content_sha256"], "the event carries the SHA-256")
        expect_status(self.chunliu.post("/api/v1/plan-nodes/%d/reports" % self.task["id"], {"text": "进展", "percent": 60}), 201)
        again = expect_status(self.anon.get("/api/v1/public/disclosures/%d" % pub["id"]), 200).json()
        eq(again["content"], content, "frozen: the release does not follow the data")
        before, ev = self.count(), len(self.events())
        stale = expect_error(self.sup.post("/api/v1/disclosures", {"kind": "plan_progress", "plan_id": self.plan["id"],
                                                                    "expect_sha256": pv["content_sha256"]}), 409,
                             code="changed_since_preview", field="expect_sha256")
        check("preview" in stale["message"], "says what to do: %r" % stale["message"])
        eq((self.count(), len(self.events())), (before, ev), "a refused publish stores nothing and writes no event")

    def test_plan_figures_add_up(self):
        pv = expect_status(self.sup.post("/api/v1/disclosures/preview",
                                         {"kind": "plan_progress", "plan_id": self.plan["id"]}), 200).json()["content"]
        ov = expect_status(self.sup.get("/api/v1/plans/%d/overview" % self.plan["id"]), 200).json()
        eq(pv["totals"]["tasks"], ov["counts"]["tasks"], "tasks as the overview counts them")
        eq(pv["totals"]["status"], ov["status_counts"], "statuses as the overview counts them")
        eq(sum(k["tasks"] for k in pv["key_works"]), pv["totals"]["tasks"], "the key works' tasks add up")
        eq([k["title"] for k in pv["key_works"]], [k["title"] for k in ov["by_key_work"]], "the key works, in order")
        pct = [t["percent"] for t in pv["tasks"]]
        eq(pv["totals"]["avg_percent"], int(sum(pct) * 10 / len(pct) + 0.5) / 10.0, "the mean percentage, rounded")
        eq(pv["as_of"], "2026-11-30", "counted on the server's day (China time)")
        overdue = {t["title"]: t["overdue"] for t in pv["tasks"]}
        eq(overdue, {"道路改造": False, "建設公園": True, "新增就業崗位": False}, "overdue: past its due date and not done")
        eq(pv["totals"]["overdue"], 1, "one overdue task")
        eq([k["overdue"] for k in pv["key_works"]], [1, 0], "under its key work")

    def staff_rows(self, group, types=("urban", "hotline", "enterprise")):
        """The staff's KPI rows (/case-kpis) for the year so far, summed over the given types, by row name."""
        out = {}
        for typ in types:
            j = expect_status(self.sup.get("/api/v1/case-kpis?group=%s&from=2026-01&to=2026-11&type=%s" % (group, typ)), 200).json()
            for r in j["rows"]:
                e = out.setdefault(r["name"], {"reported": 0, "closed": 0, "overdue_open": 0})
                for f in e:
                    e[f] += r[f]
        return out

    def test_case_stats_are_the_kpis_without_petitions(self):
        c = expect_status(self.sup.post("/api/v1/disclosures/preview", {"kind": "case_stats"}), 200).json()["content"]
        eq((c["year"], c["as_of"], c["area"]), (2026, "2026-11-30", ["沙河口区"]), "the year, the day, the district")
        check({"2026-10", "2026-11"} <= {m["key"] for m in c["by_month"]}, "the months of the test's cases: %r" % c["by_month"])
        # every table adds up to the total, counted at one instant
        for table in ("by_month", "by_street", "by_type"):
            for f in ("reported", "closed", "overdue_open"):
                eq(sum(r[f] for r in c[table]), c["total"][f], "%s adds up: %s" % (table, f))
            if table != "by_type":  # the three types are always listed, with zeros if need be
                check(all(r["reported"] > 0 for r in c[table]), "%s: no row without a published case: %r" % (table, c[table]))
        eq([t["key"] for t in c["by_type"]], ["urban", "hotline", "enterprise"], "no petition type")
        # each type and street as the staff's KPI table counts it; each month's cases too
        for t in c["by_type"]:
            st = self.staff_rows("street", (t["key"],))
            eq(t["reported"], sum(r["reported"] for r in st.values()), "%s as /case-kpis" % t["key"])
        staff = self.staff_rows("street")
        eq(sorted(r["name"] for r in c["by_street"]), sorted(staff), "the streets the staff's table has, no more")
        for r in c["by_street"]:
            eq({f: r[f] for f in ("reported", "closed", "overdue_open")}, staff[r["name"]], "%s as /case-kpis" % r["name"])
        months = self.staff_rows("month")
        eq({m["key"]: m["reported"] for m in c["by_month"]}, {k: v["reported"] for k, v in months.items()}, "cases by month")
        pet = self.staff_rows("street", ("petition",))
        check("（未定）" in pet and sum(r["reported"] for r in pet.values()) >= 3,
              "the petitions exist, one with no street, so the test can fail: %r" % pet)
        eq(set(c["total"]), {"reported", "closed", "closure_rate", "on_time_rate", "satisfaction_rate", "avg_handling_s",
                             "overdue_open"}, "only the public figures")
        expect_error(self.sup.post("/api/v1/disclosures/preview", {"kind": "case_stats", "year": 2027}), 422, field="year")
        last = expect_status(self.sup.post("/api/v1/disclosures/preview", {"kind": "case_stats", "year": 2025}), 200).json()
        eq((last["content"]["total"]["reported"], last["content"]["by_month"]), (0, []), "a year without cases: zeros, no rows")

    def test_major_projects_are_the_dashboards(self):
        c = expect_status(self.sup.post("/api/v1/disclosures/preview", {"kind": "project_progress"}), 200).json()["content"]
        dash = expect_status(self.sup.get("/api/v1/project-dashboard?year=2026"), 200).json()
        eq(c["year"], 2026, "this year's")
        check(c["totals"]["projects"] > 0, "the demo has major projects, so the test can fail")
        eq((c["totals"]["projects"], c["totals"]["completed"]), (dash["totals"]["major_count"], dash["totals"]["major_completed"]),
           "counted as the dashboard counts them")
        check(abs(c["totals"]["invested_this_year_wan"] / 10000 - dash["totals"]["major_invested_yi"]) < 0.006,
              "invested as the dashboard: %r vs %r" % (c["totals"]["invested_this_year_wan"], dash["totals"]["major_invested_yi"]))
        eq(sum(s["count"] for s in c["stages"]), c["totals"]["projects"], "the stages add up")
        eq(c["by_month"], [{k: m[k] for k in ("month", "plan_wan", "done_wan", "cumulative_wan")} for m in dash["investment_by_month"]],
           "the months as the dashboard draws them")
        keys = {"number", "name", "project_kind", "stage", "stage_name", "lead_unit", "total_investment_wan", "annual_plan_wan",
                "invested_this_year_wan", "completion_percent"}
        for p in c["projects"]:
            eq(set(p), keys, "a project's public fields")
        staff = {p["number"]: p for p in dt.list_all(self.sup, "/api/v1/projects?major=1&year=2026")[0]}
        dumped = json.dumps(c, ensure_ascii=False)
        values = {v for p in c["projects"] for v in p.values() if isinstance(v, str)}
        check(any(staff[p["number"]]["leader"] for p in c["projects"]) and any(staff[p["number"]]["investor"] for p in c["projects"]),
              "the demo's projects have leaders and investors, so the test can fail")
        for p in c["projects"]:
            full = staff[p["number"]]
            eq((p["annual_plan_wan"], p["invested_this_year_wan"]), (full["annual_plan_cny_wan"], full["invested_this_year_cny_wan"]),
               "%s: its amounts" % p["number"])
            check(not full["leader"] or full["leader"] not in dumped, "the leader %r is not published" % full["leader"])
            # an investor's name may be part of a project's name: no field holds it
            for private in (full["investor"], (full.get("enterprise") or {}).get("name"), full["place"]["address"]):
                check(not private or private not in values, "%r is not published" % private)
        for body, field in (({"kind": "project_progress", "year": 2026}, "year"), ({"kind": "project_progress", "plan_id": 1}, "plan_id")):
            expect_error(self.sup.post("/api/v1/disclosures/preview", body), 422, field=field)

    def test_withdraw_keeps_it_on_record(self):
        pub = self.publish_plan()
        url = "/api/v1/disclosures/%d/withdraw" % pub["id"]
        before = len(self.events())
        expect_error(self.sup.post(url, {}), 422, field="reason")
        expect_error(self.sup.post(url, {"reason": "   "}), 422, field="reason")
        expect_error(self.sup.post(url, {"reason": "x" * 501}), 422, field="reason")
        expect_status(self.anon.get("/api/v1/public/disclosures/%d" % pub["id"]), 200)
        eq(len(self.events()), before, "refusals write nothing")
        reason = "数据口径有误，联系人13912345678"
        w = expect_status(self.sup.post(url, {"reason": reason}), 200).json()
        eq((w["withdraw_reason"], w["withdrawn_by_name"]), (reason, "督查室工作人员(演示)"), "the reason and who, for the staff")
        expect_error(self.anon.get("/api/v1/public/disclosures/%d" % pub["id"]), 404, msg="withdrawn: gone for the public")
        lst = dt.list_all(self.anon, "/api/v1/public/disclosures")[0]
        check(pub["id"] not in [x["id"] for x in lst], "not listed publicly")
        staff = expect_status(self.sup.get("/api/v1/disclosures/%d" % pub["id"]), 200).json()
        check(staff["withdrawn_at"] and staff["content"]["tasks"], "on record for the staff, content and all")
        expect_error(self.sup.post(url, {"reason": "again"}), 409, code="already_withdrawn")
        # the same content may go out again once the earlier copy is withdrawn, but not twice at once
        again = self.publish_plan(title="\u3000重新发布\u3000")
        eq((again["content_sha256"], again["title"]), (pub["content_sha256"], "重新发布"), "same content, title trimmed of wide spaces")
        before = self.count()
        dup = expect_error(self.sup.post("/api/v1/disclosures", {"kind": "plan_progress", "plan_id": self.plan["id"]}), 409,
                           code="already_published")
        check(str(again["id"]) in dup["message"], "names the release already public: %r" % dup["message"])
        eq(self.count(), before, "nothing stored")
        e = [x for x in self.events() if x["action"] == "disclosure.withdraw" and x["object_id"] == pub["id"]]
        eq(len(e), 1, "one withdraw event")
        eq(e[0]["payload"]["reason"], {"sha256": hashlib.sha256(reason.encode()).hexdigest(), "chars": len(reason)},
           "the event keeps the reason's digest, not its text")
        expect_error(self.sup.post("/api/v1/disclosures/999999/withdraw", {"reason": "x"}), 404)

    def test_bad_input_changes_nothing(self):
        before, ev = self.count(), len(self.events())
        pid = self.plan["id"]
        for body, status, field in [
            ({}, 422, "kind"),
            ({"kind": "budget"}, 422, "kind"),
            ({"kind": 3}, 422, "kind"),
            ({"kind": "plan_progress"}, 422, "plan_id"),
            ({"kind": "plan_progress", "plan_id": "1"}, 422, "plan_id"),
            ({"kind": "plan_progress", "plan_id": pid, "year": 2026}, 422, "year"),
            ({"kind": "case_stats", "plan_id": pid}, 422, "plan_id"),
            ({"kind": "case_stats", "year": 1999}, 422, "year"),
            ({"kind": "plan_progress", "plan_id": pid, "title": " "}, 422, "title"),
            ({"kind": "plan_progress", "plan_id": pid, "title": "\u3000\u3000"}, 422, "title"),
            ({"kind": "plan_progress", "plan_id": pid, "title": "\u200b\ufeff\u00a0"}, 422, "title"),
            ({"kind": "plan_progress", "plan_id": pid, "title": "两行\n标题"}, 422, "title"),
            ({"kind": "plan_progress", "plan_id": pid, "title": "长" * 201}, 422, "title"),
            ({"kind": "plan_progress", "plan_id": pid, "colour": "red"}, 422, "colour"),
            ({"kind": "plan_progress", "plan_id": pid, "expect_sha256": "nothex"}, 422, "expect_sha256"),
            ({"kind": "plan_progress", "plan_id": pid, "expect_sha256": "A" * 64}, 422, "expect_sha256"),
        ]:
            for path in ("/api/v1/disclosures", "/api/v1/disclosures/preview"):
                expect_error(self.sup.post(path, body), status, field=field, msg="%s %r" % (path, body))
        expect_error(self.sup.post("/api/v1/disclosures", {"kind": "plan_progress", "plan_id": 999999}), 404)
        r = self.sup.request("POST", "/api/v1/disclosures", body=b"kind=plan_progress", ctype="application/x-www-form-urlencoded")
        expect_error(r, 415)
        expect_error(self.anon.get("/api/v1/public/disclosures?kind=budget"), 400, field="kind")
        expect_error(self.anon.get("/api/v1/public/disclosures?per_page=501"), 400, field="per_page")
        eq((self.count(), len(self.events())), (before, ev), "nothing stored, no event")

    def test_who_may_publish(self):
        for s, who in ((self.chunliu, "street staff"), (self.leader, "a leader"), (self.auditor, "the auditor")):
            expect_error(s.post("/api/v1/disclosures/preview", {"kind": "case_stats"}), 403, msg=who)
            expect_error(s.post("/api/v1/disclosures", {"kind": "case_stats"}), 403, msg=who)
            expect_error(s.get("/api/v1/disclosures"), 403, msg=who)
        expect_error(self.anon.post("/api/v1/disclosures", {"kind": "case_stats"}), 401)
        expect_error(self.anon.get("/api/v1/disclosures"), 401)
        # a year without a case is nothing to publish: the preview says so, publishing is refused
        before = self.count()
        empty = expect_status(self.sup.post("/api/v1/disclosures/preview", {"kind": "case_stats", "year": 2025}), 200).json()
        eq((empty["empty"], empty["content"]["total"]["reported"]), (True, 0), "previewed as empty")
        expect_error(self.sup.post("/api/v1/disclosures", {"kind": "case_stats", "year": 2025}), 422, "empty_release", "year")
        eq(self.count(), before, "nothing stored")
        # the public list pages as every list does (three days' figures of this year)
        for day in (28, 29, 30):
            self.set_clock("2026-11-%dT10:00:00+08:00" % day)
            d = expect_status(self.sup.post("/api/v1/disclosures", {"kind": "case_stats", "year": 2026}), 201).json()
            eq(d["period"][:4], "2026", "this year's")
        first = expect_status(self.anon.get("/api/v1/public/disclosures?kind=case_stats&per_page=2"), 200).json()
        second = expect_status(self.anon.get("/api/v1/public/disclosures?kind=case_stats&per_page=2&page=2"), 200).json()
        check(first["total"] >= 3 and len(first["items"]) == 2, "paged: %r" % first)
        check(not {x["id"] for x in first["items"]} & {x["id"] for x in second["items"]}, "pages do not overlap")
        check(all(x["kind"] == "case_stats" for x in first["items"] + second["items"]), "?kind= filters")
        ids = [x["id"] for x in first["items"]]
        eq(ids, sorted(ids, reverse=True), "newest first")
