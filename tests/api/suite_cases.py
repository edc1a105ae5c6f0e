"""cases: the case engine through the API, with the server's clock set by the test (--test-clock).
The four types end to end: a hotline order auto-dispatched by a rule, re-dispatched (改派), sent back
(退單), extended (延期 rejected, then approved), suspended (掛起) and resumed, supervised (督辦),
reopened by a "not solved" return visit; an urban case reported by the grid inspector with a photo,
registered and auto-dispatched, failed at verification (返工), closed and rated; merged duplicates
(並單); a petition with its one extension and 復查/復核; an enterprise request through the queue.
Validation (422 naming the field), wrong stage and stale version (409) and wrong role (403) change
nothing; scope (404); the reporter's masked data and the logged full view; the benchmark
lifecycle as four writes; yellow and red lights across National Day 2026 and its adjusted
Saturday (10 October)."""
import hashlib
import json

import dubantest as dt
from dubantest import check, eq, expect_error, expect_status, urlquote

# Two JPEG photos' hashes, uploaded in setup (a reference must name a stored attachment).
PHOTO = PHOTO2 = None


@dt.suite("cases")
class CasesSuite(dt.Suite):
    def setup(self):
        self.srv = self.new_server("main", extra=["--test-clock"])
        # Wednesday 30 September 2026, 15:00 in Beijing: the day before National Day.
        self.set_clock("2026-09-30T15:00:00+08:00")
        self.login_all()
        self.units = {}
        for u in expect_status(self.sup.get("/api/v1/org-units?per_page=500"), 200).json()["items"]:
            self.units[u["code"]] = u
        self.chunliu_id = self.units["210204006"]["id"]
        self.malan_id = self.units["210204008"]["id"]
        me = expect_status(self.insp.get("/api/v1/me"), 200).json()
        self.insp_grid = me["units"][0]
        self.malan_grid = self.units["210204008-C1-G1"]["id"]
        global PHOTO, PHOTO2
        PHOTO, PHOTO2 = [expect_status(self.insp.request("POST", "/api/v1/attachments",
                                                         body=b"\xff\xd8\xff\xe0" + tag * 40, ctype="image/jpeg"),
                                       201).json()["sha256"] for tag in (b"before", b"after!")]
        # a well-formed hash nobody uploaded is refused
        expect_error(self.insp.post("/api/v1/cases", {"type": "urban", "category": "E0101", "description": "未上传的照片",
                                                      "grid_id": self.insp_grid,
                                                      "attachments": ["c" * 64]}), 422, field="attachments[0]")
        self.sjj = self.units["210204-SJJ"]["id"]
        self.zjj = self.units["210204-ZJJ"]["id"]
        # the rule table the tests rely on (replacing the demo's)
        expect_status(self.sup.put("/api/v1/dispatch-rules", {"rules": [
            {"type": "hotline", "category": "H03", "lead_unit_id": self.sjj},
            {"type": "urban", "category": "E01", "street_id": self.chunliu_id, "lead_unit_id": self.chunliu_id},
            {"type": "urban", "category": "B02", "lead_unit_id": self.zjj, "co_units": [self.chunliu_id]},
        ]}), 200)

    def login_all(self):
        self.sup = self.srv.session("ducha.staff")
        self.leader = self.srv.session("leader")
        self.chunliu = self.srv.session("chunliu.staff")
        self.malan = self.srv.session("malan.staff")
        self.insp = self.srv.session("grid.inspector")
        self.auditor = self.srv.session("auditor")
        self.admin = self.srv.session("admin")

    def set_clock(self, now):
        c = self.srv.session("leader")
        r = expect_status(c.put("/api/v1/_test/clock", {"now": now}), 200, "set clock")
        return r.json()

    def case(self, cid, who=None):
        return expect_status((who or self.sup).get("/api/v1/cases/%d" % cid), 200).json()

    def act(self, who, cid, action, body=None, status=200):
        r = who.post("/api/v1/cases/%d/actions/%s" % (cid, action), body or {})
        return expect_status(r, status, "%s %s" % (action, body)).json()

    def unchanged(self, cid, before, what):
        after = self.case(cid)
        eq(after["version"], before["version"], what + ": version unchanged")
        eq(len(after["history"]), len(before["history"]), what + ": no step added")
        eq(after["stage"], before["stage"], what + ": stage unchanged")

    def events(self, action):
        r = expect_status(self.auditor.get("/api/v1/events?action=%s&per_page=500" % action), 200)
        return r.json()["items"]

    def create(self, body, who=None, status=201):
        r = (who or self.sup).post("/api/v1/cases", body)
        return expect_status(r, status, "create %r" % body).json()

    def point_in(self, grid_id):
        """A point the server locates in the grid (a triangle's centroid of its generated polygon)."""
        f = [f for f in expect_status(self.sup.get("/api/v1/geo/areas?level=grid"), 200).json()["features"]
             if f["properties"]["unit_id"] == grid_id]
        check(f, "grid %d has a polygon" % grid_id)
        ring = f[0]["geometry"]["coordinates"][0] if f[0]["geometry"]["type"] == "Polygon" else f[0]["geometry"]["coordinates"][0][0]
        for k in range(1, len(ring) - 1):
            x = (ring[0][0] + ring[k][0] + ring[k + 1][0]) / 3.0
            y = (ring[0][1] + ring[k][1] + ring[k + 1][1]) / 3.0
            r = self.sup.get("/api/v1/geo/locate?lon=%r&lat=%r" % (x, y))
            if r.status == 200 and r.json()["grid_id"] == grid_id:
                return x, y
        check(False, "no point found in grid %d" % grid_id)

    # ------------------------------------------------------------------ types and rules
    def test_types(self):
        items = expect_status(self.chunliu.get("/api/v1/case-types"), 200).json()["items"]
        eq([t["code"] for t in items], ["urban", "hotline", "petition", "enterprise"], "four types")
        urban = expect_status(self.sup.get("/api/v1/case-types/urban"), 200).json()
        names = {c["name"] for m in urban["categories"] for c in m["children"]}
        for n in ["上水井盖", "路灯", "道路破损", "暴露垃圾", "乱堆物料", "违章张贴小广告", "占道经营", "施工扬尘"]:
            check(n in names, "urban 小類 %s" % n)
        eq({m["kind"] for m in urban["categories"]}, {"部件", "事件"}, "components and events")
        expect_error(self.sup.get("/api/v1/case-types/nosuch"), 404)
        # the sysadmin edits a type: validated, errors name the key, nothing stored on error
        hot = expect_status(self.admin.get("/api/v1/case-types/hotline"), 200).json()
        bad = dict(hot)
        bad["actions"] = [dict(hot["actions"][0], to="nowhere")] + hot["actions"][1:]
        e = expect_error(self.admin.put("/api/v1/case-types/hotline", bad), 422, field="actions[0].to")
        check("nowhere" in e["message"], e["message"])
        expect_error(self.sup.put("/api/v1/case-types/hotline", hot), 403, msg="the dispatcher does not edit types")
        eq(int(self.srv.db.query("SELECT COUNT(*) FROM case_type_configs")[0][0]), 0, "nothing stored")
        # an accepted edit (the same configuration, yellow at 75%), then back to 80%
        hot["yellow_share"] = 0.75
        expect_status(self.admin.put("/api/v1/case-types/hotline", hot), 200)
        eq(expect_status(self.sup.get("/api/v1/case-types/hotline"), 200).json()["yellow_share"], 0.75, "edited")
        hot["yellow_share"] = 0.8
        expect_status(self.admin.put("/api/v1/case-types/hotline", hot), 200)

    def test_dispatch_rules_validation(self):
        before = expect_status(self.sup.get("/api/v1/dispatch-rules"), 200).json()
        eq(len(before["rules"]), 3, "the setup's rules")
        expect_error(self.sup.put("/api/v1/dispatch-rules", {"rules": [
            {"type": "hotline", "category": "H03", "lead_unit_id": 99999999}]}), 422, field="rules[0].lead_unit_id")
        expect_error(self.sup.put("/api/v1/dispatch-rules", {"rules": [
            {"type": "hotline", "category": "H03", "lead_unit_id": self.sjj},
            {"type": "urban", "category": "X99", "lead_unit_id": self.sjj}]}), 422, field="rules[1].category")
        expect_error(self.sup.put("/api/v1/dispatch-rules", {"rules": [
            {"type": "urban", "category": "*", "street_id": self.sjj, "lead_unit_id": self.sjj}]}), 422, field="rules[0].street_id")
        expect_error(self.chunliu.put("/api/v1/dispatch-rules", {"rules": []}), 403)
        eq(expect_status(self.sup.get("/api/v1/dispatch-rules"), 200).json(), before, "rules unchanged")

    # ------------------------------------------------------------------ the benchmark lifecycle
    def test_benchmark_lifecycle_four_writes(self):
        c = self.create({"type": "hotline", "category": "H0101", "description": "市民咨询社保卡补办流程。（演示数据）"})
        eq(c["stage"], "dispatch", "no rule for 咨询: waits for the dispatcher")
        check(c["number"].startswith("RX-20260930-"), c["number"])
        cid = c["id"]
        self.act(self.sup, cid, "dispatch", {"unit_id": self.chunliu_id})
        expect_status(self.sup.post("/api/v1/cases/%d/notes" % cid, {"text": "已电话联系市民。"}), 201)
        done = self.act(self.sup, cid, "close", {"note": "已当场答复，市民满意。"})
        eq(done["status"], "closed", "closed directly")
        eq(done["stage"], "done", "办结")
        check(done["closed_at"] is not None, "closed_at set")
        eq(int(self.srv.db.query("SELECT COUNT(*) FROM events WHERE object_type = 'case' AND object_id = %d" % cid)[0][0]), 4,
           "four writes, four events")
        eq(int(self.srv.db.query("SELECT COUNT(*) FROM case_steps WHERE case_id = %d" % cid)[0][0]), 4, "four steps")

    def test_events_keep_digests_of_free_text(self):
        """The auditor reads every event but not cases: a note or reason in an event is its SHA-256 and
        length, never the text (which may name a citizen), while the case's history keeps the text."""
        c = self.create({"type": "hotline", "category": "H0101", "description": "市民反映噪声扰民。（演示数据）"})
        cid = c["id"]
        self.act(self.sup, cid, "dispatch", {"unit_id": self.chunliu_id})
        note = "已联系报告人孙悟空 13900001111"
        expect_status(self.sup.post("/api/v1/cases/%d/notes" % cid, {"text": note}), 201)
        closing = "已答复，报告人刘小明 13812340000 满意"
        self.act(self.sup, cid, "close", {"note": closing})
        mine = [e for e in self.events("case.") if e["object_id"] == cid]
        eq(len(mine), 4, "create, dispatch, note, close")
        dumped = json.dumps([e["payload"] for e in mine], ensure_ascii=False)
        for text in ("13900001111", "13812340000", "孙悟空", "刘小明"):
            check(text not in dumped, "%s is not in the events: %s" % (text, dumped))
        by = {e["action"]: e["payload"] for e in mine}
        eq(by["case.note"]["note"], {"sha256": hashlib.sha256(note.encode()).hexdigest(), "chars": len(note)},
           "the note's digest and length")
        eq(by["case.close"]["note"]["sha256"], hashlib.sha256(closing.encode()).hexdigest(), "the closing note's digest")
        history = [h["note"] for h in self.case(cid)["history"]]
        check(note in history and closing in history, "the history keeps the text: %r" % history)

    # ------------------------------------------------------------------ hotline
    def test_hotline_full(self):
        c = self.create({"type": "hotline", "category": "H0301", "description": "超市出售过期食品，要求查处。（演示数据）",
                         "grid_id": self.insp_grid,
                         "reporter": {"name": "王芳", "phone": "13812345678", "id_number": "11010519491231002X"}})
        cid = c["id"]
        eq(c["stage"], "sign", "投诉 auto-dispatched by the rule")
        eq(c["lead_unit_id"], self.sjj, "to 区市场监管局")
        eq(c["reporter"]["name"], "王*", "name masked")
        eq(c["reporter"]["phone"], "138****5678", "phone masked")
        eq(c["reporter"]["id_number"], "110***********002X", "id masked")
        raw = self.srv.db.query("SELECT name_sealed, phone_sealed FROM case_reporters WHERE case_id = %d" % cid)[0]
        check("王芳" not in raw[0] and "13812345678" not in raw[1], "sealed at rest: %r" % (raw,))
        # the full view is logged
        n0 = len(self.events("case.reporter.view"))
        full = expect_status(self.sup.get("/api/v1/cases/%d/reporter" % cid), 200).json()
        eq((full["name"], full["phone"]), ("王芳", "13812345678"), "full view")
        eq(len(self.events("case.reporter.view")), n0 + 1, "the view logged")
        expect_error(self.insp.get("/api/v1/cases/%d/reporter" % cid), 403)
        expect_error(self.malan.get("/api/v1/cases/%d/reporter" % cid), 404)
        # 改派 to 春柳 before signing
        c = self.act(self.sup, cid, "reassign", {"unit_id": self.chunliu_id, "note": "属地街道先行处置"})
        eq((c["stage"], c["lead_unit_id"]), ("sign", self.chunliu_id), "reassigned")
        # wrong role, wrong stage, stale version, missing field: nothing changes
        before = self.case(cid)
        expect_error(self.chunliu.post("/api/v1/cases/%d/actions/dispatch" % cid, {"unit_id": self.malan_id}), 403)
        expect_error(self.malan.post("/api/v1/cases/%d/actions/sign" % cid, {}), 404, msg="malan cannot see it")
        expect_error(self.chunliu.post("/api/v1/cases/%d/actions/handle" % cid, {"note": "x"}), 409, code="wrong_stage")
        expect_error(self.sup.post("/api/v1/cases/%d/actions/reassign" % cid, {"unit_id": self.malan_id, "version": 1}),
                     409, field="version")
        expect_error(self.chunliu.post("/api/v1/cases/%d/actions/return" % cid, {}), 422, field="reason")
        expect_error(self.chunliu.post("/api/v1/cases/%d/actions/sign" % cid, {"colour": 1}), 422, field="colour")
        expect_error(self.chunliu.post("/api/v1/cases/%d/actions/teleport" % cid, {}), 404)
        self.unchanged(cid, before, "refused writes")
        # 退單: back to the dispatcher's queue
        c = self.act(self.chunliu, cid, "return", {"reason": "非本街道职责"})
        eq((c["stage"], c["lead_unit_id"], c["returns"]), ("dispatch", None, 1), "returned")
        queue = expect_status(self.sup.get("/api/v1/case-queue"), 200).json()["items"]
        check(cid in [q["id"] for q in queue], "in the queue")
        expect_error(self.chunliu.get("/api/v1/case-queue"), 403)
        self.act(self.sup, cid, "dispatch", {"unit_id": self.chunliu_id, "co_units": [self.sjj]})
        c = self.act(self.chunliu, cid, "sign")
        eq(c["stage"], "handle", "signed")
        eq(c["stage_due_at"], "2026-10-13T09:30:00.000Z", "5 working days across National Day and the adjusted Saturday")
        check(cid not in [q["id"] for q in expect_status(self.sup.get("/api/v1/case-queue"), 200).json()["items"]], "left the queue")
        # 督辦 by a leader
        self.act(self.leader, cid, "supervise", {"note": "请加快办理"})
        # 延期: rejected, then approved
        c = self.act(self.chunliu, cid, "extend", {"workdays": 2, "reason": "需联合执法"})
        eq(c["pending_extension"]["amount"], 2, "pending")
        check("extend" not in c["actions"], "one request at a time")
        expect_error(self.chunliu.post("/api/v1/cases/%d/actions/extend_approve" % cid, {}), 403)
        c = self.act(self.sup, cid, "extend_reject", {"reason": "时限内可办结"})
        eq((c["pending_extension"], c["extensions"], c["stage_due_at"]), (None, 0, "2026-10-13T09:30:00.000Z"), "rejected")
        expect_error(self.chunliu.post("/api/v1/cases/%d/actions/extend" % cid, {"workdays": 11, "reason": "x"}), 422, field="workdays")
        self.act(self.chunliu, cid, "extend", {"workdays": 2, "reason": "需联合执法"})
        c = self.act(self.sup, cid, "extend_approve")
        eq((c["extensions"], c["stage_due_at"]), (1, "2026-10-15T09:30:00.000Z"), "approved: two more working days")
        # 掛起 and resume
        c = self.act(self.chunliu, cid, "suspend", {"reason": "等待检测报告"})
        eq((c["status"], c["paused"]), ("suspended", True), "suspended")
        eq(set(c["actions"]) & {"handle", "resume"}, {"resume"}, "only resume while suspended")
        expect_error(self.chunliu.post("/api/v1/cases/%d/actions/handle" % cid, {"note": "x"}), 409)
        c = self.act(self.chunliu, cid, "resume")
        eq(c["status"], "open", "resumed")
        # handled, the citizen says not solved: back to 辦理
        self.act(self.chunliu, cid, "handle", {"note": "已责令下架过期食品"})
        expect_error(self.sup.post("/api/v1/cases/%d/actions/rate" % cid, {"rating": 2}), 422, field="solved")
        c = self.act(self.sup, cid, "rate", {"rating": 2, "solved": False, "note": "市民表示问题未解决"})
        eq((c["stage"], c["reworks"], c["satisfaction"]), ("handle", 1, 2), "reopened to 办理")
        self.act(self.chunliu, cid, "handle", {"note": "已立案查处并告知市民"})
        c = self.act(self.sup, cid, "rate", {"rating": 5, "solved": True})
        eq((c["stage"], c["status"], c["satisfaction"]), ("done", "closed", 5), "办结")
        hist = [h["action"] for h in self.case(cid)["history"]]
        eq(hist, ["create", "dispatch", "reassign", "return", "dispatch", "sign", "supervise", "extend", "extend_reject",
                  "extend", "extend_approve", "suspend", "resume", "handle", "rate", "handle", "rate"], "history")
        # each step names its account by login and by the name people know it by
        me = {s: expect_status(s.get("/api/v1/me"), 200).json() for s in (self.sup, self.chunliu)}
        names = {(h["actor"], h["actor_name"]) for h in self.case(cid)["history"]}
        for m in me.values():
            check((m["username"], m["display_name"]) in names and m["display_name"] != m["username"],
                  "%s as %s in %r" % (m["username"], m["display_name"], names))
        eq(self.case(cid, self.leader)["id"], cid, "a leader reads it")

    # ------------------------------------------------------------------ urban
    def test_urban_inspector_report_verify_rework(self):
        body = {"type": "urban", "category": "E0101", "description": "路边暴露垃圾一堆。（演示数据）", "grid_id": self.insp_grid}
        e = expect_error(self.insp.post("/api/v1/cases", body), 422, field="attachments")
        check("photo" in e["message"], e["message"])
        expect_error(self.insp.post("/api/v1/cases", dict(body, grid_id=self.malan_grid, attachments=[PHOTO])), 422, field="grid_id")
        expect_error(self.insp.post("/api/v1/cases", dict(body, attachments=["xyz"])), 422, field="attachments[0]")
        expect_error(self.insp.post("/api/v1/cases", dict(body, category="H0101", attachments=[PHOTO])), 422, field="category")
        # a point elsewhere than the grid it is reported in
        x, y = self.point_in(self.malan_grid)
        e = expect_error(self.insp.post("/api/v1/cases", dict(body, attachments=[PHOTO], lon=x, lat=y)), 422, field="grid_id")
        check(e["code"] == "point_outside_grid" and "马栏街道" in e["message"], e)
        x, y = self.point_in(self.insp_grid)
        c = self.create(dict(body, attachments=[PHOTO], lon=x, lat=y), who=self.insp)
        eq((c["lon"], c["lat"], c["grid_id"]), (x, y, self.insp_grid), "a point in its grid")
        cid = c["id"]
        eq((c["stage"], c["source"], c["street_id"]), ("register", "grid", self.chunliu_id), "上报 by the inspector")
        eq(self.case(c["id"])["history"][0]["action_name"], "上报", "the inspector's report is 上报")
        check(c["number"].startswith("CG-"), c["number"])
        eq(c["category_major_name"], "市容环境", "大類")
        c = self.act(self.sup, cid, "register")
        eq((c["stage"], c["lead_unit_id"]), ("handle", self.chunliu_id), "立案 and auto-dispatched by the street rule")
        eq(c["stage_due_at"], "2026-09-30T09:00:00.000Z", "暴露垃圾: 2 working hours")
        self.act(self.chunliu, cid, "handle", {"note": "已清理"})
        expect_error(self.insp.post("/api/v1/cases/%d/actions/verify" % cid, {"fields": {"passed": True}}), 422, field="attachments")
        c = self.act(self.insp, cid, "verify", {"fields": {"passed": False}, "attachments": [PHOTO2], "note": "仍有残留"})
        eq((c["stage"], c["reworks"]), ("handle", 1), "返工 after a failed verification")
        self.act(self.chunliu, cid, "handle", {"note": "已彻底清理"})
        c = self.act(self.insp, cid, "verify", {"fields": {"passed": True}, "attachments": [PHOTO2]})
        eq(c["stage"], "close", "verified")
        c = self.act(self.sup, cid, "close", {"note": "符合结案标准"})
        eq((c["stage"], c["status"]), ("evaluate", "closed"), "结案")
        c = self.act(self.sup, cid, "rate", {"rating": 4})
        eq((c["stage"], c["satisfaction"]), ("done", 4), "评价")
        eq({a["sha256"] for a in c["attachments"]}, {PHOTO, PHOTO2}, "photos kept")
        steps = self.case(cid)["history"]
        eq(steps[0]["attachments"], [PHOTO], "the report's photo on its step")
        # the inspector sees only its grid's cases
        items = expect_status(self.insp.get("/api/v1/cases?per_page=500"), 200).json()["items"]
        check(items, "the inspector sees its cases")
        check(all(i["grid_id"] == self.insp_grid for i in items), "only its grid's")

    def test_urban_reassign_return_merge_scope(self):
        c = self.create({"type": "urban", "category": "B0201", "description": "人行道旁道路破损。（演示数据）",
                         "grid_id": self.malan_grid})
        cid = c["id"]
        eq(c["stage"], "register", "registered by the centre")
        c = self.act(self.sup, cid, "register")
        eq((c["lead_unit_id"], c["co_units"]), (self.zjj, [self.chunliu_id]), "道路交通 → 区住建局 with a co-unit")
        # a co-unit sees the case (by its paths) and finds it in its list; the grid's inspector by its grid
        seen = expect_status(self.chunliu.get("/api/v1/cases/%d" % cid), 200, "the co-unit sees it").json()
        # ... with the lead department's name, though that unit is outside its scope
        expect_error(self.chunliu.get("/api/v1/org-units/%d" % self.zjj), 404, msg="区住建局 is not in 春柳's scope")
        eq(seen["unit_names"].get(str(self.zjj)), self.units["210204-ZJJ"]["name"], "the lead unit's name in the case")
        eq(seen["unit_names"].get(str(self.chunliu_id)), "春柳街道", "the co-unit's name in the case")
        eq(set(seen["unit_names"]), {str(x) for x in (seen["street_id"], seen["community_id"], seen["grid_id"], self.zjj,
                                                        self.chunliu_id) if x}, "a name for each unit the case names")
        check(cid in [i["id"] for i in expect_status(self.chunliu.get("/api/v1/cases?per_page=500"), 200).json()["items"]],
              "listed for the co-unit 春柳街道")
        check(cid not in [i["id"] for i in expect_status(self.insp.get("/api/v1/cases?per_page=500"), 200).json()["items"]],
              "not listed for an inspector of another grid")
        c = self.act(self.sup, cid, "reassign", {"unit_id": self.malan_id})
        eq(c["lead_unit_id"], self.malan_id, "改派 to 马栏")
        expect_error(self.chunliu.get("/api/v1/cases/%d" % cid), 404, msg="chunliu.staff cannot see malan's case")
        expect_error(self.insp.get("/api/v1/cases/%d" % cid), 404, msg="not in the inspector's grid")
        check(cid not in [i["id"] for i in expect_status(self.chunliu.get("/api/v1/cases?per_page=500"), 200).json()["items"]],
              "not listed for chunliu")
        c = self.act(self.malan, cid, "return", {"reason": "属于住建部门职责"})
        eq((c["stage"], c["returns"]), ("dispatch", 1), "退单")
        c = self.act(self.sup, cid, "dispatch", {"unit_id": self.malan_id})
        eq(c["stage"], "handle", "re-dispatched")
        # 並單: a duplicate merged into it
        d = self.create({"type": "urban", "category": "B0201", "description": "同一处道路破损，重复上报。（演示数据）",
                         "grid_id": self.malan_grid})
        expect_error(self.sup.post("/api/v1/cases/%d/actions/merge" % d["id"], {"target_id": d["id"]}), 422, field="target_id")
        m = self.act(self.sup, d["id"], "merge", {"target_id": cid})
        eq((m["status"], m["merged_into"]), ("merged", cid), "merged")
        eq(m["actions"], [], "nothing more to do on a merged case")
        # a grid does not lead or co-handle a case (its inspectors report and verify)
        before = self.case(cid)
        expect_error(self.sup.post("/api/v1/cases/%d/actions/reassign" % cid, {"unit_id": self.malan_grid}), 422, field="unit_id")
        expect_error(self.sup.post("/api/v1/cases/%d/actions/reassign" % cid, {"unit_id": self.chunliu_id,
                                                                             "co_units": [self.malan_grid]}), 422, field="co_units[0]")
        self.unchanged(cid, before, "a grid refused as lead unit")
        check(any("并入" in h["note"] for h in self.case(cid)["history"]), "noted on the target")

    # ------------------------------------------------------------------ petition and enterprise
    def test_petition(self):
        c = self.create({"type": "petition", "category": "P0201", "description": "反映某工地拖欠农民工工资。（演示数据）",
                         "street_id": self.chunliu_id, "reporter": {"name": "李建国", "phone": "13900001111"}})
        cid = c["id"]
        eq(c["stage"], "accept", "登记: waiting for 受理告知")
        eq(c["stage_due_at"], "2026-10-15T16:00:00.000Z", "15 calendar days")
        check(cid in [q["id"] for q in expect_status(self.sup.get("/api/v1/case-queue?type=petition"), 200).json()["items"]], "queued")
        # 受理告知 says how the petitioner was told: one of the configured 告知方式, required
        before = self.case(cid)
        expect_error(self.sup.post("/api/v1/cases/%d/actions/register" % cid, {"unit_id": self.chunliu_id}), 422,
                     field="fields.notice", code="required")
        expect_error(self.sup.post("/api/v1/cases/%d/actions/register" % cid,
                                   {"unit_id": self.chunliu_id, "fields": {"notice": "wechat"}}), 422,
                     field="fields.notice", code="invalid_choice")
        expect_error(self.sup.post("/api/v1/cases/%d/actions/register" % cid,
                                   {"unit_id": self.chunliu_id, "fields": {"notice": 1}}), 422, field="fields.notice")
        self.unchanged(cid, before, "no 受理告知 without a valid 告知方式")
        c = self.act(self.sup, cid, "register", {"unit_id": self.chunliu_id, "fields": {"notice": "written"}})
        eq((c["stage"], c["stage_due_at"]), ("handle", "2026-11-29T16:00:00.000Z"), "60 calendar days to handle")
        step = self.case(cid)["history"][-1]
        eq((step["action_name"], step["fields"]), ("受理告知", {"notice": "written"}), "the 告知方式 is in the history")
        expect_error(self.chunliu.post("/api/v1/cases/%d/actions/extend" % cid, {"workdays": 31, "reason": "x"}), 422, field="workdays")
        self.act(self.chunliu, cid, "extend", {"workdays": 30, "reason": "案情复杂"})
        c = self.act(self.sup, cid, "extend_approve")
        eq((c["extensions"], c["stage_due_at"]), (1, "2026-12-29T16:00:00.000Z"), "extended by 30 days")
        expect_error(self.chunliu.post("/api/v1/cases/%d/actions/extend" % cid, {"workdays": 5, "reason": "x"}), 409,
                     msg="extendable once")
        self.act(self.chunliu, cid, "handle", {"note": "已督促企业支付工资"})
        c = self.act(self.sup, cid, "reply", {"note": "书面答复信访人"})
        eq((c["stage"], c["status"]), ("done", "closed"), "答复")
        c = self.act(self.sup, cid, "review", {"reason": "信访人不服，申请复查"})
        eq((c["stage"], c["status"]), ("review", "open"), "复查")
        c = self.act(self.sup, cid, "reply", {"note": "复查意见"})
        c = self.act(self.sup, cid, "recheck", {"reason": "申请复核"})
        eq(c["stage"], "recheck", "复核")
        c = self.act(self.sup, cid, "reply", {"note": "复核意见"})
        eq(c["status"], "closed", "closed after 复核")

    def test_petition_declined(self):
        """不予受理: the office decides within the 15 days not to accept a petition, on one of the
        configured grounds, and says how the petitioner was told; the case closes with no unit."""
        kpi_before = self.petition_kpis(self.sup)
        c = self.create({"type": "petition", "category": "P0301", "description": "不服仲裁裁决，要求撤销。（测试数据）",
                         "street_id": self.chunliu_id})
        cid = c["id"]
        check("decline" in c["actions"], "offered at 受理告知: %r" % c["actions"])
        eq(self.petition_kpis(self.sup), kpi_before + 1, "counted while it waits for the decision")
        pt = expect_status(self.sup.get("/api/v1/case-types/petition"), 200).json()
        decline = [a for a in pt["actions"] if a["code"] == "decline"][0]
        eq((decline["name"], sorted(decline["choices"]), decline["requires"]),
           ("不予受理", ["basis", "notice"], ["fields.basis", "fields.notice", "note"]), "configured")
        check("legal_channel" in [o["code"] for o in decline["choices"]["basis"]["options"]], "grounds listed")
        before = self.case(cid)
        ok = {"fields": {"basis": "legal_channel", "notice": "written"}, "note": "已书面告知信访人依法向人民法院起诉"}
        for body, field, code in (
                ({"fields": {"notice": "written"}, "note": "x"}, "fields.basis", "required"),
                ({"fields": {"basis": "legal_channel"}, "note": "x"}, "fields.notice", "required"),
                ({"fields": {"basis": "legal_channel", "notice": "written"}}, "note", "required"),
                ({"fields": {"basis": "no_reason", "notice": "written"}, "note": "x"}, "fields.basis", "invalid_choice"),
                ({"fields": {"basis": ["legal_channel"], "notice": "written"}, "note": "x"}, "fields.basis", "invalid_choice")):
            expect_error(self.sup.post("/api/v1/cases/%d/actions/decline" % cid, body), 422, field=field, code=code, msg=str(body))
        # a leader sees it but may not decide it; a street's staff do not see it (not yet assigned)
        expect_error(self.leader.post("/api/v1/cases/%d/actions/decline" % cid, ok), 403)
        expect_error(self.chunliu.post("/api/v1/cases/%d/actions/decline" % cid, ok), 404)
        self.unchanged(cid, before, "nothing declined by a refused request")
        c = self.act(self.sup, cid, "decline", ok)
        eq((c["stage"], c["status"], c["lead_unit_id"]), ("declined", "closed", None), "closed without a unit")
        # 复查/复核 review a handling opinion: a petition never accepted has none
        eq(c["actions"], [], "nothing more to do")
        check(c["closed_at"] is not None and c["registered_at"] is None, "closed, never 受理")
        # never handled: left out of the case KPIs (it would count as closed on time at once)
        eq(self.petition_kpis(self.sup), kpi_before, "not in the KPIs once declined")
        step = self.case(cid)["history"][-1]
        eq((step["action"], step["action_name"], step["fields"]), ("decline", "不予受理", ok["fields"]), "history")
        # the event keeps the codes (no one's personal data) and the note's digest only
        ev = [e for e in expect_status(self.auditor.get("/api/v1/events?object_type=case&object_id=%d" % cid), 200).json()["items"]
              if e["action"] == "case.decline"]
        eq(len(ev), 1, "one case.decline event")
        eq((ev[0]["payload"]["fields"], sorted(ev[0]["payload"]["note"])), (ok["fields"], ["chars", "sha256"]), "event payload")
        # decided once: a closed case is not declined again, nor accepted
        expect_error(self.sup.post("/api/v1/cases/%d/actions/decline" % cid, ok), 409, code="wrong_stage")
        expect_error(self.sup.post("/api/v1/cases/%d/actions/register" % cid,
                                   {"unit_id": self.chunliu_id, "fields": {"notice": "written"}}), 409, code="wrong_stage")
        # other types have no 不予受理
        h = self.create({"type": "hotline", "category": "H0101", "description": "咨询。（测试数据）"})
        expect_error(self.sup.post("/api/v1/cases/%d/actions/decline" % h["id"], ok), 404)
        # once accepted, a petition sent back (退单) to 受理告知 is passed on again, not declined
        acc = self.create({"type": "petition", "category": "P0201", "description": "y（测试数据）"})
        self.act(self.sup, acc["id"], "register", {"unit_id": self.chunliu_id, "fields": {"notice": "written"}})
        self.act(self.chunliu, acc["id"], "return", {"reason": "非本单位职责"})
        back = self.case(acc["id"])  # as the petition office sees it
        check(back["stage"] == "accept" and "decline" not in back["actions"] and "register" in back["actions"],
              "returned: 受理告知 again, no 不予受理: %r" % back["actions"])
        expect_error(self.sup.post("/api/v1/cases/%d/actions/decline" % acc["id"], ok), 409, code="wrong_stage")
        # nor is a petition closed at 受理告知 without a decision: 办结 needs one first
        p2 = self.create({"type": "petition", "category": "P0201", "description": "x（测试数据）"})
        check("close" not in p2["actions"], "no 办结 at 受理告知: %r" % p2["actions"])
        expect_error(self.sup.post("/api/v1/cases/%d/actions/close" % p2["id"], {"note": "x"}), 409, code="wrong_stage")
        # a form field that is not text is kept in the event only as its digest
        c3 = self.act(self.sup, p2["id"], "register", {"unit_id": self.chunliu_id,
                                                       "fields": {"notice": "written", "who": {"name": "李四"}}})
        ev = self.events("case.register")
        mine = [e for e in ev if e["object_id"] == c3["id"]][0]
        eq((mine["payload"]["fields"]["notice"], sorted(mine["payload"]["fields"]["who"])), ("written", ["chars", "sha256"]),
           "the object's digest, not its content")
        check("李四" not in json.dumps(mine["payload"], ensure_ascii=False), "no name in the event")
        # the configuration: a stage with cases in it stays; a required field must be declared
        pt = expect_status(self.admin.get("/api/v1/case-types/petition"), 200).json()
        cut = json.loads(json.dumps(pt))
        cut["stages"] = [st for st in cut["stages"] if st["code"] != "declined"]
        cut["actions"] = [a for a in cut["actions"] if a["code"] != "decline"]
        expect_error(self.admin.put("/api/v1/case-types/petition", cut), 422, field="stages", code="stage_in_use")
        typo = json.loads(json.dumps(pt))
        [a for a in typo["actions"] if a["code"] == "register"][0]["requires"] = ["unit_id", "fields.notic"]
        expect_error(self.admin.put("/api/v1/case-types/petition", typo), 422, field="actions[0].requires[1]")
        eq(expect_status(self.sup.get("/api/v1/case-types/petition"), 200).json(), pt, "nothing changed")

    def test_demo_history(self):
        """serve --demo --demo-history N: a new demo database also gets N generated cases of the past
        year (labelled, one case.generate event a batch), with histories the KPIs can read; once."""
        for argv, why in ((["serve", "--demo-history", "10", "--db", self.workdir + "/nodemo.db"], "goes with --demo"),
                          (["serve", "--demo", "--demo-history", "-1", "--db", self.workdir + "/neg.db"], "from 0 to 1000000")):
            r = dt.run_cli(self.duban, argv)
            check(r.returncode == 2 and why in r.stderr, "%r: %d %s" % (argv, r.returncode, r.stderr))
        srv = self.new_server("history", extra=["--demo-history", "1000"])
        sup, leader = srv.session("ducha.staff"), srv.session("leader")
        total = lambda: expect_status(sup.get("/api/v1/cases?per_page=1"), 200).json()["total"]  # noqa: E731
        n = total()
        check(n >= 1000, "the generated cases are there: %d" % n)
        gen = [e for e in expect_status(srv.session("auditor").get("/api/v1/events?action=case.generate"), 200).json()["items"]]
        eq([e["payload"]["count"] for e in gen], [1000], "one batch of 1000, on the record")
        labelled = expect_status(sup.get("/api/v1/cases?per_page=1&q=%s" % urlquote("演示数据，生成")), 200).json()["total"]
        eq(labelled, 1000, "each generated case says so")
        # a year of history: handling takes time, some are late, a street sees its share (the range
        # covers last year and this one, in China time, whenever the test runs)
        import datetime
        year = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=8)).year
        span = "from=%d-01&to=%d-12" % (year - 1, year)
        k = expect_status(leader.get("/api/v1/case-kpis?group=month&" + span), 200).json()
        reported = sum(r["reported"] for r in k["rows"])
        check(reported >= 1000 and len([r for r in k["rows"] if r["reported"]]) >= 10, "spread over the months: %r" % k["rows"])
        check(any((r.get("avg_handling_s") or 0) > 3600 for r in k["rows"]), "handling takes hours, not 0")
        check(0 < sum(r["closed"] for r in k["rows"]) < reported, "most closed, some open")
        # a hotline order is taken in (受理) when it is reported, as the engine does it
        hk = expect_status(leader.get("/api/v1/case-kpis?group=month&type=hotline&" + span), 200).json()["rows"]
        eq(sum(r["registered"] for r in hk), sum(r["reported"] for r in hk), "hotline: registered on arrival")
        # some calls end unsolved (the centre closes them with an explanation): 解决率 is not 100%
        tot = expect_status(leader.get("/api/v1/case-kpis?group=month&type=hotline&" + span), 200).json()["total"]
        check(0.8 < tot["resolution_rate"] < 1.0, "a 解决率 with something to say: %r" % tot["resolution_rate"])
        # by month each row ends at its month's end, and cases closed in a later month are open in their
        # own row; the total is still the whole period's, the same as by street (one 结案率 on every tab)
        st = expect_status(leader.get("/api/v1/case-kpis?group=street&type=hotline&" + span), 200).json()["total"]
        # by 大类, named as the case types name them; two of one name (市容环境 is a 部件, B03, and an
        # 事件, E01) are told apart by their kind
        cats = expect_status(leader.get("/api/v1/case-kpis?group=category&type=urban&" + span), 200).json()["rows"]
        names = {r["key"]: r["name"] for r in cats}
        eq((names.get("B03"), names.get("E01"), names.get("B01")), ("市容环境（部件）", "市容环境（事件）", "公用设施"),
           "大类 names: %r" % names)
        # (two requests on the real clock: a due time may pass between them, so overdue_open may differ)
        eq({k: v for k, v in tot.items() if k != "overdue_open"}, {k: v for k, v in st.items() if k != "overdue_open"},
           "the months' total is the period's")
        check(sum(r["closed"] for r in hk) < tot["closed"], "some cases closed after their own month: %d < %d" % (
            sum(r["closed"] for r in hk), tot["closed"]))
        # the list, newest first, starts with today's hand-written cases and goes back in time
        page = expect_status(sup.get("/api/v1/cases?per_page=100"), 200).json()["items"]
        times = [c["reported_at"] for c in page]
        eq(times, sorted(times, reverse=True), "newest first")
        check("（演示数据，生成）" not in page[0]["description"], "a hand-written case first: %s" % page[0]["description"])
        mine = expect_status(srv.session("chunliu.staff").get("/api/v1/cases?per_page=1"), 200).json()["total"]
        check(0 < mine < n, "a street's staff see the street's share: %d of %d" % (mine, n))
        # a generated petition that was accepted says how the petitioner was told
        pets = expect_status(sup.get("/api/v1/cases?type=petition&stage=done&per_page=5"), 200).json()["items"]
        check(pets, "some generated petitions went the whole way")
        steps = [s for s in self.case(pets[0]["id"], sup)["history"] if s["action"] == "register"]
        check(steps and steps[0]["fields"].get("notice") in ("written", "on_spot", "online"),
              "受理告知 with a configured 告知方式: %r" % steps)
        # started again on the same database: nothing more is generated
        srv.restart()
        sup = srv.session("ducha.staff")  # the restarted server listens on a new port
        eq(total(), n, "generated once")

    def new_account(self, username, body):
        return dt.new_account(self.srv, self.admin, username, body)

    def petition_kpis(self, who):
        return expect_status(who.get("/api/v1/case-kpis?group=street&type=petition&from=2026-09&to=2026-09"),
                             200).json()["total"]["reported"]

    def listed(self, who, cid):
        j = expect_status(who.get("/api/v1/cases?type=petition&per_page=500"), 200).json()
        eq(j["total"], len(j["items"]), "one page holds them all")
        return cid in [c["id"] for c in j["items"]]

    def test_petition_confidentiality(self):
        """信訪: a petition is seen by the units that handle it, not by every office of its place; one
        that accuses a unit (subject_unit_id, 被反映单位) is never passed to that unit or one under it,
        and is not shown to their accounts, leaders included."""
        c1 = self.units["210204006-C1"]["id"]  # a community of 春柳
        kpi_before = self.petition_kpis(self.chunliu)
        c = self.create({"type": "petition", "category": "P0201", "description": "反映社区物业问题。（测试数据）",
                         "street_id": self.chunliu_id})
        cid = c["id"]
        eq(c["subject_unit_id"], None, "no subject")
        # placed in 春柳, not yet assigned: 春柳's staff neither list nor open it, nor count it
        check(not self.listed(self.chunliu, cid), "not listed for its place")
        expect_error(self.chunliu.get("/api/v1/cases/%d" % cid), 404)
        eq(self.petition_kpis(self.chunliu), kpi_before, "not counted for its place")
        check(self.listed(self.leader, cid) and self.listed(self.sup, cid), "the leader and the petition office see it")
        self.act(self.sup, cid, "register", {"unit_id": self.chunliu_id, "fields": {"notice": "written"}})
        check(self.listed(self.chunliu, cid), "listed for the lead unit")
        self.case(cid, self.chunliu)
        eq(self.petition_kpis(self.chunliu), kpi_before + 1, "counted for the lead unit")

        # a subject: only on a petition, and an org unit
        expect_error(self.sup.post("/api/v1/cases", {"type": "hotline", "category": "H0101", "description": "x",
                                                     "subject_unit_id": c1}), 422, field="subject_unit_id")
        expect_error(self.sup.post("/api/v1/cases", {"type": "petition", "category": "P0201", "description": "x",
                                                     "subject_unit_id": 999999}), 422, field="subject_unit_id")
        expect_error(self.sup.post("/api/v1/cases", {"type": "petition", "category": "P0201", "description": "x",
                                                     "subject_unit_id": "c1"}), 422, field="subject_unit_id")
        district = [u for u in self.units.values() if u["kind"] == "district"][0]["id"]
        for unit in (district, self.units["210204006-C1-G1"]["id"]):  # no unit could handle it; a grid is no office
            expect_error(self.sup.post("/api/v1/cases", {"type": "petition", "category": "P0201", "description": "x",
                                                         "subject_unit_id": unit}), 422, field="subject_unit_id")
        p = self.create({"type": "petition", "category": "P0201", "description": "反映社区工作人员违规收费。（测试数据）",
                         "street_id": self.malan_id, "subject_unit_id": c1})
        pid = p["id"]
        eq((p["subject_unit_id"], self.case(pid)["unit_names"][str(c1)]), (c1, self.units["210204006-C1"]["name"]), "subject named")
        eq(self.case(pid)["history"][0]["action_name"], "登记", "a letter the office takes in is 登记, not 上报")
        # never passed to the accused community, nor with it as a co-unit
        before = self.case(pid)
        told = {"notice": "written"}
        expect_error(self.sup.post("/api/v1/cases/%d/actions/register" % pid, {"unit_id": c1, "fields": told}), 422,
                     field="unit_id", code="subject_unit")
        expect_error(self.sup.post("/api/v1/cases/%d/actions/register" % pid,
                                   {"unit_id": self.chunliu_id, "co_units": [c1], "fields": told}), 422,
                     field="co_units[0]", code="subject_unit")
        self.unchanged(pid, before, "refused to the subject")
        self.act(self.sup, pid, "register", {"unit_id": self.malan_id, "fields": {"notice": "online"}})
        check(self.listed(self.malan, pid), "the lead unit sees it")
        before = self.case(pid)
        expect_error(self.sup.post("/api/v1/cases/%d/actions/reassign" % pid, {"unit_id": c1}), 422,
                     field="unit_id", code="subject_unit")
        self.unchanged(pid, before, "not reassigned to the subject")
        expect_status(self.sup.post("/api/v1/cases/%d/notes" % pid, {"text": "已约谈信访人。"}), 201)
        # nor merged into a petition its subject's units handle (the first one, led by 春柳, above C1)
        before = self.case(pid)
        expect_error(self.sup.post("/api/v1/cases/%d/actions/merge" % pid, {"target_id": cid}), 422,
                     field="target_id", code="subject_unit")
        self.unchanged(pid, before, "not merged")
        # an account of the accused community: a leader (who sees every case) and a staff member whose
        # data scope covers the lead unit: neither sees it, by list or id; both see the other petition
        # (which accuses nobody) as their roles and scopes allow
        c1_leader = self.new_account("pet.c1leader", {"roles": ["leader"], "units": [c1]})
        c1_staff = self.new_account("pet.c1staff", {"units": [c1], "data_scope": "custom",
                                                    "scope_units": [self.malan_id, self.chunliu_id]})
        for who, name in ((c1_leader, "leader"), (c1_staff, "staff")):
            check(not self.listed(who, pid), name + " of the accused unit: not listed")
            for path in ("", "/reporter"):
                expect_error(who.get("/api/v1/cases/%d%s" % (pid, path)), 404, msg=name + path)
            expect_error(who.post("/api/v1/cases/%d/notes" % pid, {"text": "x"}), 404, msg=name + " note")
            check(self.listed(who, cid), name + " of the accused unit still sees the other petition")
            self.case(cid, who)
            j = expect_status(who.get("/api/v1/cases?type=petition&q=%s" % urlquote("违规收费")), 200).json()
            eq((j["total"], sum(j["lights"].values())), (0, 0), name + ": nor found by its text, nor in the light totals")
        check(self.listed(self.leader, pid), "a district leader sees it")
        # the KPIs: the accused unit's staff count the petitions its scope's units lead, less this one
        eq(self.petition_kpis(c1_staff), self.petition_kpis(self.chunliu) + self.petition_kpis(self.malan) - 1,
           "not counted for the accused unit's staff")

        # 被反映单位 named after 登记 (set_subject): refused while the unit (or one above it) handles
        # the petition; then its accounts lose sight of it
        kpis = self.petition_kpis(c1_staff)
        check(self.listed(c1_staff, cid), "before: the accused unit's staff see the 春柳 petition")
        before = self.case(cid)
        for body, field, code in (({"reason": "x"}, "subject_unit_id", "required"),
                                  ({"subject_unit_id": c1}, "reason", "required"),
                                  ({"subject_unit_id": self.chunliu_id, "reason": "x"}, "subject_unit_id", "subject_handles"),
                                  ({"subject_unit_id": district, "reason": "x"}, "subject_unit_id", None),
                                  ({"subject_unit_id": 999999, "reason": "x"}, "subject_unit_id", None)):
            expect_error(self.sup.post("/api/v1/cases/%d/actions/set_subject" % cid, body), 422, field=field, code=code, msg=str(body))
        expect_error(self.sup.post("/api/v1/cases/%d/actions/reassign" % pid, {"unit_id": self.chunliu_id, "subject_unit_id": c1}),
                     422, field="subject_unit_id", code="unknown_field")  # only set_subject takes it
        expect_error(self.chunliu.post("/api/v1/cases/%d/actions/set_subject" % cid, {"subject_unit_id": c1, "reason": "x"}), 403)
        self.unchanged(cid, before, "no subject set by a refused request")
        c = self.act(self.sup, cid, "set_subject", {"subject_unit_id": c1, "reason": "阅信后确认反映的是第一社区"})
        eq((c["subject_unit_id"], c["stage"], c["lead_unit_id"]), (c1, before["stage"], self.chunliu_id), "set; nothing else moves")
        step = self.case(cid)["history"][-1]
        eq((step["action_name"], step["data"]["subject_unit_id"]), ("被反映单位", c1), "in the history")
        check(not self.listed(c1_staff, cid), "after: the accused unit's staff do not list it")
        expect_error(c1_staff.get("/api/v1/cases/%d" % cid), 404)
        eq(self.petition_kpis(c1_staff), kpis - 1, "nor count it")
        self.case(cid, self.chunliu)  # the lead unit still handles it
        expect_error(self.sup.post("/api/v1/cases/%d/actions/set_subject" % cid, {"subject_unit_id": c1, "reason": "x"}), 422,
                     field="subject_unit_id")  # already

        # duplicates merged into a petition take its 被反映单位 (when it is set, and when they join):
        # the accused unit does not read the same letter where the duplicate was led
        told = {"notice": "written"}

        def petition(lead, text):
            p = self.create({"type": "petition", "category": "P0201", "description": text})
            self.act(self.sup, p["id"], "register", {"unit_id": lead, "fields": told})
            return p["id"]
        main = petition(self.chunliu_id, "反映马栏街道拆迁补偿不公。（测试数据）")
        dup = petition(self.malan_id, "反映马栏街道拆迁补偿不公（重复件）。（测试数据）")
        check(self.listed(self.malan, dup), "the duplicate is led by 马栏")
        self.act(self.sup, dup, "merge", {"target_id": main})
        k0 = self.petition_kpis(self.malan)
        self.act(self.sup, main, "set_subject", {"subject_unit_id": self.malan_id, "reason": "反映的是马栏街道"})
        eq(self.petition_kpis(self.malan), k0 - 1, "the duplicate leaves the accused street's KPIs at once")
        eq(self.case(dup)["subject_unit_id"], self.malan_id, "the duplicate took the subject")
        expect_error(self.malan.get("/api/v1/cases/%d" % dup), 404, msg="the accused street: not the duplicate either")
        expect_error(self.malan.get("/api/v1/cases/%d/reporter" % dup), 404, msg="nor its petitioner")
        check(not self.listed(self.malan, dup), "nor listed")
        late = petition(self.malan_id, "又一封反映马栏街道拆迁补偿的信。（测试数据）")
        self.act(self.sup, late, "merge", {"target_id": main})
        eq(self.case(late)["subject_unit_id"], self.malan_id, "a duplicate joining later takes it too")
        expect_error(self.malan.get("/api/v1/cases/%d" % late), 404)

        # a subject corrected: the unit first named does not learn it was (history, by id or list)
        zjj = self.units["210204-ZJJ"]["id"]
        third = petition(self.chunliu_id, "反映社区收费问题。（测试数据）")
        self.act(self.sup, third, "set_subject", {"subject_unit_id": c1, "reason": "初判为第一社区"})
        expect_error(c1_staff.get("/api/v1/cases/%d" % third), 404)
        self.act(self.sup, third, "set_subject", {"subject_unit_id": zjj, "reason": "阅卷后更正为区住建局"})
        seen = self.case(third, c1_staff)
        eq(seen["subject_unit_id"], zjj, "the current subject is on the case")
        text = json.dumps(seen["history"], ensure_ascii=False)
        check('"subject_unit_id"' not in text and "初判" not in text and "更正" not in text and str(c1) not in
              [str(x) for st in seen["history"] for x in (st.get("data") or {}).values()],
              "no earlier subject or reason in the history a unit reads: %s" % text)
        full = json.dumps(self.case(third)["history"], ensure_ascii=False)
        check("初判为第一社区" in full and '"from_subject_unit_id": %d' % c1 in full, "the petition office reads it all")

    def test_enterprise(self):
        c = self.create({"type": "enterprise", "category": "Q0201", "description": "企业反映扩产用地指标不足。（演示数据）",
                         "project_id": None})
        cid = c["id"]
        eq((c["stage"], c["project_id"]), ("dispatch", None), "交办 pending")
        check(c["number"].startswith("QS-"), c["number"])
        self.act(self.sup, cid, "dispatch", {"unit_id": self.chunliu_id})
        # the actions a case offers its viewer are those its roles may take
        roles = {a["code"]: a["roles"] for a in expect_status(self.sup.get("/api/v1/case-types/enterprise"), 200).json()["actions"]}
        offered = self.case(cid, self.chunliu)["actions"]
        check("handle" in offered, "staff may handle: %r" % offered)
        for a in offered:
            check("staff" in roles[a], "%s is offered to staff, whose role may not take it" % a)
        check({"close", "merge", "reassign"} <= set(self.case(cid)["actions"]), "the supervisor's own actions")
        self.act(self.chunliu, cid, "handle", {"note": "已协调用地"})
        self.act(self.chunliu, cid, "reply", {"note": "已向企业反馈"})
        c = self.act(self.sup, cid, "rate", {"rating": 5, "solved": True})
        eq((c["stage"], c["status"]), ("done", "closed"), "评价 and 办结")

    def test_queue_pages_and_bad_queries(self):
        for i in range(3):  # no rule for enterprise requests: they wait in the queue
            self.create({"type": "enterprise", "category": "Q0101", "description": "排队测试%d。（演示数据）" % i})
        full = expect_status(self.sup.get("/api/v1/case-queue?per_page=500"), 200).json()
        check(full["total"] >= 3 and len(full["items"]) == full["total"], "the whole queue: %r" % full["total"])
        ids = [i["id"] for i in full["items"]]
        eq(ids, sorted(ids, reverse=True), "newest first across the types")
        paged = []
        for page in range(1, full["total"] // 2 + 2):
            r = expect_status(self.sup.get("/api/v1/case-queue?per_page=2&page=%d" % page), 200).json()
            eq((r["total"], r["page"], r["per_page"]), (full["total"], page, 2), "page %d" % page)
            check(len(r["items"]) <= 2, "at most per_page items")
            paged += [i["id"] for i in r["items"]]
        eq(paged, ids, "the pages make up the queue")
        asc = [i["id"] for i in expect_status(self.sup.get("/api/v1/case-queue?per_page=500&sort=id"), 200).json()["items"]]
        eq(asc, sorted(ids), "sort=id")
        for q, field in (("sort=bogus", "sort"), ("overdue=2", "overdue"), ("type=x", "type"), ("stage=x", "stage"),
                         ("type=petition&stage=verify", "stage"), ("page=1000000000000", "page"), ("per_page=abc", "per_page")):
            expect_error(self.sup.get("/api/v1/cases?" + q), 400, field=field, msg=q)
            expect_error(self.sup.get("/api/v1/case-queue?" + q), 400, field=field, msg="queue " + q)
        expect_status(self.sup.get("/api/v1/cases?type=urban&stage=verify&overdue=0&sort=due"), 200)

    def test_staff_create_within_scope(self):
        """A street's staff reports an enterprise request in its own street, never in another (the case
        would be out of its sight), and names only a project that exists. A short phone number is
        masked too."""
        total = lambda: expect_status(self.sup.get("/api/v1/cases?per_page=1"), 200).json()["total"]  # noqa: E731
        before = total()
        body = {"type": "enterprise", "category": "Q0201", "description": "企业反映用工难。（演示数据）"}
        expect_error(self.chunliu.post("/api/v1/cases", dict(body, street_id=self.malan_id)), 422, field="street_id",
                     msg="another street's case")
        expect_error(self.chunliu.post("/api/v1/cases", dict(body, grid_id=self.malan_grid)), 422, field="grid_id",
                     msg="another street's grid")
        expect_error(self.chunliu.post("/api/v1/cases", dict(body, street_id=self.chunliu_id, project_id=999999)), 422,
                     field="project_id", msg="no such project")
        proj = dt.list_all(self.sup, "/api/v1/projects")[0][0]["id"]
        for typ, cat in (("hotline", "H0101"), ("petition", "P0201"), ("urban", "E0101")):
            b = {"type": typ, "category": cat, "description": "不应挂在项目上。（测试）", "street_id": self.chunliu_id,
                 "project_id": proj}
            expect_error(self.sup.post("/api/v1/cases", b), 422, field="project_id",
                         msg="a %s case raised on a project (its title would show to every project reader)" % typ)
        for field, text in (("description", "井盖\u0000缺失"), ("title", "标题\u001b]x"), ("address", "a\u000bb")):
            expect_error(self.chunliu.post("/api/v1/cases", dict(body, street_id=self.chunliu_id, **{field: text})), 422,
                         field=field, msg="a control character in " + field)
        eq(total(), before, "nothing created by the refused reports")
        c = self.create(dict(body, street_id=self.chunliu_id, reporter={"name": "赵六", "phone": "8412345"}), who=self.chunliu)
        eq(c["reporter"]["phone"], "84***45", "a 7-digit phone masked")
        eq(self.case(c["id"], self.chunliu)["reporter"]["phone"], "84***45", "masked when read")
        full = expect_status(self.chunliu.get("/api/v1/cases/%d/reporter" % c["id"]), 200).json()
        eq(full["phone"], "8412345", "the logged full view")

    # ------------------------------------------------------------------ lights (moves the clock: last)
    def test_lights_across_national_day(self):
        c = self.create({"type": "hotline", "category": "H0101", "description": "咨询就业补贴。（演示数据）"})
        cid = c["id"]
        self.act(self.sup, cid, "dispatch", {"unit_id": self.chunliu_id})
        c = self.act(self.chunliu, cid, "sign")
        eq(c["stage_due_at"], "2026-10-13T09:30:00.000Z", "due Tuesday 13 October 17:30")
        # 80% of the 40 office hours to the deadline = 32: reached on Monday 12 October at 17:00
        # only if the adjusted Saturday (10 October) counts
        self.set_clock("2026-10-10T12:00:00+08:00")
        self.login_all()
        eq(self.case(cid)["light"], "green", "green on the adjusted Saturday")
        self.set_clock("2026-10-12T16:59:00+08:00")
        self.login_all()
        eq(self.case(cid)["light"], "green", "green just before 80%")
        n0 = len(self.events("case.light"))
        r = self.set_clock("2026-10-12T17:00:30+08:00")
        check(r["case_sweep"]["changed"] >= 1, "the sweep changed a light: %r" % r["case_sweep"])
        self.login_all()
        c = self.case(cid)
        eq(c["light"], "yellow", "yellow at 80%")
        check(len(self.events("case.light")) > n0, "the change is an event")
        lst = expect_status(self.sup.get("/api/v1/cases?light=yellow&type=hotline&per_page=500"), 200).json()
        check(cid in [i["id"] for i in lst["items"]], "listed under light=yellow")
        check(lst["lights"]["yellow"] >= 1, "counted: %r" % lst["lights"])
        self.set_clock("2026-10-13T17:31:00+08:00")
        self.login_all()
        eq(self.case(cid)["light"], "red", "red after the deadline")
        over = expect_status(self.sup.get("/api/v1/cases?overdue=1&per_page=500"), 200).json()["items"]
        check(cid in [i["id"] for i in over], "listed as overdue")
        # a suspended case's clock stops: its deadline moves by the paused working time
        d = self.create({"type": "hotline", "category": "H0101", "description": "咨询落户政策。（演示数据）"})
        self.act(self.sup, d["id"], "dispatch", {"unit_id": self.chunliu_id})
        d = self.act(self.chunliu, d["id"], "sign")
        due0 = d["stage_due_at"]
        self.act(self.chunliu, d["id"], "suspend", {"reason": "等待市民补充材料"})
        self.set_clock("2026-10-14T17:31:00+08:00")  # one working day later
        self.login_all()
        d = self.act(self.chunliu, d["id"], "resume")
        eq(d["stage_due_at"], "2026-10-21T09:30:00.000Z", "deadline moved by the pause (was %s)" % due0)
        eq(d["light"], "green", "green after resuming")

    def test_text_search(self):
        # q= finds the cases whose title, description, number or address contains the text. On
        # SQLite a text index of character pairs narrows the search first; the answers must be
        # those of a plain substring test, for the leader and within a street's scope.
        self.login_all()
        texts = [
            ("鹦鹉螺井盖松动，行人绊倒。", "鹦鹉螺路12号", self.insp_grid),
            ("鹦鹉螺广场路灯不亮。", "", self.insp_grid),
            ("松动的鹦鹉 螺丝", "B座鹦鹉螺", self.malan_grid),
            ("鹦鹉螺井盖缺失（测试）", "鹦鹉螺路12号", self.malan_grid),
        ]
        made = []
        for desc, addr, grid in texts:
            c = self.create({"type": "urban", "category": "E0101", "description": desc, "address": addr, "grid_id": grid})
            made.append((c, desc + "\n" + addr + "\n" + c["title"] + "\n" + c["number"]))
        chunliu_ids = {c["id"] for c, _ in made if c["street_id"] == self.chunliu_id}
        check(0 < len(chunliu_ids) < len(made), "the cases lie in two streets")

        def search(who, q, per_page=50):
            ids, page, total = [], 1, None
            while True:
                r = expect_status(who.get("/api/v1/cases?per_page=%d&page=%d&q=%s" % (per_page, page, urlquote(q))),
                                  200).json()
                total = r["total"] if total is None else total
                ids += [i["id"] for i in r["items"]]
                if len(r["items"]) < per_page:
                    return ids, total
                page += 1

        mine = {c["id"] for c, _ in made}

        def check_all(when):
            for q in ("鹦鹉螺", "鹦鹉", "井盖", "井盖松动", "鹦鹉螺路12号", "路12号", "12号", "，行人", "螺丝", "鹦鹉 螺",
                      "鹦鹉螺井", "螺路", "B座", "鹉", "松动的鹦鹉螺", "鹦鹉螺灯", "路灯不亮"):
                want = [c["id"] for c, text in reversed(made) if q in text]
                for who, name, scope in ((self.leader, "leader", None), (self.chunliu, "chunliu.staff", chunliu_ids)):
                    ids, total = search(who, q, per_page=2)
                    got = [i for i in ids if i in mine]  # other tests' cases may match the shorter words
                    w = [i for i in want if scope is None or i in scope]
                    eq(got, w, "%s, %s q=%s: the cases containing it, newest first" % (when, name, q))
                    eq(total, len(ids), "%s, %s q=%s: total = cases listed" % (when, name, q))
                    if scope is not None:
                        for i in ids:
                            check(i in scope or i not in mine, "%s q=%s: no case outside the scope" % (name, q))

        # Just written: on SQLite the cases wait for the text index (it takes them in 256 at a time)
        # and a search reads them as candidates.
        check_all("before the index takes them in")
        if self.srv.db.backend.name == "sqlite":
            # Enough new cases that the writer brings the index up to date, and no case waiting
            # after it: the searches below go through the index.
            waiting = self.srv.db.query("SELECT COUNT(*) FROM case_text_pending")[0][0]
            check(waiting >= len(made), "the new cases wait for the index (%d waiting)" % waiting)
            for k in range(256 - waiting):
                self.create({"type": "hotline", "category": "H0101", "description": "填充案件 %d（测试数据）" % k})
            eq(self.srv.db.query("SELECT COUNT(*) FROM case_text_pending")[0][0], 0, "no case waits for the index")
            term = '"%s"' % "鹦鹉".encode("utf-8").hex()
            eq(self.srv.db.query("SELECT COUNT(*) FROM case_text WHERE case_text MATCH ?", (term,))[0][0], len(made),
               "the index names the four cases")
            check_all("in the index")
        # Searches with nothing to find, and the light totals of a search.
        eq(search(self.leader, "鹦鹉螺不存在")[1], 0, "an absent phrase finds nothing")
        r = expect_status(self.leader.get("/api/v1/cases?q=" + urlquote("鹦鹉螺")), 200).json()
        eq(sum(r["lights"].values()), r["total"], "the light totals of a search count its open cases")

    def test_scoped_totals_and_lights_match_the_lists(self):
        # A list's total, its light totals and its pages are three queries; for a scoped user the
        # total of an unfiltered list is counted another way (a union of the scope's index lookups)
        # than the pages (one OR). Each must agree with the cases actually listed, for every scope.
        self.login_all()
        for who, s in (("leader", self.leader), ("chunliu.staff", self.chunliu), ("malan.staff", self.malan),
                       ("grid.inspector", self.insp), ("ducha.staff", self.sup)):
            for q in ("", "&light=red", "&type=urban", "&status=open", "&light=green&type=hotline"):
                items, page, first = [], 1, None
                while True:
                    r = expect_status(s.get("/api/v1/cases?per_page=2&page=%d%s" % (page, q)), 200).json()
                    first = first or r
                    items += r["items"]
                    if len(r["items"]) < 2:
                        break
                    page += 1
                what = "%s %s" % (who, q or "(no filter)")
                ids = [i["id"] for i in items]
                eq(len(set(ids)), len(ids), what + ": no case twice")
                eq(first["total"], len(ids), what + ": total = cases listed")
                if not q:
                    check(ids or who == "grid.inspector", what + ": some cases listed")
                if "light=" not in q and "status=" not in q:
                    open_ = [i for i in items if i["status"] in ("open", "suspended")]
                    want = {l: sum(1 for i in open_ if i["light"] == l) for l in ("green", "yellow", "red")}
                    eq(first["lights"], want, what + ": light totals = open cases listed")
