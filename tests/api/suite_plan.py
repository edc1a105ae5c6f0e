"""plan: the work plan through the API, with the server's clock set by the test (--test-clock).
Import the seed report (nothing stored), confirm it as a plan (validation names the node path and
stores nothing), assign tasks, scopes (a street sees only its tasks), progress reports, leaders'
comments, a 督辦單 whose reply deadline runs across National Day 2026 and the adjusted Saturday
after it, yellow then red with escalation, a late reply, report-cadence lights, and the
任務分解表 exported, edited and imported back with an invalid row reported by row and column."""
import base64
import io
import os
import zipfile

import dubantest as dt
from dubantest import check, eq, expect_error, expect_status

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SEED = os.path.join(ROOT, "tests", "fixtures", "seed-report.txt")
SEED_GB = os.path.join(ROOT, "tests", "fixtures", "seed-report.gb18030.txt")


def b64(data):
    return base64.b64encode(data).decode()


@dt.suite("plan")
class PlanSuite(dt.Suite):
    def setup(self):
        self.srv = self.new_server("main", extra=["--test-clock"])
        # Monday 28 September 2026, 09:00 in Beijing: the plan starts before National Day.
        self.set_clock("2026-09-28T09:00:00+08:00")
        self.login_all()
        self.units = {}
        for u in expect_status(self.sup.get("/api/v1/org-units?per_page=500"), 200).json()["items"]:
            self.units[u["name"]] = u["id"]

    def login_all(self):
        # Moving the clock by days ends sessions (idle timeout): sign in again after each move.
        self.sup = self.srv.session("ducha.staff")
        self.leader = self.srv.session("leader")
        self.chunliu = self.srv.session("chunliu.staff")
        self.malan = self.srv.session("malan.staff")
        self.fgj = self.srv.session("fgj.staff")
        self.auditor = self.srv.session("auditor")

    def set_clock(self, now):
        c = self.srv.session("leader")
        r = expect_status(c.put("/api/v1/_test/clock", {"now": now}), 200, "set clock")
        return r.json()["sweep"]

    def events(self, action):
        r = expect_status(self.auditor.get("/api/v1/events?action=%s&per_page=500" % action), 200)
        return r.json()["items"]

    def plan_count(self):
        return self.srv.db.query("SELECT COUNT(*) FROM plans")[0][0]

    # ------------------------------------------------------------------ import preview
    def test_preview_seed(self):
        before = self.srv.db.query("SELECT COUNT(*) FROM events")[0][0]
        with open(SEED, "rb") as f:
            raw = f.read()
        r = expect_status(self.sup.post("/api/v1/plans/import-preview",
                                        {"filename": "seed.txt", "content_base64": b64(raw), "year": 2026}), 200)
        p = r.json()
        eq(p["encoding"], "UTF-8", "encoding said")
        eq([n["kind"] for n in p["nodes"]], ["key_work"] * 5, "five key works")
        eq(len(p["nodes"][0]["children"]), 3, "3 一是-items under the first key work")
        check(len(p["quantities"]) >= 45, "quantities found: %d" % len(p["quantities"]))
        # every node's span is the text it quotes
        src = p["source"]

        def walk(ns):
            for n in ns:
                if n.get("start") is not None:
                    eq(src[n["start"]:n["end"]], n["text"], "span of %s" % n["title"])
                walk(n.get("children", []))
        walk(p["nodes"])
        self.proposal = p
        after = self.srv.db.query("SELECT COUNT(*) FROM events")[0][0]
        eq(after, before, "a preview stores nothing, not even an event")
        # the same report in GB18030 reads the same
        with open(SEED_GB, "rb") as f:
            gb = f.read()
        r = expect_status(self.sup.post("/api/v1/plans/import-preview", {"filename": "seed.txt", "content_base64": b64(gb)}), 200)
        eq(r.json()["encoding"], "GB18030", "GB18030 detected")
        eq(len(r.json()["quantities"]), len(p["quantities"]), "same quantities from GB18030")

    def test_preview_refusals(self):
        expect_error(self.chunliu.post("/api/v1/plans/import-preview", {"content_base64": b64(b"x")}), 403)
        expect_error(self.sup.post("/api/v1/plans/import-preview", {"content_base64": "%%%"}), 422, field="content_base64")
        expect_error(self.sup.post("/api/v1/plans/import-preview", {"content_base64": ""}), 422, field="content_base64")
        e = expect_error(self.sup.post("/api/v1/plans/import-preview", {"filename": "hello.txt", "content_base64": b64("你好".encode())}),
                         422, field="content_base64", msg="a file with no plan in it")
        eq(e["code"], "no_plan", "no_plan: " + e["message"])
        expect_error(self.sup.post("/api/v1/plans/import-preview", {"filename": "a.docx", "content_base64": b64(b"PK\x03\x04garbage")}),
                     422, code="bad_docx", field="content_base64")
        expect_error(self.sup.post("/api/v1/plans/import-preview", {"content_base64": b64(b"\xff\xfe\x00\xd8\x00\x00" * 50)}),
                     422, code="bad_encoding", field="content_base64")
        expect_error(self.sup.post("/api/v1/plans/import-preview", {"content_base64": b64(b"a"), "year": 1800}), 422, field="year")
        expect_error(self.sup.post("/api/v1/plans/import-preview", {"content_base64": b64(b"a"), "extra": 1}), 422, field="extra")
        # a .docx made here: two headings and a body paragraph
        doc = io.BytesIO()
        with zipfile.ZipFile(doc, "w") as z:
            z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                       '<Default Extension="xml" ContentType="application/xml"/></Types>')
            body = ('<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
                    '<w:p><w:r><w:t>二、明年工作安排</w:t></w:r></w:p>'
                    '<w:p><w:r><w:t>一、全力推進經濟發展</w:t></w:r></w:p>'
                    '<w:p><w:r><w:t>明年地區生產總值同比增長15%,財政一般預算收入同比增長15%。</w:t></w:r></w:p>'
                    '</w:body></w:document>')
            z.writestr("word/document.xml", body)
        r = expect_status(self.sup.post("/api/v1/plans/import-preview", {"filename": "r.docx", "content_base64": b64(doc.getvalue())}), 200)
        eq(r.json()["encoding"], "docx", "docx read")
        qs = [q for q in r.json()["quantities"] if q["value"] == 15]
        check(len(qs) >= 2, "two +15%% targets from the docx: %r" % qs)

    def test_lead_unit_dictionary(self):
        d = expect_status(self.sup.get("/api/v1/plans/lead-units"), 200).json()
        eq(d["source"], "built-in", "built-in at first")
        check(any(e["keyword"] == "就业" for e in d["entries"]), "就业 is in the built-in dictionary")
        expect_error(self.chunliu.put("/api/v1/plans/lead-units", {"entries": []}), 403)
        expect_error(self.sup.put("/api/v1/plans/lead-units", {"entries": [{"keyword": "", "unit": "x"}]}), 422, field="entries[0].keyword")
        expect_error(self.sup.put("/api/v1/plans/lead-units", {"entries": [{"keyword": "a", "unit": "x"}, {"keyword": "a", "unit": "y"}]}),
                     422, code="duplicate", field="entries[1].keyword")
        expect_error(self.sup.put("/api/v1/plans/lead-units", {"entries": [{"keyword": "a", "unit": "x", "n": 1}]}), 422, field="entries[0].n")
        # an edited dictionary: 就业 now goes to 春柳街道 (first match wins)
        entries = [{"keyword": "就业", "unit": "春柳街道"}] + [e for e in d["entries"] if e["keyword"] != "就业"]
        r = expect_status(self.sup.put("/api/v1/plans/lead-units", {"entries": entries}), 200).json()
        eq((r["source"], r["entries"][0]), ("edited", {"keyword": "就业", "unit": "春柳街道"}), "stored")
        with open(SEED, "rb") as f:
            raw = f.read()
        p = expect_status(self.sup.post("/api/v1/plans/import-preview", {"content_base64": b64(raw)}), 200).json()
        task = next(t for t in self.iter_tasks(p["nodes"]) if t["title"].startswith("突出大學生就業"))
        eq(task["lead_unit_suggestions"][0]["unit"], "春柳街道", "the preview uses the edited dictionary")
        eq(len(self.events("plan.lead_units.updated")), 1, "the edit is an event")
        r = expect_status(self.sup.put("/api/v1/plans/lead-units", {"reset": True}), 200).json()
        eq(r["source"], "built-in", "reset")
        p = expect_status(self.sup.post("/api/v1/plans/import-preview", {"content_base64": b64(raw)}), 200).json()
        task = next(t for t in self.iter_tasks(p["nodes"]) if t["title"].startswith("突出大學生就業"))
        eq(task["lead_unit_suggestions"][0]["unit"], "区人社局", "back to the built-in suggestion")

    # ------------------------------------------------------------------ confirm
    def body_from(self, proposal):
        """The proposal as a user confirms it: each task's first suggestion resolved to a unit;
        the first task goes to 春柳街道 (a street), the second to 区发改局."""
        tasks = []

        def conv(n):
            out = {"kind": n["kind"], "title": n["title"], "text": n["text"], "start": n.get("start"), "end": n.get("end"),
                   "targets": n.get("targets", []), "objects": n.get("objects", [])}
            if n["kind"] == "task":
                tasks.append(out)
                for s in n.get("lead_unit_suggestions", []):
                    if s["unit"] in self.units:
                        out["lead_unit_id"] = self.units[s["unit"]]
                        break
            out["children"] = [conv(c) for c in n.get("children", [])]
            return out
        nodes = [conv(n) for n in proposal["nodes"]]
        tasks[0]["lead_unit_id"] = self.units["春柳街道"]
        tasks[0]["leader"] = "王副区长"
        tasks[0]["co_unit_ids"] = [self.units["区民政局"]]
        tasks[1]["lead_unit_id"] = self.units["区发改局"]
        tasks[1]["leader"] = "李副区长"
        return {"title": "2026年度工作计划(种子报告)", "year": 2026, "source": proposal["source"],
                "encoding": proposal["encoding"], "nodes": nodes}

    def test_confirm_validation(self):
        body = self.body_from(self.proposal)
        n0 = self.plan_count()
        ev0 = len(self.events("plan.created"))
        bad = [
            ({"title": ""}, "title"),
            ({"year": 1999}, "year"),
            ({"nodes": []}, "nodes"),
            ({"unknown": 1}, "unknown"),
        ]
        for patch, field in bad:
            b = dict(body, **patch)
            expect_error(self.sup.post("/api/v1/plans", b), 422, field=field, msg="plan with %r" % patch)
        import copy
        b = copy.deepcopy(body)
        b["nodes"][0]["kind"] = "task"
        expect_error(self.sup.post("/api/v1/plans", b), 422, field="nodes[0].kind")
        b = copy.deepcopy(body)
        b["nodes"][1]["children"][0]["children"][0]["lead_unit_id"] = 999999
        expect_error(self.sup.post("/api/v1/plans", b), 422, code="unknown_unit", field="nodes[1].children[0].children[0].lead_unit_id")
        b = copy.deepcopy(body)
        b["nodes"][0]["children"][0]["children"][0]["due_date"] = "2026-02-30"
        expect_error(self.sup.post("/api/v1/plans", b), 422, field="nodes[0].children[0].children[0].due_date")
        b = copy.deepcopy(body)
        b["nodes"][0]["children"][0]["children"][0]["end"] = len(body["source"]) + 10
        expect_error(self.sup.post("/api/v1/plans", b), 422, field="nodes[0].children[0].children[0].end")
        b = copy.deepcopy(body)
        b["nodes"][0]["children"][0]["children"][0]["children"] = [{"kind": "task", "title": "x"}]
        expect_error(self.sup.post("/api/v1/plans", b), 422, field="nodes[0].children[0].children[0].children")
        eq(self.plan_count(), n0, "refused plans store nothing")
        eq(len(self.events("plan.created")), ev0, "and emit nothing")
        expect_error(self.chunliu.post("/api/v1/plans", body), 403)
        expect_error(self.leader.post("/api/v1/plans", body), 403)

    def test_confirm(self):
        body = self.body_from(self.proposal)
        r = expect_status(self.sup.post("/api/v1/plans", body), 201)
        p = r.json()
        self.plan = p
        eq(p["counts"]["key_works"], 5, "key works stored")
        eq(p["counts"]["tasks"], sum(1 for _ in self.iter_tasks(self.proposal["nodes"])), "every task stored")
        nodes = expect_status(self.sup.get("/api/v1/plans/%d/nodes" % p["id"]), 200).json()["items"]
        tasks = [n for n in nodes if n["kind"] == "task"]
        listed = [x for x in expect_status(self.sup.get("/api/v1/plans?per_page=500"), 200).json()["items"] if x["id"] == p["id"]]
        eq(listed[0]["counts"]["targets"], sum(len(n.get("targets") or []) for n in nodes), "the list counts the targets")
        check(listed[0]["counts"]["targets"] > 0, "the report's tasks carry targets")
        self.t_chunliu, self.t_fgj = tasks[0], tasks[1]
        eq(self.t_chunliu["lead_unit"]["name"], "春柳街道", "first task led by 春柳街道")
        eq(self.t_chunliu["co_units"][0]["name"], "区民政局", "co-unit")
        eq((self.t_chunliu["status"], self.t_chunliu["light"], self.t_chunliu["start_date"], self.t_chunliu["due_date"]),
           ("未啟動", "green", "2026-01-01", "2026-12-31"), "defaults of a new task")
        eq(self.t_chunliu["number"], "1.1.1", "numbered by position")
        # the first monthly report is due by the 5th working day of October 2026: Oct 8, 9, 10 (adjusted
        # Saturday), 12, 13 -> 13 October 17:30 Beijing time
        eq(self.t_chunliu["next_report_due"], "2026-10-13T09:30:00.000Z", "first report due")
        src = expect_status(self.sup.get("/api/v1/plans/%d?source=1" % p["id"]), 200).json()["source"]
        eq(src[self.t_chunliu["src_start"]:self.t_chunliu["src_end"]], self.t_chunliu["text"], "stored span quotes the source")
        ev = self.events("plan.created")
        eq(ev[0]["object_id"], p["id"], "plan.created event")

    def iter_tasks(self, nodes):
        for n in nodes:
            if n["kind"] == "task":
                yield n
            yield from self.iter_tasks(n.get("children", []))

    # ------------------------------------------------------------------ scope
    def test_scope(self):
        pid = self.plan["id"]
        mine = expect_status(self.chunliu.get("/api/v1/plans/%d/nodes" % pid), 200).json()["items"]
        tasks = [n for n in mine if n["kind"] == "task"]
        eq([t["id"] for t in tasks], [self.t_chunliu["id"]], "春柳 sees only its task")
        eq([n["kind"] for n in mine], ["key_work", "item", "task"], "with its ancestors")
        expect_error(self.chunliu.get("/api/v1/plan-nodes/%d" % self.t_fgj["id"]), 404)
        expect_error(self.malan.get("/api/v1/plans/%d" % pid), 404)
        check(pid not in [p["id"] for p in expect_status(self.malan.get("/api/v1/plans"), 200).json()["items"]],
              "马栏 does not see this plan")
        # the co-unit's staff would see it too; the supervisor and the leader see all
        all_nodes = expect_status(self.leader.get("/api/v1/plans/%d/nodes" % pid), 200).json()["total"]
        check(all_nodes > 60, "leader sees the whole plan (%d nodes)" % all_nodes)
        # filters keep ancestors
        f = expect_status(self.sup.get("/api/v1/plans/%d/nodes?unit_id=%d" % (pid, self.units["区发改局"])), 200).json()["items"]
        check(any(n["id"] == self.t_fgj["id"] for n in f), "unit filter finds 发改局's task")
        check(all(n["kind"] != "task" or n["lead_unit"]["id"] == self.units["区发改局"] for n in f), "only 发改局's tasks")
        expect_error(self.sup.get("/api/v1/plans/%d/nodes?light=purple" % pid), 400, field="light")
        # the seed's tasks are in Traditional (突出大學生就業…); a search typed in Simplified finds them
        import urllib.parse
        for q in ("大学生就业", "大學生就業"):
            hits = expect_status(self.sup.get("/api/v1/plans/%d/nodes?q=%s" % (pid, urllib.parse.quote(q))), 200).json()["items"]
            check(any(n["kind"] == "task" and n["title"].startswith("突出大學生就業") for n in hits),
                  "q=%s finds the task across scripts" % q)
        # staff cannot edit the tree
        expect_error(self.chunliu.patch("/api/v1/plan-nodes/%d" % self.t_chunliu["id"], {"leader": "x"}), 403)

    # ------------------------------------------------------------------ assign, report, comment
    def test_assign_and_report(self):
        tid = self.t_fgj["id"]
        r = expect_status(self.sup.patch("/api/v1/plan-nodes/%d" % tid,
                                         {"lead_unit_id": self.units["春柳街道"], "due_date": "2026-11-30", "version": self.t_fgj["version"]}), 200)
        eq((r.json()["lead_unit"]["name"], r.json()["due_date"]), ("春柳街道", "2026-11-30"), "reassigned")
        expect_error(self.sup.patch("/api/v1/plan-nodes/%d" % tid, {"leader": "x", "version": self.t_fgj["version"]}), 409, code="version_conflict")
        expect_error(self.sup.patch("/api/v1/plan-nodes/%d" % tid, {"status": "無法完成"}), 422, field="status_reason")
        expect_error(self.sup.patch("/api/v1/plan-nodes/%d" % tid, {"lead_unit_id": 424242}), 422, field="lead_unit_id")
        expect_error(self.sup.patch("/api/v1/plan-nodes/%d" % tid, {"start_date": "2026-12-31"}), 422, field="due_date")
        # now 春柳 sees it; 发改局 no longer does
        expect_status(self.chunliu.get("/api/v1/plan-nodes/%d" % tid), 200)
        expect_error(self.fgj.get("/api/v1/plan-nodes/%d" % tid), 404)
        # progress report by the lead unit
        tc = self.t_chunliu["id"]
        expect_error(self.chunliu.post("/api/v1/plan-nodes/%d/reports" % tc, {"text": "进展", "percent": 101}), 422, field="percent")
        expect_error(self.chunliu.post("/api/v1/plan-nodes/%d/reports" % tc, {"percent": 10}), 422, field="text")
        expect_error(self.malan.post("/api/v1/plan-nodes/%d/reports" % tc, {"text": "x", "percent": 10}), 404)
        expect_error(self.sup.post("/api/v1/plan-nodes/%d/reports" % tc, {"text": "x", "percent": 10}), 403)
        r = expect_status(self.chunliu.post("/api/v1/plan-nodes/%d/reports" % tc, {"text": "已完成方案编制,正在征求意见。", "percent": 30}), 201)
        eq((r.json()["node"]["status"], r.json()["node"]["percent"]), ("推進中", 30), "report moves the task")
        # a report on 28 September answers October's deadline: the next is due by the 5th working day
        # of November 2026 (2, 3, 4, 5, 6 November) -> 6 November 17:30
        eq(r.json()["node"]["next_report_due"], "2026-11-06T09:30:00.000Z", "next report due")
        expect_status(self.leader.post("/api/v1/plan-nodes/%d/comments" % tc, {"text": "抓紧推进,月底前报送方案。"}), 201)
        expect_error(self.chunliu.post("/api/v1/plan-nodes/%d/comments" % tc, {"text": "x"}), 403)
        d = expect_status(self.sup.get("/api/v1/plan-nodes/%d" % tc), 200).json()
        eq(len(d["reports"]), 1, "report listed")
        # 无法完成 needs its reason; the report keeps it, and the task holds it only while it stays so
        expect_error(self.chunliu.post("/api/v1/plan-nodes/%d/reports" % tc, {"text": "资金未落实。", "percent": 30,
                                                                              "status": "無法完成"}), 422, field="status_reason")
        why = "上级资金未下达，年内无法开工。"
        r = expect_status(self.chunliu.post("/api/v1/plan-nodes/%d/reports" % tc, {
            "text": "资金未落实。", "percent": 30, "status": "無法完成", "status_reason": why}), 201).json()
        eq((r["reason"], r["node"]["status"], r["node"]["status_reason"]), (why, "無法完成", why), "the reason, reported")
        r = expect_status(self.chunliu.post("/api/v1/plan-nodes/%d/reports" % tc, {
            "text": "资金已到位，恢复推进。", "percent": 30, "status_reason": why}), 201).json()
        eq((r["reason"], r["node"]["status"], r["node"]["status_reason"]), ("", "推進中", ""),
           "moving again clears it, even with the old reason sent along")
        d = expect_status(self.leader.get("/api/v1/plan-nodes/%d" % tc), 200).json()
        eq([(x["status"], x["reason"]) for x in d["reports"]],
           [("推進中", ""), ("無法完成", why), ("推進中", "")], "each report with the reason it gave, newest first")
        eq(d["comments"][0]["text"], "抓紧推进,月底前报送方案。", "comment listed")
        eq([e["object_id"] for e in self.events("plan.report") if e["object_id"] == tc], [tc] * 3, "plan.report events")

    # ------------------------------------------------------------------ follow-up across National Day
    def test_followup_deadline(self):
        self.set_clock("2026-09-29T10:00:00+08:00")
        self.login_all()
        tc = self.t_chunliu["id"]
        expect_error(self.chunliu.post("/api/v1/plan-nodes/%d/followups" % tc, {"content": "x"}), 403)
        expect_error(self.sup.post("/api/v1/plan-nodes/%d/followups" % tc, {"content": "x", "reply_days": 0}), 422, field="reply_days")
        r = expect_status(self.sup.post("/api/v1/plan-nodes/%d/followups" % tc,
                                        {"content": "请于规定时限内报送落实情况。", "reply_days": 4}), 201)
        f = r.json()
        self.f = f
        eq(f["number"], "督辦〔2026〕1號", "numbered within the year")
        # 4 working days after Tue 29 Sep: 30 Sep, (1-7 Oct holiday), 8 Oct, 9 Oct, Sat 10 Oct (adjusted
        # workday) -> 10 October 17:30 Beijing time
        eq(f["reply_due"], "2026-10-10T09:30:00.000Z", "reply due across National Day")
        eq((f["state"], f["light"], f["to_unit"]["name"]), ("open", "green", "春柳街道"), "open, green, to the lead unit")
        eq(len(expect_status(self.chunliu.get("/api/v1/followups?state=open"), 200).json()["items"]), 1, "春柳 sees it")
        eq(expect_status(self.malan.get("/api/v1/followups"), 200).json()["items"], [], "马栏 does not")
        # Friday 9 Oct 17:00: 27.5 of 36 working hours used (< 80%): still green
        self.set_clock("2026-10-09T17:00:00+08:00")
        self.login_all()
        eq(expect_status(self.sup.get("/api/v1/followups/%d" % f["id"]), 200).json()["light"], "green", "green on 9 Oct")
        # Saturday 10 Oct (a working day) 09:00: past 80% (reached at 08:48) -> yellow
        self.set_clock("2026-10-10T09:00:00+08:00")
        self.login_all()
        eq(expect_status(self.sup.get("/api/v1/followups/%d" % f["id"]), 200).json()["light"], "yellow", "yellow on 10 Oct")
        node = expect_status(self.sup.get("/api/v1/plan-nodes/%d" % tc), 200).json()
        eq(node["light"], "yellow", "the task shows its notice's yellow")
        # 17:31 the same day: past due -> red, escalated to the responsible leader
        sw = self.set_clock("2026-10-10T17:31:00+08:00")
        self.login_all()
        check(sw["changed"] >= 2 and sw["escalated"] == 1, "sweep changed the notice and its task: %r" % sw)
        fr = expect_status(self.sup.get("/api/v1/followups/%d" % f["id"]), 200).json()
        eq((fr["light"], fr["escalated_at"] is not None), ("red", True), "red and escalated")
        node = expect_status(self.sup.get("/api/v1/plan-nodes/%d" % tc), 200).json()
        eq(node["light"], "red", "task red")
        check("督辦〔2026〕1號" in node["light_reason"], "reason names the notice: %s" % node["light_reason"])
        check({"code": "followup_overdue", "number": "督辦〔2026〕1號", "due": fr["reply_due"]} in node["light_reasons"],
              "the reasons as data for the client: %r (reply due %s)" % (node["light_reasons"], fr["reply_due"]))
        esc = self.events("plan.escalated")
        eq((len(esc), esc[0]["payload"]["leader"]), (1, "王副区长"), "escalated to the task's leader")
        ov = expect_status(self.leader.get("/api/v1/plans/%d/overview" % self.plan["id"]), 200).json()
        eq([e["id"] for e in ov["escalations"]], [f["id"]], "the leader's overview lists it")
        check(any(u["unit"]["name"] == "春柳街道" and u["red"] >= 1 for u in ov["overdue_by_unit"]), "red by unit")
        for light in ("red", "yellow"):  # every task that is not green is in a unit's bar or the unassigned one
            eq(sum(u[light] for u in ov["overdue_by_unit"]) + ov["overdue_unassigned"][light], ov["lights"][light],
               light + " tasks by unit add up")
        eq(len(expect_status(self.sup.get("/api/v1/followups?state=overdue"), 200).json()["items"]), 1, "overdue filter")
        # other tasks are still green: their first report is due 13 October
        nodes = expect_status(self.sup.get("/api/v1/plans/%d/nodes?light=red" % self.plan["id"]), 200).json()["items"]
        eq([n["id"] for n in nodes if n["kind"] == "task"], [tc], "only the followed-up task is red")
        # a late reply closes the notice and the task goes back to green
        expect_error(self.malan.post("/api/v1/followups/%d/reply" % f["id"], {"text": "x"}), 404)
        expect_error(self.sup.post("/api/v1/followups/%d/reply" % f["id"], {"text": "x"}), 403)
        r = expect_status(self.chunliu.post("/api/v1/followups/%d/reply" % f["id"], {"text": "已报送落实情况。"}), 200)
        eq((r.json()["state"], r.json()["late"]), ("replied", True), "replied late")
        expect_error(self.chunliu.post("/api/v1/followups/%d/reply" % f["id"], {"text": "again"}), 409, code="already_replied")
        eq(expect_status(self.sup.get("/api/v1/plan-nodes/%d" % tc), 200).json()["light"], "green", "task green again")

    def test_report_cadence(self):
        # Wed 14 Oct 09:00: the October report (due 13 Oct 17:30) is missing for tasks never reported
        self.set_clock("2026-10-14T09:00:00+08:00")
        self.login_all()
        nodes = expect_status(self.sup.get("/api/v1/plans/%d/nodes" % self.plan["id"]), 200).json()["items"]
        tasks = {n["id"]: n for n in nodes if n["kind"] == "task"}
        eq(tasks[self.t_chunliu["id"]]["light"], "green", "the task reported in September is green (%s)" % tasks[self.t_chunliu["id"]]["light_reason"])
        other = tasks[self.t_fgj["id"]]
        eq(other["light"], "yellow", "a task with no report is yellow")
        check("進展報告逾期" in other["light_reason"], other["light_reason"])
        check("report_late" in [r["code"] for r in other["light_reasons"]], "its reasons' codes: %r" % other["light_reasons"])
        eq(len(other["light_reasons"]), other["light_reason"].count("；") + 1, "one text per reason")
        eq(tasks[self.t_chunliu["id"]]["light_reasons"], [], "a green task gives no reason")
        # 5 working days later (14, 15, 16, 19, 20 Oct) it turns red: Wed 21 Oct 09:00
        self.set_clock("2026-10-21T09:00:00+08:00")
        self.login_all()
        n = expect_status(self.sup.get("/api/v1/plan-nodes/%d" % self.t_fgj["id"]), 200).json()
        eq(n["light"], "red", "red after the grace")
        lights = self.events("plan.node.light")
        check(any(e["object_id"] == self.t_fgj["id"] and e["payload"]["to"] == "red" for e in lights), "light event")

    # ------------------------------------------------------------------ Excel
    def test_sheet_round_trip(self):
        pid = self.plan["id"]
        r = self.sup.get("/api/v1/plans/%d/export.xlsx" % pid)
        expect_status(r, 200)
        eq(r.header("Content-Type"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx type")
        z = zipfile.ZipFile(io.BytesIO(r.body))
        check("xl/worksheets/sheet1.xml" in z.namelist(), "a workbook")
        shared = z.read("xl/sharedStrings.xml").decode()
        for col in ["序號", "重點工作", "具體任務", "牽頭單位", "配合單位", "責任領導", "完成時限", "目標值", "進展情況", "狀態"]:
            check(col in shared, "column %s" % col)
        check("春柳街道" in shared and "王副区长" in shared, "assignments exported")
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
        check("<mergeCell " in sheet, "key works merged")
        self.xlsx = r.body
        # in Simplified script for Simplified users: headings and statuses; the import reads it back
        r = expect_status(self.sup.get("/api/v1/plans/%d/export.xlsx?script=simplified" % pid), 200)
        check("%E4%BB%BB%E5%8A%A1%E5%88%86%E8%A7%A3%E8%A1%A8" in r.header("Content-Disposition"),
              "named 任务分解表: %s" % r.header("Content-Disposition"))
        simp = zipfile.ZipFile(io.BytesIO(r.body)).read("xl/sharedStrings.xml").decode()
        for col in ["序号", "重点工作", "具体任务", "牵头单位", "配合单位", "责任领导", "完成时限", "目标值", "进展情况", "状态"]:
            check(col in simp, "column %s" % col)
        check("未启动" in simp and "未啟動" not in simp and "牽頭單位" not in simp, "statuses in Simplified")
        back = expect_status(self.sup.post("/api/v1/plans/%d/import-sheet" % pid, {"content_base64": b64(r.body)}), 200).json()
        eq((back["errors"], back["changes"], back["valid"] == back["rows"] > 0), ([], 0, True),
           "the Simplified sheet read back as it was: no errors, no changes")
        expect_error(self.sup.get("/api/v1/plans/%d/export.xlsx?script=latin" % pid), 400, field="script")
        # staff export only what they see
        r2 = self.chunliu.get("/api/v1/plans/%d/export.xlsx" % pid)
        expect_status(r2, 200)
        s2 = zipfile.ZipFile(io.BytesIO(r2.body)).read("xl/sharedStrings.xml").decode()
        check("李副区长" in s2 or "区发改局" not in s2, "staff sheet holds their tasks only")
        # import: bad base64, not a workbook
        expect_error(self.sup.post("/api/v1/plans/%d/import-sheet" % pid, {"content_base64": b64(b"nope")}), 422, field="content_base64")
        # The sheet edited in LibreOffice (scripted: to CSV, edit, back to .xlsx) and imported back:
        # one valid edit, two invalid rows reported by row and column and not applied.
        import csv
        import shutil
        import subprocess
        import tempfile
        soffice = shutil.which("soffice") or shutil.which("libreoffice")
        check(soffice is not None, "LibreOffice (libreoffice-calc) is installed by scripts/install-deps")
        tmp = tempfile.mkdtemp(prefix="duban-sheet-", dir=self.workdir)
        profile = "-env:UserInstallation=file://" + os.path.join(tmp, "profile")

        def convert(src, fmt, extra=()):
            subprocess.run([soffice, profile, "--headless", "--norestore"] + list(extra) +
                           ["--convert-to", fmt, "--outdir", tmp, src], check=True, capture_output=True, timeout=180)
        xp = os.path.join(tmp, "plan.xlsx")
        with open(xp, "wb") as f:
            f.write(self.xlsx)
        convert(xp, "csv:Text - txt - csv (StarCalc):44,34,76")
        with open(os.path.join(tmp, "plan.csv"), encoding="utf-8") as f:
            rows = list(csv.reader(f))
        hdr_at = next(i for i, r in enumerate(rows) if "序號" in r)
        hdr = rows[hdr_at]
        col = {name: hdr.index(name) for name in hdr}
        by_num = {r[col["序號"]]: i for i, r in enumerate(rows) if i > hdr_at and r and r[0]}
        i1 = by_num[self.t_chunliu["number"]]
        rows[i1][col["責任領導"]] = "张副区长"  # valid edit
        keys = [k for k in by_num if k not in (self.t_chunliu["number"], self.t_fgj["number"])]
        i2, i3 = by_num[keys[0]], by_num[keys[1]]
        rows[i2][col["牽頭單位"]] = "不存在的单位"  # invalid
        rows[i3][col["完成時限"]] = "2026-13-45"  # invalid
        os.remove(xp)
        with open(os.path.join(tmp, "plan.csv"), "w", encoding="utf-8", newline="") as f:
            csv.writer(f).writerows(rows)
        convert(os.path.join(tmp, "plan.csv"), "xlsx", ["--infilter=CSV:44,34,76"])
        with open(xp, "rb") as f:
            edited = f.read()
        leader_before = self.srv.db.query("SELECT leader FROM plan_nodes WHERE id = ?", (self.t_chunliu["id"],))[0][0]
        r = expect_status(self.sup.post("/api/v1/plans/%d/import-sheet" % pid, {"content_base64": b64(edited)}), 200)
        v = r.json()
        errs = sorted((e["row"], e["column"]) for e in v["errors"])
        eq(errs, sorted([(i2 + 1, "牽頭單位"), (i3 + 1, "完成時限")]), "errors by spreadsheet row and column")
        eq((v["changes"], v["applied"]), (1, 0), "validation alone applies nothing")
        eq(self.srv.db.query("SELECT leader FROM plan_nodes WHERE id = ?", (self.t_chunliu["id"],))[0][0], leader_before,
           "nothing changed before the user says so")
        ew = zipfile.ZipFile(io.BytesIO(base64.b64decode(v["error_workbook_base64"])))
        check("不存在的单位" in ew.read("xl/sharedStrings.xml").decode(), "the error workbook carries the rows")
        r = expect_status(self.sup.post("/api/v1/plans/%d/import-sheet" % pid, {"content_base64": b64(edited), "apply": True}), 200)
        eq(r.json()["applied"], 1, "the valid row applied")
        n = expect_status(self.sup.get("/api/v1/plan-nodes/%d" % self.t_chunliu["id"]), 200).json()
        eq(n["leader"], "张副区长", "edit applied")
        other = expect_status(self.sup.get("/api/v1/plan-nodes/%d" % int(self.srv.db.query(
            "SELECT id FROM plan_nodes WHERE plan_id = ? AND number = ?", (pid, keys[1]))[0][0])), 200).json()
        check(other["due_date"] != "2026-13-45", "invalid row not applied")
        ev = self.events("plan.sheet_imported")
        eq(ev[0]["payload"]["applied"], [self.t_chunliu["number"]], "import event names what changed")
        expect_error(self.chunliu.post("/api/v1/plans/%d/import-sheet" % pid, {"content_base64": b64(edited)}), 403)

    # ------------------------------------------------------------------ the CLI, without a server
    def test_cli_import_xlsx(self):
        """`duban plan import` on the seed writes an .xlsx LibreOffice opens, one row per task."""
        import csv
        import json
        import shutil
        import subprocess
        import tempfile
        tmp = tempfile.mkdtemp(prefix="duban-cli-", dir=self.workdir)
        out_json = os.path.join(tmp, "plan.json")
        r = subprocess.run([self.duban, "plan", "import", SEED, "--year", "2026", "--out", out_json],
                           capture_output=True, timeout=60)
        eq(r.returncode, 0, "plan import to JSON: %s" % r.stderr.decode()[-300:])
        check(b"UTF-8" in r.stderr and b"57 tasks" in r.stderr, "summary says the encoding and counts: %r" % r.stderr)
        with open(out_json, encoding="utf-8") as f:
            tasks = sum(1 for _ in self.iter_tasks(json.load(f)["nodes"]))
        out_x = os.path.join(tmp, "plan.xlsx")
        r = subprocess.run([self.duban, "plan", "import", SEED, "--out", out_x], capture_output=True, timeout=60)
        eq(r.returncode, 0, "plan import to xlsx")
        soffice = shutil.which("soffice") or shutil.which("libreoffice")
        check(soffice is not None, "LibreOffice is installed by scripts/install-deps")
        subprocess.run([soffice, "-env:UserInstallation=file://" + os.path.join(tmp, "profile"), "--headless",
                        "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", tmp, out_x],
                       check=True, capture_output=True, timeout=180)
        with open(os.path.join(tmp, "plan.csv"), encoding="utf-8") as f:
            rows = list(csv.reader(f))
        hdr = next(i for i, row in enumerate(rows) if row and row[0] == "序號")
        eq(rows[hdr][:3], ["序號", "重點工作", "具體任務"], "conventional columns")
        task_rows = [row for row in rows[hdr + 1:] if row and row[0] not in ("", "0")]
        eq(len(task_rows), tasks, "one row per task")
        check(rows[hdr + 1][1] == "年度主要目標" and "15%" in rows[hdr + 1][2], "the plan's main targets on row 0")
        # errors: exit 2 and a message naming the file
        r = subprocess.run([self.duban, "plan", "import", os.path.join(tmp, "missing.txt")], capture_output=True, timeout=30)
        eq(r.returncode, 2, "missing file exit code")
        check(b"missing.txt" in r.stderr, "message names the file: %r" % r.stderr)
        bad = os.path.join(tmp, "bad.txt")
        with open(bad, "wb") as f:
            f.write(b"\xff\xfe\x00\xd8\x00\x00" * 100)
        r = subprocess.run([self.duban, "plan", "import", bad], capture_output=True, timeout=30)
        eq(r.returncode, 2, "undecodable file exit code")
