"""attachments: uploads checked by content (JPEG, PNG, PDF by their magic bytes; the declared type
must agree), 413 beyond the size limit, 415 for other types (a GIF; a text file renamed .jpg), 201
with the SHA-256, the bytes back byte for byte with the checked type, a safe file name and nosniff;
the same bytes stored once; refusals change nothing; who may upload (business roles that report or
handle cases, not the admin roles or the statistician); who may read (its uploaders, and those who
see a case or project naming it)."""
import hashlib
import os
import urllib.parse

import dubantest as dt
from dubantest import check, eq, expect_error, expect_status

P = "/api/v1/attachments"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + bytes(range(256)) * 4 + b"\xff\xd9"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde" + b"\x00" * 40
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"


@dt.suite("attachments")
class AttachmentsSuite(dt.Suite):
    def setup(self):
        self.srv = self.new_server("main")
        self.insp = self.srv.session("grid.inspector")
        self.staff = self.srv.session("chunliu.staff")
        self.leader = self.srv.session("leader")
        self.stat = self.srv.session("tongji.staff")
        self.admin = self.srv.session("admin")

    def upload(self, sess, data, ctype, name=None):
        # a UTF-8 name goes percent-encoded (header values are Latin-1 on the wire)
        return sess.request("POST", P, body=data, ctype=ctype,
                            headers={"X-File-Name": urllib.parse.quote(name)} if name else None)

    def state(self):
        db = self.srv.db
        return db.dump_tables(["attachments"]), db.query("SELECT COUNT(*) FROM events WHERE action = 'attachment.upload'")

    def test_accepts_jpeg_png_pdf_and_serves_them_back(self):
        for data, ctype, name in ((JPEG, "image/jpeg", "井盖破损.jpg"), (PNG, "image/png", "map.png"),
                                  (PDF, "application/pdf", "../../etc/回复.pdf")):
            r = expect_status(self.upload(self.insp, data, ctype, name), 201).json()
            sha = hashlib.sha256(data).hexdigest()
            eq(r, {"sha256": sha, "mime": ctype, "size": len(data)}, "upload of %s" % ctype)
            g = expect_status(self.insp.get("%s/%s" % (P, sha)), 200)  # the uploader reads it back
            check(g.body == data, "byte-identical %s" % ctype)
            eq(g.header("Content-Type"), ctype, "served type")
            eq(g.header("X-Content-Type-Options"), "nosniff", "nosniff")
            # kept by the browser, but asked for again at each view: a 304 after the server's checks
            eq((g.header("Cache-Control"), g.header("ETag")), ("private, no-cache", '"%s"' % sha), "caching")
            again = self.insp.get("%s/%s" % (P, sha), headers={"If-None-Match": '"%s"' % sha})
            eq((again.status, again.body), (304, b""), "revalidated: 304 without the bytes")
            eq((again.header("Content-Type"), again.header("Content-Length"), again.header("ETag")),
               (None, None, '"%s"' % sha), "a 304 names no type and no length")
            expect_status(self.srv.client().get("%s/%s" % (P, sha), headers={"If-None-Match": '"%s"' % sha}), 401,
                          "no 304 without a session")
            cd = g.header("Content-Disposition")
            check(cd.startswith("inline" if ctype != "application/pdf" else "attachment"), cd)
            if ctype == "application/pdf":
                check('filename="__.pdf"' in cd and "filename*=UTF-8''%E5%9B%9E%E5%A4%8D.pdf" in cd, cd)
                check("/" not in cd, "no path in the name: %s" % cd)
            # stored content-addressed beside the database, never under the user's name
            if self.srv.db.path:
                blob = os.path.join(os.path.dirname(self.srv.db.path), "blobs", sha[:2], sha[2:])
                check(os.path.isfile(blob), "blob at %s" % blob)
                with open(blob, "rb") as f:
                    on_disk = f.read()
                check(on_disk.startswith(b"v1.") and data[:4] not in on_disk,
                      "sealed with the server's key at rest, not the %s bytes: %r" % (ctype, on_disk[:16]))
        ev = self.srv.db.query("SELECT payload FROM events WHERE action = 'attachment.upload' ORDER BY seq DESC LIMIT 1")
        check(hashlib.sha256(PDF).hexdigest() in ev[0][0], "the event carries the hash: %r" % ev)
        check("回复" not in ev[0][0], "not the file's name, which may be a citizen's: %r" % ev)

    def test_same_bytes_stored_once(self):
        a = expect_status(self.upload(self.staff, JPEG + b"once", "image/jpeg", "a.jpg"), 201).json()
        b = expect_status(self.upload(self.leader, JPEG + b"once", "image/jpeg", "b.jpg"), 201).json()
        eq(a, b, "same hash")
        eq(int(self.srv.db.query("SELECT COUNT(*) FROM attachments WHERE sha256 = ?", (a["sha256"],))[0][0]), 1, "one row")
        if self.srv.db.path:
            d = os.path.join(os.path.dirname(self.srv.db.path), "blobs", a["sha256"][:2])
            eq([n for n in os.listdir(d) if n.startswith(a["sha256"][2:8])], [a["sha256"][2:]], "one file")

    def test_refusals_change_nothing(self):
        before = self.state()
        expect_error(self.upload(self.insp, GIF, "image/gif", "x.gif"), 415, "unsupported_file_type")
        expect_error(self.upload(self.insp, b"just text, renamed\n", "image/jpeg", "photo.jpg"), 415, "unsupported_file_type")
        expect_error(self.upload(self.insp, PNG, "image/jpeg", "photo.jpg"), 415, "type_mismatch", "Content-Type")
        expect_error(self.upload(self.insp, PDF, None, "a.pdf"), 415, "type_mismatch", "Content-Type")
        big = JPEG + b"\x00" * (10 * 1024 * 1024)
        expect_error(self.upload(self.insp, big, "image/jpeg", "big.jpg"), 413, "file_too_large")
        # roles: the admin roles and the statistician do not upload
        expect_error(self.upload(self.admin, JPEG, "image/jpeg"), 403)
        expect_error(self.upload(self.stat, JPEG, "image/jpeg"), 403)
        expect_error(self.srv.client().request("POST", P, body=JPEG, ctype="image/jpeg"), 401)
        eq(self.state(), before, "nothing stored, no event")

    def test_reads(self):
        sha = expect_status(self.upload(self.insp, PNG + b"r", "image/png"), 201).json()["sha256"]
        g = expect_status(self.insp.get("%s/%s" % (P, sha)), 200)
        check(g.body == PNG + b"r", "the uploader reads it")
        check(sha[:12] in g.header("Content-Disposition"), "a name from the hash when none was given")
        expect_error(self.admin.get("%s/%s" % (P, sha)), 403)
        expect_error(self.srv.client().get("%s/%s" % (P, sha)), 401)
        expect_error(self.leader.get("%s/%s" % (P, "0" * 64)), 404, "not_found")
        expect_error(self.leader.get("%s/%s" % (P, "abc")), 404, "not_found")
        expect_error(self.leader.get("%s/%s" % (P, sha.upper())), 404, "not_found")

    def test_read_by_who_sees_a_case_or_project_naming_it(self):
        """Its uploaders read a file, each under the name it gave; so do those who see a case or a
        project naming it. To anyone else it is the 404 of a hash never stored, and no 304."""
        malan, sup = self.srv.session("malan.staff"), self.srv.session("ducha.staff")
        data = JPEG + b"scope"
        sha = expect_status(self.upload(self.insp, data, "image/jpeg", "现场.jpg"), 201).json()["sha256"]
        url = "%s/%s" % (P, sha)

        def reads(sess):
            r = sess.get(url)
            check(r.status in (200, 404), "%s: %d" % (url, r.status))
            if r.status == 200:
                check(r.body == data, "the bytes")
            return r.status == 200

        eq([reads(s) for s in (self.insp, self.leader, self.staff, malan, self.stat)],
           [True, False, False, False, False], "uploaded, on no case yet: its uploader alone")
        e = expect_error(self.leader.get(url), 404, "not_found")
        eq(e, expect_error(self.leader.get("%s/%s" % (P, "0" * 64)), 404), "the same 404 as a hash never stored")
        expect_error(malan.get(url, headers={"If-None-Match": '"%s"' % sha}), 404, msg="no 304 out of reach")
        # a second uploader of the same bytes reads it under its own name, not the first's
        expect_status(self.upload(self.staff, data, "image/jpeg", "我的.jpg"), 201)
        cd = expect_status(self.staff.get(url), 200).header("Content-Disposition")
        check(urllib.parse.quote("我的") in cd and urllib.parse.quote("现场") not in cd, cd)
        cd = expect_status(self.insp.get(url), 200).header("Content-Disposition")
        check(urllib.parse.quote("现场") in cd, cd)
        # on a case in the inspector's grid (in 春柳): those who see the case read it
        grid = expect_status(self.insp.get("/api/v1/me"), 200).json()["units"][0]
        case = expect_status(self.insp.post("/api/v1/cases", {"type": "urban", "category": "E0101", "grid_id": grid,
                                                              "description": "附件可见范围测试。", "attachments": [sha]}), 201).json()
        eq([reads(s) for s in (self.leader, sup, malan, self.stat)], [True, True, False, False],
           "on a case in 春柳: the leader and the dispatcher, not 马栏's staff nor the statistician (no case.read)")
        cd = self.leader.get(url).header("Content-Disposition")
        check(urllib.parse.quote("现场") in cd, "the first uploader's name to the case's readers: %s" % cd)
        # Knowing a hash is not enough to attach it (and so to read it): a write names a file its
        # author uploaded, or one already on that case; anything else is the refusal of a hash never stored.
        other = expect_status(self.upload(self.leader, JPEG + b"leader's own", "image/jpeg"), 201).json()["sha256"]
        note = "/api/v1/cases/%d/notes" % case["id"]
        before = self.srv.db.query("SELECT COUNT(*) FROM attachment_refs")
        refused = expect_error(self.staff.post(note, {"text": "附上", "attachments": [other]}), 422,
                               "unknown_attachment", "attachments[0]")
        never = expect_error(self.staff.post(note, {"text": "附上", "attachments": ["e" * 64]}), 422,
                             "unknown_attachment", "attachments[0]")
        eq(refused["message"], never["message"], "someone else's file is refused as one never stored")
        expect_error(self.insp.post("/api/v1/cases", {"type": "urban", "category": "E0101", "grid_id": grid,
                                                      "description": "借用他人附件。", "attachments": [other]}),
                     422, "unknown_attachment", "attachments[0]")
        eq(self.srv.db.query("SELECT COUNT(*) FROM attachment_refs"), before, "refusals add no ref")
        expect_status(self.leader.get("%s/%s" % (P, other)), 200)
        expect_error(self.insp.get("%s/%s" % (P, other)), 404, msg="still not the inspector's to read")
        # a file already on the case may be named again on it by whoever writes to the case (the
        # dispatcher never uploaded it), but not on another case
        expect_status(sup.post(note, {"text": "同一照片", "attachments": [sha]}), 201)
        expect_error(sup.post("/api/v1/cases", {"type": "hotline", "category": "H0101", "description": "另一案件",
                                                "grid_id": grid, "attachments": [sha]}), 422, "unknown_attachment")
        # on a progress note of a project led by 春柳: those who see the project read it
        pdf = PDF + b"%scope\n"
        psha = expect_status(self.upload(sup, pdf, "application/pdf", "批复.pdf"), 201).json()["sha256"]
        purl = "%s/%s" % (P, psha)
        units = {u["code"]: u["id"] for u in expect_status(self.leader.get("/api/v1/org-units?per_page=500"), 200).json()["items"]}
        proj = expect_status(sup.post("/api/v1/projects", {"name": "附件可见范围测试项目", "lead_unit_id": units["210204006"]}), 201).json()
        eq([s.get(purl).status for s in (self.stat, self.staff)], [404, 404], "before the project names it")
        expect_status(sup.post("/api/v1/projects/%d/progress" % proj["id"], {"text": "取得批复", "attachments": [psha]}), 201)
        eq([s.get(purl).status for s in (self.stat, self.staff, malan, self.insp)], [200, 200, 404, 404],
           "the statistician and 春柳's staff read it; not 马栏's staff, nor the inspector (no project.read)")
