"""project_sheet: the 重點項目調度表 (docs/projects-api.md "Dispatch table") through the API, with the
server's clock set by the test. The template has the contract's headers and dropdowns; the sheet is
exported, edited in LibreOffice (scripted: .xlsx -> CSV, edit, CSV -> .xlsx) and imported back: one
valid row (本月完成投資, 包保領導, 進展情況), one invalid amount, one changed read-only 項目名稱 and one
row of a project outside the importer's units, each reported by sheet row and column with an error
workbook, nothing changed until apply, then only the valid row applied through the projects engine
(its investment report, patch and progress note) and one project.sheet_imported event naming it."""
import base64
import csv
import io
import os
import shutil
import subprocess
import tempfile
import zipfile

import dubantest as dt
from dubantest import check, eq, expect_error, expect_status

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADERS = ["序號", "項目編號", "項目名稱", "項目類型", "重大項目", "所在園區", "責任單位", "包保領導", "當前階段", "階段日期",
           "計劃總投資(萬元)", "年度計劃投資(萬元)", "本月完成投資(萬元)", "自年初累計完成投資(萬元)", "累計完成投資(萬元)",
           "進展情況", "存在問題", "預警"]


def b64(data):
    return base64.b64encode(data).decode()


def shared_strings(xlsx):
    return zipfile.ZipFile(io.BytesIO(xlsx)).read("xl/sharedStrings.xml").decode()


def sheet_xml(xlsx, n=1):
    return zipfile.ZipFile(io.BytesIO(xlsx)).read("xl/worksheets/sheet%d.xml" % n).decode()


@dt.suite("project_sheet")
class ProjectSheetSuite(dt.Suite):
    def setup(self):
        self.srv = self.new_server("main", extra=["--test-clock"])
        self.set_clock("2026-11-20T10:00:00+08:00")
        units = {}
        for u in expect_status(self.sup.get("/api/v1/org-units?per_page=500"), 200).json()["items"]:
            units[u.get("code") or u["name"]] = u["id"]
        self.fgj_id, self.swj_id = units["210204-FGJ"], units["210204-SWJ"]
        body = {"project_kind": "industry", "major": True, "lead_unit_id": self.fgj_id, "leader": "王副区长",
                "total_investment_wan": 25000, "annual_plan_wan": 8000, "stage": "started",
                "stage_date": "2026-03-18", "evidence": "施工許可證", "place": {"park": "星海灣金融商務區"}}
        self.p = {}
        for key, name, unit in (("ok", "調度表測試大廈", self.fgj_id), ("bad", "調度表測試道路", self.fgj_id),
                                ("ro", "調度表測試中心", self.fgj_id), ("other", "調度表招商項目", self.swj_id)):
            b = dict(body, name=name, lead_unit_id=unit)
            self.p[key] = expect_status(self.sup.post("/api/v1/projects", b), 201, "create " + key).json()

    def login_all(self):
        self.sup = self.srv.session("ducha.staff")
        self.fgj = self.srv.session("fgj.staff")
        self.chunliu = self.srv.session("chunliu.staff")
        self.tongji = self.srv.session("tongji.staff")
        self.auditor = self.srv.session("auditor")

    def set_clock(self, now):
        c = self.srv.session("leader")
        expect_status(c.put("/api/v1/_test/clock", {"now": now}), 200, "set clock")
        self.login_all()

    def get(self, key, sess=None):
        return expect_status((sess or self.sup).get("/api/v1/projects/%d" % self.p[key]["id"]), 200).json()

    def soffice(self):
        exe = shutil.which("soffice") or shutil.which("libreoffice")
        check(exe is not None, "LibreOffice (libreoffice-calc) is installed by scripts/install-deps")
        return exe

    def lo_edit(self, xlsx, edit):
        """The workbook through LibreOffice: to CSV, edit(rows, header_index, col) -> rows, back to .xlsx."""
        exe = self.soffice()
        tmp = tempfile.mkdtemp(prefix="duban-dispatch-", dir=self.workdir)
        profile = "-env:UserInstallation=file://" + os.path.join(tmp, "profile")
        xp, cp = os.path.join(tmp, "sheet.xlsx"), os.path.join(tmp, "sheet.csv")
        with open(xp, "wb") as f:
            f.write(xlsx)
        for src, fmt, extra in ((xp, "csv:Text - txt - csv (StarCalc):44,34,76", []),
                                (cp, "xlsx", ["--infilter=CSV:44,34,76"])):
            if src == cp:
                with open(cp, encoding="utf-8") as f:
                    rows = list(csv.reader(f))
                hdr_at = next(i for i, row in enumerate(rows) if "項目編號" in row)
                rows = edit(rows, hdr_at, {name: i for i, name in enumerate(rows[hdr_at])})
                os.remove(xp)
                with open(cp, "w", encoding="utf-8", newline="") as f:
                    csv.writer(f).writerows(rows)
            subprocess.run([exe, profile, "--headless", "--norestore"] + extra + ["--convert-to", fmt, "--outdir", tmp, src],
                           check=True, capture_output=True, timeout=180)
        with open(xp, "rb") as f:
            return f.read()

    # ------------------------------------------------------------------ a month not yet begun
    def test_future_month(self):
        number = self.p["ok"]["number"]
        xlsx = expect_status(self.fgj.get("/api/v1/projects/dispatch-table.xlsx?month=2026-12"), 200).body
        check("重點項目調度表(2026年12月)" in shared_strings(xlsx), "a sheet for next month may be exported")
        rows_at = {}

        def edit(rows, hdr_at, col):
            kept = [r for r in rows[hdr_at + 1:] if r and r[col["項目編號"]] == number]
            kept[0][col["本月完成投資(萬元)"]] = "10"
            rows_at["row"] = hdr_at + 2
            return rows[:hdr_at + 1] + kept
        edited = self.lo_edit(xlsx, edit)
        r = expect_status(self.fgj.post("/api/v1/projects/dispatch-table/import",
                                        {"content_base64": b64(edited), "apply": True}), 200).json()
        eq([(e["row"], e["column"]) for e in r["errors"]], [(rows_at["row"], "本月完成投資(萬元)")], "the month has not begun")
        check("2026-12" in r["errors"][0]["message"], "the message names the month")
        eq((r["month"], r["applied"]), ("2026-12", 0), "nothing reported")
        eq(self.get("ok")["investments"], [], "no report for December")

    # ------------------------------------------------------------------ the template
    def test_template(self):
        r = expect_status(self.fgj.get("/api/v1/projects/dispatch-table.xlsx?template=1&month=2026-11"), 200)
        eq(r.header("Content-Type"), XLSX, "xlsx type")
        check("dispatch-table-2026-11.xlsx" in r.header("Content-Disposition"), "a file name with the month")
        ss = shared_strings(r.body)
        for h in HEADERS:
            check(h in ss, "header %s" % h)
        check("重點項目調度表(2026年11月)" in ss, "the title names the month")
        check(self.p["ok"]["number"] not in ss, "a template has no projects")
        xml = sheet_xml(r.body)
        check("<dataValidation " in xml and "產業,城建,民生" in xml and "是,否" in xml, "dropdowns")
        names = zipfile.ZipFile(io.BytesIO(r.body)).read("xl/workbook.xml").decode()
        check("調度表" in names and "說明" in names, "sheets 調度表 and 說明")
        # the default month is the server's (China) month
        r = expect_status(self.sup.get("/api/v1/projects/dispatch-table.xlsx?template=1"), 200)
        check("重點項目調度表(2026年11月)" in shared_strings(r.body), "this month by the server clock")
        expect_error(self.sup.get("/api/v1/projects/dispatch-table.xlsx?month=2026-13"), 400, field="month")
        expect_error(self.sup.get("/api/v1/projects/dispatch-table.xlsx?template=yes"), 400, field="template")
        # the statistician reads (project.read); the auditor has no project.read
        expect_status(self.tongji.get("/api/v1/projects/dispatch-table.xlsx"), 200)
        expect_error(self.auditor.get("/api/v1/projects/dispatch-table.xlsx"), 403)

    # ------------------------------------------------------------------ scope of the export
    def test_export_scope(self):
        ss = shared_strings(expect_status(self.sup.get("/api/v1/projects/dispatch-table.xlsx?month=2026-11"), 200).body)
        for k in self.p:
            check(self.p[k]["number"] in ss, "the supervisor's sheet holds %s" % k)
        check("現代服務業總部大廈" in ss, "and the demo's major projects")
        ss = shared_strings(expect_status(self.fgj.get("/api/v1/projects/dispatch-table.xlsx"), 200).body)
        check(self.p["ok"]["number"] in ss and self.p["other"]["number"] not in ss, "fgj sees its own projects only")
        r = expect_status(self.chunliu.get("/api/v1/projects/dispatch-table.xlsx"), 200)
        check(self.p["ok"]["number"] not in shared_strings(r.body), "a street sees none of them")

    def test_simplified_script(self):
        """For zh-CN users the sheet's fixed words are in Simplified script; it reads back unchanged."""
        r = expect_status(self.sup.get("/api/v1/projects/dispatch-table.xlsx?month=2026-11&script=simplified"), 200)
        ss = shared_strings(r.body)
        for word in ("重点项目调度表(2026年11月)", "项目编号", "年度计划投资(万元)", "包保领导"):
            check(word in ss, "%s in the Simplified sheet" % word)
        check("項目編號" not in ss, "no Traditional heading left")
        check("現代服務業總部大廈" in ss, "the data as stored")
        check("%E8%B0%83%E5%BA%A6%E8%A1%A8" in r.header("Content-Disposition"), "the file's name: 调度表")
        imp = expect_status(self.sup.post("/api/v1/projects/dispatch-table/import",
                                          {"content_base64": b64(r.body), "apply": False}), 200).json()
        check(imp["rows"] > 0, "rows read: %r" % imp["rows"])
        eq((imp["errors"], imp["valid"], imp["changes"]), ([], imp["rows"], 0), "an unedited Simplified sheet changes nothing")
        t = expect_status(self.sup.get("/api/v1/projects/dispatch-table.xlsx?template=1&script=simplified"), 200)
        check("项目编号" in shared_strings(t.body), "the template too")
        expect_error(self.sup.get("/api/v1/projects/dispatch-table.xlsx?script=pinyin"), 400, field="script")

    # ------------------------------------------------------------------ bad uploads
    def test_bad_uploads(self):
        url = "/api/v1/projects/dispatch-table/import"
        before = self.srv.db.query("SELECT COUNT(*) FROM events")[0][0]
        expect_error(self.sup.post(url, {"content_base64": "%%%"}), 422, field="content_base64")
        expect_error(self.sup.post(url, {"content_base64": b64(b"nope")}), 422, field="content_base64")
        expect_error(self.sup.post(url, {}), 422, field="content_base64")
        expect_error(self.sup.post(url, {"content_base64": b64(b"x"), "colour": 1}), 422, field="colour")
        plan_sheet = expect_status(self.sup.get("/api/v1/projects/dispatch-table.xlsx?template=1"), 200).body
        expect_error(self.sup.post(url, {"content_base64": b64(plan_sheet), "apply": "yes"}), 422, field="apply")
        eq(self.srv.db.query("SELECT COUNT(*) FROM events")[0][0], before, "bad uploads change nothing")
        # the template as it is: no rows, no errors, nothing applied
        r = expect_status(self.sup.post(url, {"content_base64": b64(plan_sheet), "apply": False}), 200).json()
        eq((r["rows"], r["valid"], r["errors"], r["applied"]), (0, 0, [], 0), "an empty template")
        # read-only access and no access
        expect_error(self.tongji.post(url, {"content_base64": b64(plan_sheet)}), 403)
        expect_error(self.auditor.post(url, {"content_base64": b64(plan_sheet)}), 403)

    # ------------------------------------------------------------------ the LibreOffice round trip
    def test_libreoffice_round_trip(self):
        p = self.p
        r = expect_status(self.sup.get("/api/v1/projects/dispatch-table.xlsx?month=2026-11"), 200)
        exe = self.soffice()
        tmp = tempfile.mkdtemp(prefix="duban-dispatch-", dir=self.workdir)
        profile = "-env:UserInstallation=file://" + os.path.join(tmp, "profile")

        def convert(src, fmt, extra=()):
            subprocess.run([exe, profile, "--headless", "--norestore"] + list(extra) +
                           ["--convert-to", fmt, "--outdir", tmp, src], check=True, capture_output=True, timeout=180)
        xp = os.path.join(tmp, "dispatch.xlsx")
        with open(xp, "wb") as f:
            f.write(r.body)
        # Opened and saved again as .xlsx by LibreOffice, unedited: every row reads back equal to
        # duban (demo projects included), nothing to change, the dropdowns kept.
        resaved_dir = os.path.join(tmp, "resaved")
        subprocess.run([exe, profile, "--headless", "--norestore", "--convert-to", "xlsx:Calc Office Open XML",
                        "--outdir", resaved_dir, xp], check=True, capture_output=True, timeout=180)
        with open(os.path.join(resaved_dir, "dispatch.xlsx"), "rb") as f:
            resaved = f.read()
        check("<dataValidation" in sheet_xml(resaved), "LibreOffice keeps the dropdowns")
        u = expect_status(self.sup.post("/api/v1/projects/dispatch-table/import", {"content_base64": b64(resaved)}), 200).json()
        eq((u["errors"], u["changes"]), ([], 0), "an unedited sheet saved by LibreOffice changes nothing")
        check(u["rows"] >= 4 + 45, "every exported row read back (%d)" % u["rows"])
        convert(xp, "csv:Text - txt - csv (StarCalc):44,34,76")
        with open(os.path.join(tmp, "dispatch.csv"), encoding="utf-8") as f:
            rows = list(csv.reader(f))
        eq(rows[0][0], "重點項目調度表(2026年11月)", "the title row")
        hdr_at = next(i for i, row in enumerate(rows) if "項目編號" in row)
        eq(rows[hdr_at], HEADERS, "the contract's header")
        col = {name: i for i, name in enumerate(rows[hdr_at])}
        mine = {p[k]["number"]: k for k in p}
        # Keep the title, the header and our four projects (a user may delete rows).
        kept = [row for row in rows[hdr_at + 1:] if row and row[col["項目編號"]] in mine]
        eq(len(kept), 4, "our projects are in the sheet")
        by_key = {mine[row[col["項目編號"]]]: row for row in kept}
        eq(by_key["ok"][col["計劃總投資(萬元)"]], "25000", "amounts as numbers")
        eq(by_key["ok"][col["當前階段"]], "開工", "stage name")
        eq(by_key["ok"][col["進展情況"]], "施工許可證", "no note yet: the current stage's evidence")
        by_key["ok"][col["本月完成投資(萬元)"]] = "350.5"        # valid edits
        by_key["ok"][col["包保領導"]] = "张副区长"
        by_key["ok"][col["進展情況"]] = "主體結構封頂"
        by_key["bad"][col["年度計劃投資(萬元)"]] = "-5"          # invalid amount
        by_key["bad"][col["包保領導"]] = "赵副区长"              # valid cell, but the row has an error
        by_key["ro"][col["項目名稱"]] = "改過的名稱"             # a read-only cell changed
        by_key["other"][col["包保領導"]] = "钱副区长"            # a project outside fgj's units
        out = rows[:hdr_at + 1] + kept
        sheet_row = {mine[row[col["項目編號"]]]: hdr_at + 2 + i for i, row in enumerate(kept)}
        os.remove(xp)
        with open(os.path.join(tmp, "dispatch.csv"), "w", encoding="utf-8", newline="") as f:
            csv.writer(f).writerows(out)
        convert(os.path.join(tmp, "dispatch.csv"), "xlsx", ["--infilter=CSV:44,34,76"])
        with open(xp, "rb") as f:
            edited = f.read()

        url = "/api/v1/projects/dispatch-table/import"
        events_before = self.srv.db.query("SELECT COUNT(*) FROM events")[0][0]
        v = expect_status(self.fgj.post(url, {"content_base64": b64(edited)}), 200).json()
        errs = sorted((e["row"], e["column"]) for e in v["errors"])
        eq(errs, sorted([(sheet_row["bad"], "年度計劃投資(萬元)"), (sheet_row["ro"], "項目名稱"),
                         (sheet_row["other"], "項目編號")]), "errors by sheet row and column")
        check(all(e["message"] for e in v["errors"]), "each error says what is wrong")
        eq((v["month"], v["rows"], v["valid"], v["changes"], v["applied"]), ("2026-11", 4, 1, 1, 0),
           "validation alone applies nothing")
        eq(self.srv.db.query("SELECT COUNT(*) FROM events")[0][0], events_before, "no event before apply")
        before_ok = self.get("ok")
        eq((before_ok["leader"], before_ok["investments"]), ("王副区长", []), "nothing changed before the user says so")
        # the error workbook: the uploaded rows plus 錯誤, the bad cells commented
        ew = base64.b64decode(v["error_workbook_base64"])
        ss = shared_strings(ew)
        check("錯誤" in ss and "改過的名稱" in ss and "钱副区长" in ss, "the error workbook carries the rows and 錯誤")
        check("第%d行 年度計劃投資(萬元)" % sheet_row["bad"] in ss, "錯誤 names the row and column")
        eq(sheet_xml(ew).count("<row "), 2 + 4, "title, header and the four rows")
        check("legacyDrawing" in sheet_xml(ew), "bad cells carry comments")

        # a street's staff: every row is outside its units, none applied
        c = expect_status(self.chunliu.post(url, {"content_base64": b64(edited), "apply": True}), 200).json()
        eq((c["valid"], c["applied"]), (0, 0), "a street applies nothing")
        eq({e["column"] for e in c["errors"]}, {"項目編號"}, "unknown to the street")

        # apply: only the valid row, through the projects engine
        a = expect_status(self.fgj.post(url, {"content_base64": b64(edited), "apply": True}), 200).json()
        eq((a["applied"], a["applied_numbers"], a["skipped"]), (1, [p["ok"]["number"]], 3), "the valid row applied")
        ok = self.get("ok")
        eq(ok["leader"], "张副区长", "包保領導 patched")
        eq([(i["month"], i["amount_wan"]) for i in ok["investments"]], [("2026-11", 350.5)], "本月完成投資 reported")
        eq([(n["text"], n["date"], n["stage"]) for n in ok["progress"]], [("主體結構封頂", "2026-11-20", "started")],
           "進展情況 added as a progress note")
        eq(ok["version"], before_ok["version"] + 3, "three engine writes")
        bad, ro, other = self.get("bad"), self.get("ro"), self.get("other")
        eq((bad["annual_plan_wan"], bad["leader"]), (8000, "王副区长"), "the invalid row not applied")
        eq(ro["name"], "調度表測試中心", "the read-only name unchanged")
        eq(other["leader"], "王副区长", "the project outside fgj's units unchanged")
        ev = expect_status(self.srv.session("auditor").get("/api/v1/events?action=project.sheet_imported&per_page=10"),
                           200).json()["items"]
        check(len(ev) >= 2, "every applied import is logged (the street's too)")
        done = [e for e in ev if e["payload"]["applied"]]
        eq(len(done), 1, "one import applied something")
        eq((done[0]["payload"]["applied"], done[0]["payload"]["month"]), ([p["ok"]["number"]], "2026-11"),
           "it names the rows applied")
        for action in ("project.investment", "project.update", "project.progress"):
            evs = expect_status(self.srv.session("auditor").get("/api/v1/events?action=%s&per_page=50" % action),
                                200).json()["items"]
            check(any(e.get("object_id") == p["ok"]["id"] for e in evs), "the engine's own %s event" % action)

        # exported again, the sheet shows the applied figures
        again = expect_status(self.fgj.get("/api/v1/projects/dispatch-table.xlsx?month=2026-11"), 200).body
        ss = shared_strings(again)
        check("张副区长" in ss and "主體結構封頂" in ss, "the new leader and progress in the next export")
        # applying the same file again changes nothing more (the valid row now equals duban)
        a2 = expect_status(self.fgj.post(url, {"content_base64": b64(edited), "apply": True}), 200).json()
        eq((a2["changes"], a2["applied"]), (0, 0), "idempotent")
