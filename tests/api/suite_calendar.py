"""calendar: the working-day calendar through the API. Any signed-in account reads it (the web counts
working time with it); the system administrator adds next year's holidays and adjusted workdays when
the State Council's notice appears, and sets office hours. Bad edits are refused naming the element
and change nothing; a change applies at once to deadlines computed from then on, is an event, and
survives a restart. The 2027 days below are test data, not a published notice."""
import dubantest as dt
from dubantest import check, eq, expect_error, expect_status

NOTICE = "测试数据：假定的2027年节假日安排"


@dt.suite("calendar")
class CalendarSuite(dt.Suite):
    def setup(self):
        self.srv = self.new_server("main", extra=["--test-clock"])
        # Thursday 31 December 2026, 16:00 in Beijing (set before signing in: sessions expire by it).
        expect_status(self.srv.session("leader").put("/api/v1/_test/clock", {"now": "2026-12-31T16:00:00+08:00"}), 200)
        self.admin = self.srv.session("admin")
        self.sup = self.srv.session("ducha.staff")
        self.staff = self.srv.session("chunliu.staff")
        self.auditor = self.srv.session("auditor")

    def changes(self):
        r = expect_status(self.auditor.get("/api/v1/events?action=calendar.changed&per_page=500"), 200)
        return r.json()["items"]

    def test_read_shipped(self):
        j = expect_status(self.staff.get("/api/v1/calendar?year=2026"), 200).json()
        eq(j["office_hours"], "08:30-12:00,13:30-17:30", "default office hours")
        check({2024, 2025, 2026} <= set(j["years"]), "shipped years: %r" % j["years"])
        days = {d["date"]: d for d in j["days"]}
        eq(days["2026-10-01"]["kind"], "holiday", "National Day")
        eq(days["2026-09-20"]["kind"], "workday", "the adjusted Sunday before National Day")
        check("國務院辦公廳" in days["2026-10-01"]["source"], "each day names its notice")
        check(all(d["date"].startswith("2026-") for d in j["days"]), "?year= filters")
        eq(j["edits"], {}, "no edits yet")
        expect_error(self.staff.get("/api/v1/calendar?year=abc"), 400, field="year")
        expect_error(self.staff.get("/api/v1/calendar?year=1900"), 400, field="year")

    def test_bad_edits_change_nothing(self):
        before = len(self.changes())
        bad = [
            ({"days": [{"date": "2027-01-01", "kind": "holiday"}, {"date": "2027-01-02", "kind": "party"}]}, "days[1].kind"),
            ({"days": [{"date": "2027-01-04", "kind": "workday"}]}, "days[0].kind"),  # a Monday cannot be made a workday
            ({"days": [{"date": "2027-02-30", "kind": "holiday"}]}, "days[0].date"),
            ({"days": [{"date": "2027-01-01", "kind": "holiday"}, {"date": "2027-01-01", "kind": "workday"}]}, "days[1].kind"),
            ({"days": [{"date": "2027-01-01", "kind": "holiday", "colour": "red"}]}, "days[0].colour"),
            ({"days": "2027-01-01"}, "days"),
            ({"office_hours": "17:30-08:30"}, "office_hours"),
            ({"office_hours": "08:30-12:00,11:00-17:30"}, "office_hours"),
            ({"holidays": []}, "holidays"),
        ]
        for body, field in bad:
            expect_error(self.admin.put("/api/v1/calendar", body), 422, field=field)
        eq(len(self.changes()), before, "no event for a refused edit")
        eq(expect_status(self.staff.get("/api/v1/calendar"), 200).json()["edits"], {}, "nothing stored")
        expect_error(self.sup.put("/api/v1/calendar", {"days": []}), 403, msg="only the system administrator edits it")
        expect_error(self.staff.put("/api/v1/calendar", {"days": []}), 403)

    def test_next_years_notice_applies_to_new_deadlines(self):
        # At the suite's clock, a hotline order is dispatched to a street, which must sign for it within
        # 2 working hours: 1.5 today, the rest on the next working day. The shipped calendar ends with
        # 2026, so Friday 1 January 2027 is a plain working day until the notice says otherwise.
        body = {"type": "hotline", "category": "H0101", "description": "咨询元旦假期办事时间。（测试数据）"}
        street = [u for u in expect_status(self.sup.get("/api/v1/org-units?kind=street&per_page=500"), 200).json()["items"]
                  if u["code"] == "210204006"][0]["id"]

        def dispatched(sup):
            c = expect_status(sup.post("/api/v1/cases", body), 201).json()
            return expect_status(sup.post("/api/v1/cases/%d/actions/dispatch" % c["id"],
                                          {"unit_id": street, "version": c["version"]}), 200).json()
        a = dispatched(self.sup)
        eq(a["stage_due_at"], "2027-01-01T01:00:00.000Z", "09:00 on Friday 1 January 2027, a working day for now")
        edits = {"days": [{"date": "2027-01-01", "kind": "holiday", "festival": "元旦", "source": NOTICE},
                          {"date": "2027-01-04", "kind": "holiday", "festival": "元旦", "source": NOTICE},
                          {"date": "2027-01-05", "kind": "holiday", "festival": "元旦", "source": NOTICE},
                          {"date": "2027-01-09", "kind": "workday", "festival": "元旦", "source": NOTICE}],
                 "office_hours": "08:30-12:00,13:30-17:30"}
        j = expect_status(self.admin.put("/api/v1/calendar", edits), 200).json()
        check(2027 in j["years"], "2027 known now")
        ev = self.changes()
        eq(len(ev), 1, "one event")
        eq(ev[0]["payload"]["edits"], edits, "the event carries the edits")
        b = dispatched(self.sup)
        eq(b["stage_due_at"], "2027-01-06T01:00:00.000Z", "1, 4 and 5 January are holidays now: 09:00 on Wednesday the 6th")
        eq(self.sup.get("/api/v1/cases/%d" % a["id"]).json()["stage_due_at"], a["stage_due_at"],
           "a deadline already set stays as it was")
        # It survives a restart, and an empty edit list takes the days back out (the undo).
        self.srv.restart()
        admin = self.srv.session("admin")
        j = expect_status(self.srv.session("chunliu.staff").get("/api/v1/calendar?year=2027"), 200).json()
        eq([(d["date"], d["kind"]) for d in j["days"]],
           [("2027-01-01", "holiday"), ("2027-01-04", "holiday"), ("2027-01-05", "holiday"), ("2027-01-09", "workday")],
           "the edits after a restart")
        expect_status(admin.put("/api/v1/calendar", {"days": []}), 200)
        j = expect_status(self.srv.session("chunliu.staff").get("/api/v1/calendar?year=2027"), 200).json()
        eq(j["days"], [], "removed again")
        expect_status(self.srv.session("leader").put("/api/v1/_test/clock", {"now": "2026-12-31T16:00:00+08:00"}), 200)
        sup = self.srv.session("ducha.staff")  # signed in at the test clock's time
        eq(dispatched(sup)["stage_due_at"], a["stage_due_at"], "deadlines as before the notice")
