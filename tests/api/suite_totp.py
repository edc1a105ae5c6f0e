"""totp: two-factor sign-in for the admin roles (RFC 6238), with enforcement on (no
--totp-optional): forced enrolment, the second login step, replay refusal, recovery codes,
wrong codes counting towards the lockout, and the security administrator's reset."""
import base64
import hashlib
import hmac
import struct
import time

import dubantest as dt
from dubantest import check, eq, expect_error, expect_status


def totp(secret_b32, t=None, step_offset=0):
    """RFC 6238 with SHA-1, 30-second steps, 6 digits, written from the RFC."""
    pad = "=" * (-len(secret_b32) % 8)
    key = base64.b32decode(secret_b32 + pad)
    counter = int((time.time() if t is None else t) // 30) + step_offset
    mac = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    off = mac[-1] & 0x0F
    code = (struct.unpack(">I", mac[off:off + 4])[0] & 0x7FFFFFFF) % 1000000
    return "%06d" % code


@dt.suite("totp")
class TotpSuite(dt.Suite):
    def setup(self):
        self.srv = self.new_server("main", totp=True)

    def enrol(self, username):
        s = self.srv.session(username)
        me = expect_status(s.get("/api/v1/me"), 200).json()
        eq((me["totp_required"], me["totp_enabled"]), (True, False), username + " must enrol")
        expect_error(s.get("/api/v1/org-units"), 403, code="totp_enrollment_required")
        j = expect_status(s.post("/api/v1/me/totp/enroll"), 200).json()
        secret = j["secret"]
        check(j["otpauth_uri"].startswith("otpauth://totp/duban:%s?secret=%s" % (username, secret)), j["otpauth_uri"])
        expect_error(s.post("/api/v1/me/totp/confirm", {"code": "000000" if totp(secret) != "000000" else "111111"}),
                     422, field="code")
        self.confirmed_at = time.time()
        r = expect_status(s.post("/api/v1/me/totp/confirm", {"code": totp(secret, self.confirmed_at)}), 200).json()
        eq(len(r["recovery_codes"]), 10, "ten recovery codes")
        eq(expect_status(s.get("/api/v1/me"), 200).json()["totp_enabled"], True, "enabled after confirm")
        return secret, r["recovery_codes"]

    def password_step(self, username):
        c = self.srv.client()
        r = expect_status(c.post("/api/v1/session", {"username": username, "password": dt.DEMO_PASSWORD}), 200)
        check(r.header("Set-Cookie") is None, "no session before the second factor")
        j = r.json()
        eq(j["second_factor_required"], True, "second factor asked")
        return c, j["challenge"]

    def test_enrol_then_sign_in_with_code_and_recovery(self):
        secret, recovery = self.enrol("admin")
        # the code used to confirm has been used: it cannot sign in again (replay)
        c, ch = self.password_step("admin")
        used = totp(secret, self.confirmed_at)
        expect_error(c.post("/api/v1/session/totp", {"challenge": ch, "code": used}), 401, code="bad_code")
        # the next step's code is accepted (window of one step) and opens a session
        r = expect_status(c.post("/api/v1/session/totp", {"challenge": ch, "code": totp(secret, self.confirmed_at, 1)}), 201)
        check((r.header("Set-Cookie") or "").startswith("duban_session="), "session cookie after the code")
        # the challenge is spent
        expect_error(c.post("/api/v1/session/totp", {"challenge": ch, "recovery_code": recovery[0]}), 401,
                     code="challenge_invalid")
        # a recovery code works once
        c2, ch2 = self.password_step("admin")
        expect_status(c2.post("/api/v1/session/totp", {"challenge": ch2, "recovery_code": recovery[0].upper()}), 201)
        c3, ch3 = self.password_step("admin")
        expect_error(c3.post("/api/v1/session/totp", {"challenge": ch3, "recovery_code": recovery[0]}), 401,
                     code="bad_code")
        # malformed input is a 422, and changes nothing
        expect_error(c3.post("/api/v1/session/totp", {"challenge": ch3, "code": "12ab56"}), 422, field="code")
        expect_error(c3.post("/api/v1/session/totp", {"challenge": ch3}), 422, field="code")
        # the second step's events name the account, not an anonymous "second-factor"
        rows = self.srv.db.query("SELECT actor FROM events WHERE (action = 'auth.login' AND (payload LIKE '%\"totp\"%' "
                                 "OR payload LIKE '%\"recovery_code\"%')) OR (action = 'auth.login_failed' "
                                 "AND payload LIKE '%\"bad_code\"%')")
        check(len(rows) >= 4, "second-step events recorded: %r" % rows)
        eq({r[0] for r in rows}, {"admin"}, "second-step events name the account")
        # every sign-in step is an event, with the method used
        aud = self.srv.session("auditor")
        me = expect_status(aud.get("/api/v1/me"), 200).json()
        eq(me["totp_required"], True, "the auditor needs a second factor too")

    def test_wrong_codes_lock_the_account_and_another_secadmin_resets(self):
        secret, _ = self.enrol("secadmin")
        c, ch = self.password_step("secadmin")
        wrong = [("%06d" % (123450 + i)) for i in range(6)]
        wrong = [w for w in wrong if w not in (totp(secret, step_offset=k) for k in (-1, 0, 1))]
        for w in wrong[:4]:
            expect_error(c.post("/api/v1/session/totp", {"challenge": ch, "code": w}), 401, code="bad_code")
        c2, ch2 = self.password_step("secadmin")
        expect_error(c2.post("/api/v1/session/totp", {"challenge": ch2, "code": wrong[4]}), 423, code="account_locked")
        # a second security administrator (made with the CLI) unlocks and resets the lost factor
        r = dt.run_cli(self.duban, ["user", "add", "--username", "secadmin2", "--role", "secadmin", "--password-stdin"]
                       + self.srv.db.args, stdin="Tundra-Lamp-2026x\n")
        eq(r.returncode, 0, "user add: " + r.stderr)
        s2 = self.srv.session("secadmin2", "Tundra-Lamp-2026x")
        expect_status(s2.post("/api/v1/me/password", {"old_password": "Tundra-Lamp-2026x",
                                                      "new_password": "Glacier-Pine-2026y"}), 200)
        expect_error(s2.get("/api/v1/users"), 403, code="totp_enrollment_required")
        j = expect_status(s2.post("/api/v1/me/totp/enroll"), 200).json()
        expect_status(s2.post("/api/v1/me/totp/confirm", {"code": totp(j["secret"])}), 200)
        users = expect_status(s2.get("/api/v1/users?q=secadmin&per_page=50"), 200).json()["items"]
        target = [u for u in users if u["username"] == "secadmin"][0]
        eq((target["locked"], target["totp_enabled"]), (True, True), "secadmin is locked and enrolled")
        expect_status(s2.post("/api/v1/users/%d/unlock" % target["id"]), 200)
        after = expect_status(s2.post("/api/v1/users/%d/totp/reset" % target["id"]), 200).json()
        eq(after["totp_enabled"], False, "reset removes the factor")
        # no one resets their own factor
        me2 = expect_status(s2.get("/api/v1/me"), 200).json()
        expect_error(s2.post("/api/v1/users/%d/totp/reset" % me2["id"]), 403)
        # secadmin signs in with the password alone again, and must enrol anew
        s1 = self.srv.session("secadmin")
        me = expect_status(s1.get("/api/v1/me"), 200).json()
        eq((me["totp_required"], me["totp_enabled"]), (True, False), "must enrol again")
        # API tokens are for machines: not made to enrol
        tok = dt.run_cli(self.duban, ["token", "create", "--username", "admin"] + self.srv.db.args).stdout.strip()
        check(tok.startswith("dbn_"), "token created: %r" % tok)
        expect_status(dt.Bearer(self.srv.port, tok).get("/api/v1/org-units?per_page=1"), 200)
        # the events tell the story
        kinds = [r[0] for r in self.srv.db.query("SELECT action FROM events WHERE action LIKE 'totp.%' ORDER BY seq")]
        for k in ("totp.enroll_start", "totp.enable", "totp.reset"):
            check(k in kinds, "event %s recorded: %r" % (k, kinds))
        bad = self.srv.db.query("SELECT COUNT(*) FROM events WHERE action = 'auth.login_failed' "
                                "AND payload LIKE '%bad_code%'")[0][0]
        check(int(bad) >= 5, "wrong codes are recorded: %s" % bad)
        # TOTP secrets are sealed at rest, never stored in clear
        for (sec,) in self.srv.db.query("SELECT totp_secret FROM users WHERE totp_secret IS NOT NULL"):
            check(sec.startswith("v1.") and secret not in sec, "sealed secret: %r" % sec[:12])
