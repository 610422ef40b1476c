"""Issue 8: invoice and credit-note emails through a real SMTP server (aiosmtpd, smtp_sink.py).

A test-mode tenant bills two accounts (one English, one Chinese) through `remit serve`'s
scheduler; the sink receives the invoice emails: headers, Message-ID = the outbox row, an
RFC 2047 subject that decodes back to Chinese, text and HTML parts, a PDF attachment whose
text holds the invoice number and the amount the email names, and a View & Pay link the server
answers (and a tampered one it refuses). Then SMTP trouble: a 451 is retried on the tenant's
test clock, a 550 fails the message for good. Then bad SMTP settings are refused at start, and
STARTTLS + AUTH against a sink with a self-signed certificate, and AUTH alone without TLS."""
import email.utils
import os
import re
import subprocess
import tempfile
import time
from datetime import datetime

from remit import Checks, Server, TempDir, new_db, run, wait_for
from smtp_sink import SmtpSink, make_test_cert

PUBLIC = "http://billing.example.test"
UNIT = 4500  # cents a month, in arrears: January's invoice is exactly this


def money(cents, lang):
    """Remit's money format as the catalog defines it for USD: $1,234.56 / US$1,234.56."""
    prefix = "$" if lang == "en" else "US$"
    return f"{prefix}{cents // 100:,}.{cents % 100:02d}"


def pdftotext(data):
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(data)
        f.flush()
        return subprocess.run(["pdftotext", "-layout", f.name, "-"], check=True,
                              capture_output=True, text=True).stdout


ACCOUNTS = [
    {"number": "A-100", "name": "Alpha Dental", "emails": ["billing@a.example"], "language": "en",
     "paperless": True, "address": "1 Main St\nFargo ND"},
    {"number": "B-200", "name": "北京贝塔科技", "emails": ["billing@b.example", "cfo@b.example"],
     "language": "zh-CN", "paperless": True, "address": "北京市朝阳区"},
]

with TempDir() as d:
    db = new_db(d, "email")
    tenant = run("tenant", "create", "--name", "Prairie Fibre", "--test-mode",
                 "--clock-start", "2026-01-01", db=db).stdout.strip()
    key = run("apikey", "create", "--tenant", tenant, db=db).stdout.strip()
    c = Checks()
    sink = SmtpSink()
    srv = Server(db, "--smtp-url", f"smtp://127.0.0.1:{sink.port}", "--smtp-starttls", "off",
                 "--public-url", PUBLIC)
    srv2 = None
    try:
        def call(method, path, body=None, s=None, **kw):
            return (s or srv).request(method, path, body, key=key, **kw)

        accts = []
        for a in ACCOUNTS:
            st, acct, _ = call("POST", "/v1/accounts", {**a, "invoice_terms": True})
            c.eq(f"account {a['number']} created", st, 201)
            accts.append(acct)
        st, prod, _ = call("POST", "/v1/products", {"name": "Fibre 1 Gbit/s"})
        st, price, _ = call("POST", "/v1/prices", {"product_id": prod["id"], "kind": "recurring",
                                                  "timing": "arrears", "interval": "month",
                                                  "unit_amount": UNIT, "stream": "main"})
        for a in accts:
            st, _, _ = call("POST", "/v1/subscriptions", {"account_id": a["id"], "price_id": price["id"],
                                                         "quantity": 1, "start_date": "2026-01-01"})
            c.eq("subscription created", st, 201)

        # --- the first bill run, through the scheduler, and its emails ---------------------
        st, clock, _ = call("POST", "/v1/clock/advance", {"to": "2026-02-02"})
        c.eq("clock advanced", (st, clock.get("today")), (200, "2026-02-02"))
        want_rcpts = sum(len(a["emails"]) for a in ACCOUNTS)
        msgs = sink.wait_messages(len(ACCOUNTS), timeout=30)
        c.eq("one email per account", len(msgs), len(ACCOUNTS))
        c.eq("recipients in the envelopes", sum(len(m["rcpt_tos"]) for m, _ in msgs), want_rcpts)

        st, invs, _ = call("GET", "/v1/invoices")
        inv_by_acct = {i["account_id"]: i for i in invs["data"]}
        c.eq("one invoice per account", sorted(inv_by_acct), sorted(a["id"] for a in accts))
        st, rows, _ = call("GET", "/v1/outbox?channel=email&status=sent")
        rows = wait_for("both invoice emails recorded as sent",
                        lambda: (lambda r: r if len(r) == len(ACCOUNTS) else None)(
                            call("GET", "/v1/outbox?channel=email&status=sent")[1]["data"]))
        c.eq("outbox rows are invoice emails", sorted(r["topic"] for r in rows), ["invoice"] * 2)
        row_by_inv = {r["entity_id"]: r for r in rows}
        host = PUBLIC.split("://")[1]
        by_msgid = {m.get("Message-ID"): (meta, m) for meta, m in msgs}

        views = []
        for a in accts:
            inv = inv_by_acct[a["id"]]
            lang = a["language"]
            row = row_by_inv.get(inv["id"])
            c.true(f"outbox row for invoice {inv['number']}", row)
            if not row:
                continue
            c.eq(f"{inv['number']}: outbox row addressed to the account's emails", row["to"], a["emails"])
            c.eq(f"{inv['number']}: sent at the first attempt", (row["attempts"], row["last_code"]), (1, 250))
            msgid = f"<t{tenant}.o{row['id']}@{host}>"
            got = by_msgid.get(msgid)
            c.true(f"{inv['number']}: a message with Message-ID {msgid} arrived "
                   f"(got {sorted(map(str, by_msgid))})", got)
            if not got:
                continue
            meta, m = got
            c.eq(f"{inv['number']}: sink saw the same Message-ID", meta["message_id"], msgid)
            c.eq(f"{inv['number']}: envelope recipients", sorted(meta["rcpt_tos"]), sorted(a["emails"]))
            c.eq(f"{inv['number']}: To header", sorted(x[1] for x in email.utils.getaddresses([str(m["To"])])),
                 sorted(a["emails"]))
            frm = email.utils.parseaddr(str(m["From"]))
            c.true(f"{inv['number']}: From has a name and an address ({m['From']})",
                   frm[0] == "Prairie Fibre" and "@" in frm[1])
            c.eq(f"{inv['number']}: envelope sender is the From address", meta["mail_from"], frm[1])
            date = email.utils.parsedate_to_datetime(str(m["Date"])) if m["Date"] else None
            c.true(f"{inv['number']}: Date header parses with a zone ({m['Date']})",
                   date is not None and date.tzinfo is not None)
            if date:  # the tenant's business time: between finalization and the clock now
                lo = datetime.fromisoformat(inv["finalized_at"].replace("Z", "+00:00"))
                hi = datetime.fromisoformat(clock["now"].replace("Z", "+00:00"))
                c.true(f"{inv['number']}: Date {date} within [{lo}, {hi}]", lo <= date <= hi)
            c.eq(f"{inv['number']}: MIME-Version", str(m["MIME-Version"]), "1.0")

            subject = str(m["Subject"])
            c.true(f"{inv['number']}: subject names the invoice ({subject})", inv["number"] in subject)
            amount = money(inv["amount_due"], lang)
            c.eq(f"{inv['number']}: amount due as billed", inv["amount_due"], UNIT)
            c.true(f"{inv['number']}: subject names the amount {amount}", amount in subject)
            raw = sink.raw(meta["n"])
            head = raw[:raw.find(b"\r\n\r\n")]
            c.true(f"{inv['number']}: headers are 7-bit", all(b < 0x80 for b in head))
            if lang == "zh-CN":
                c.true("zh-CN subject is RFC 2047 encoded on the wire",
                       re.search(rb"^Subject: =\?UTF-8\?[BQ]\?", head, re.M | re.I))
                c.true(f"zh-CN subject decodes to Chinese with 发票 ({subject})", "发票" in subject)

            text = m.get_body(("plain",))
            html = m.get_body(("html",))
            c.true(f"{inv['number']}: text part", text is not None)
            c.true(f"{inv['number']}: HTML part", html is not None)
            text = text.get_content() if text is not None else ""
            html = html.get_content() if html is not None else ""
            for part, body in (("text", text), ("html", html)):
                c.true(f"{inv['number']}: {part} names the invoice", inv["number"] in body)
                c.true(f"{inv['number']}: {part} names the amount {amount}", amount in body)
                c.true(f"{inv['number']}: {part} greets {a['name']}", a["name"] in body)
            atts = list(m.iter_attachments())
            c.eq(f"{inv['number']}: one attachment", [x.get_content_type() for x in atts], ["application/pdf"])
            if atts:
                c.eq(f"{inv['number']}: attachment file name", atts[0].get_filename(), inv["number"] + ".pdf")
                pdf = atts[0].get_content()
                c.true(f"{inv['number']}: attachment decodes to a PDF", pdf.startswith(b"%PDF"))
                pdf_text = pdftotext(pdf)
                c.true(f"{inv['number']}: PDF text has the invoice number", inv["number"] in pdf_text)
                c.true(f"{inv['number']}: PDF text has the amount {amount}", amount in pdf_text)
            link = re.search(re.escape(PUBLIC) + r"(/view/[A-Za-z0-9._-]+)", text)
            c.true(f"{inv['number']}: View & Pay link in the text part", link)
            if link:
                c.true(f"{inv['number']}: the same link in the HTML part", link.group(0) in html)
                views.append((inv, link.group(1)))

        # --- the View & Pay page, asked of the server itself --------------------------------
        c.eq("a link per invoice", len(views), len(ACCOUNTS))
        for inv, path in views:
            st, body, r = srv.request("GET", path)
            c.eq(f"{inv['number']}: view page status", st, 200)
            c.true(f"{inv['number']}: view page is HTML", r.getheader("Content-Type", "").startswith("text/html"))
            c.true(f"{inv['number']}: view page names the invoice",
                   isinstance(body, bytes) and inv["number"].encode() in body)
            st, body, r = srv.request("GET", path + "/pdf")
            c.eq(f"{inv['number']}: view pdf status", st, 200)
            c.eq(f"{inv['number']}: view pdf type", r.getheader("Content-Type", "").split(";")[0], "application/pdf")
            c.true(f"{inv['number']}: view pdf is a PDF", isinstance(body, bytes) and body.startswith(b"%PDF"))
            c.true(f"{inv['number']}: view pdf has the number", isinstance(body, bytes) and
                   inv["number"] in pdftotext(body))
            last = path[-1]
            tampered = path[:-1] + ("A" if last != "A" else "B")
            st, _, _ = srv.request("GET", tampered)
            c.eq(f"{inv['number']}: tampered signature: 404", st, 404)
            st, _, _ = srv.request("GET", tampered + "/pdf")
            c.eq(f"{inv['number']}: tampered signature, pdf: 404", st, 404)
        if len(views) == 2:
            # One invoice's signature on the other invoice's id: refused, not the other invoice.
            (inv1, p1), (inv2, p2) = views
            parts = p1[len("/view/"):].split(".")
            parts[2] = str(inv2["id"])
            st, body, _ = srv.request("GET", "/view/" + ".".join(parts))
            c.eq("a signature moved to another invoice: 404", st, 404)

        # --- SMTP down: 451 is retried on the tenant's test clock ---------------------------
        inv_a = inv_by_acct[accts[0]["id"]]
        before = sink.count()
        sink.set_mode("tempfail")
        st, note, _ = call("POST", "/v1/credit-notes", {"invoice_id": inv_a["id"], "amount": 500,
                                                       "reason": "Outage credit"})
        c.eq("credit note created", st, 201)

        def note_row(note_id, s=None):
            for r in call("GET", "/v1/outbox?channel=email", s=s)[1]["data"]:
                if r["topic"] == "credit_note" and r["entity_id"] == note_id:
                    return r
            return None

        row = wait_for("a first failed attempt at the credit note email",
                       lambda: (lambda r: r if r and r["attempts"] >= 1 and r["last_code"] else None)(
                           note_row(note["id"])))
        c.eq("tempfail: still pending", row["status"], "pending")
        c.true(f"tempfail: attempted ({row['attempts']})", row["attempts"] >= 1)
        c.eq("tempfail: last_code 451", row["last_code"], 451)
        c.true("tempfail: next attempt is scheduled", row["next_attempt_at"])
        c.true("tempfail: in GET /v1/outbox?status=pending",
               any(r["id"] == row["id"] for r in call("GET", "/v1/outbox?status=pending")[1]["data"]))
        time.sleep(1.0)  # the frozen test clock: no retry comes due by itself
        c.eq("tempfail: no new attempt while the test clock stands still",
             note_row(note["id"])["attempts"], row["attempts"])
        c.eq("tempfail: nothing reached the sink", sink.count(), before)
        st, metrics, _ = srv.request("GET", "/metrics")
        c.true("metrics: one email pending",
               re.search(rb'remit_outbox\{channel="email",state="pending"\} 1\b', metrics or b""))

        sink.set_mode("ok")
        st, _, _ = call("POST", "/v1/clock/advance", {"days": 1})  # SMTP down for a day of test clock
        c.eq("clock advanced a day", st, 200)
        msgs = sink.wait_messages(before + 1, timeout=30)
        row = wait_for("the credit note email recorded as sent",
                       lambda: (lambda r: r if r and r["status"] == "sent" else None)(note_row(note["id"])))
        c.eq("retried: sent on attempt 2", (row["status"], row["attempts"], row["last_code"]), ("sent", 2, 250))
        meta, m = msgs[-1]
        c.eq("credit note Message-ID is its outbox row", meta["message_id"],
             f"<t{tenant}.o{row['id']}@{host}>")
        cn_text = m.get_body(("plain",)).get_content()
        c.true("credit note email names the invoice", inv_a["number"] in cn_text)
        c.true("credit note email names the credited amount", money(500, "en") in cn_text)
        c.true("credit note email gives the reason", "Outage credit" in cn_text)
        c.eq("credit note email has no attachment", list(m.iter_attachments()), [])
        c.eq("exactly one delivery of the credit note", sink.count(), before + 1)

        # --- 550: failed for good -----------------------------------------------------------
        sink.set_mode("permfail")
        st, note2, _ = call("POST", "/v1/credit-notes", {"invoice_id": inv_a["id"], "amount": 700,
                                                        "reason": "Billing error"})
        c.eq("second credit note created", st, 201)
        row = wait_for("the second credit note email failing",
                       lambda: (lambda r: r if r and r["status"] != "pending" else None)(note_row(note2["id"])))
        c.eq("permfail: failed at once", (row["status"], row["attempts"]), ("failed", 1))
        c.eq("permfail: last_code 550", row["last_code"], 550)
        c.true(f"permfail: last_error says why ({row['last_error']})", "550" in row["last_error"])
        failed = call("GET", "/v1/outbox?status=failed")[1]["data"]
        c.eq("GET /v1/outbox?status=failed lists it", [r["id"] for r in failed], [row["id"]])
        st, metrics, _ = srv.request("GET", "/metrics")
        c.true("metrics: one email failed",
               re.search(rb'remit_outbox\{channel="email",state="failed"\} 1\b', metrics or b""))
        sink.set_mode("ok")
        st, _, _ = call("POST", "/v1/clock/advance", {"days": 2})
        time.sleep(1.0)
        c.eq("a failed message is not retried", note_row(note2["id"])["attempts"], 1)
        c.eq("nothing more reached the sink", sink.count(), before + 1)
        code = srv.stop()
        c.eq("graceful stop", code, 0)

        # --- settings refused at start --------------------------------------------------------
        for args in (["serve", "--listen", "127.0.0.1:0", "--smtp-url", "ftp://x"],
                     ["--smtp-url", "ftp://x", "serve", "--listen", "127.0.0.1:0"],
                     ["--smtp-url", "smtp://user:pw@127.0.0.1:25", "deliver"],
                     ["serve", "--listen", "127.0.0.1:0", "--smtp-url", "smtp://127.0.0.1:25",
                      "--smtp-starttls", "sometimes"]):
            try:
                p = run(*args, db=db, check=False, timeout=30)
            except subprocess.TimeoutExpired:  # it started instead of refusing
                p = subprocess.CompletedProcess(args, 0, "", "(still running after 30 s)")
            out = p.stdout + p.stderr
            field = "starttls" if "sometimes" in args else "smtp"
            c.true(f"remit {' '.join(args)}: exits non-zero ({p.returncode})", p.returncode != 0)
            c.true(f"remit {' '.join(args)}: names the option ({out.strip()[:200]!r})",
                   re.search(r"smtp[-_]url" if field == "smtp" else r"smtp[-_]starttls", out))

        # --- STARTTLS required + AUTH, against a self-signed certificate ------------------
        # The sink's certificate is not in the system's trust store and Remit has no option to
        # name a CA file, so libcurl refuses it: the message stays pending, saying why.
        cert, keyfile = make_test_cert(d)
        pwfile = os.path.join(d, "smtp-password")
        with open(pwfile, "w") as f:
            f.write("s3cret pass\n")
        tls_sink = SmtpSink(starttls_cert=cert, starttls_key=keyfile, auth="remit:s3cret pass")
        auth_sink = SmtpSink(auth="remit:s3cret pass")
        try:
            srv2 = Server(db, "--senders", "0")  # the API only: `remit deliver` sends below
            st, note3, _ = call("POST", "/v1/credit-notes", {"invoice_id": inv_a["id"], "amount": 100,
                                                            "reason": "Goodwill"}, s=srv2)
            c.eq("third credit note created", st, 201)
            tls_args = ["--smtp-url", f"smtp://127.0.0.1:{tls_sink.port}", "--smtp-starttls", "required",
                        "--smtp-user", "remit", "--smtp-password-file", pwfile, "--public-url", PUBLIC]
            p = run(*tls_args, "deliver", db=db, check=False, timeout=60)
            c.eq("remit deliver (TLS) exit code", p.returncode, 0)
            row = note_row(note3["id"], srv2)
            if tls_sink.count():
                meta, _ = tls_sink.messages()[0]
                c.eq("STARTTLS + AUTH: delivered over TLS as remit", (meta["tls"], meta["auth_user"]), (True, "remit"))
                c.eq("STARTTLS + AUTH: recorded as sent", row and row["status"], "sent")
            else:
                print(f"NOTE: STARTTLS to a self-signed certificate was refused: {row and row['last_error']!r}",
                      flush=True)
                c.eq("STARTTLS refused: still pending", row and row["status"], "pending")
                c.true(f"STARTTLS refused: a TLS/certificate error in last_error ({row and row['last_error']!r})",
                       row and re.search(r"SSL|TLS|certificate", row["last_error"], re.I))

            # AUTH without TLS (the sink allows it): the password file is read and used.
            call("POST", "/v1/clock/advance", {"days": 1}, s=srv2)  # the TLS retry comes due
            auth_args = ["--smtp-url", f"smtp://127.0.0.1:{auth_sink.port}", "--smtp-starttls", "off",
                         "--smtp-user", "remit", "--smtp-password-file", pwfile, "--public-url", PUBLIC]
            p = run(*auth_args, "deliver", db=db, check=False, timeout=60)
            c.eq("remit deliver (AUTH) exit code", p.returncode, 0)
            got = auth_sink.messages()
            c.eq("AUTH: one message", len(got), 0 if tls_sink.count() else 1)
            if got:
                c.eq("AUTH: authenticated as remit", got[0][0]["auth_user"], "remit")
                c.eq("AUTH: the credit note's Message-ID", got[0][0]["message_id"],
                     f"<t{tenant}.o{row['id']}@{host}>" if row else None)
            # A wrong password: 535, the message is not lost.
            bad = os.path.join(d, "bad-password")
            with open(bad, "w") as f:
                f.write("wrong\n")
            st, note4, _ = call("POST", "/v1/credit-notes", {"invoice_id": inv_a["id"], "amount": 100,
                                                            "reason": "Goodwill 2"}, s=srv2)
            p = run("--smtp-url", f"smtp://127.0.0.1:{auth_sink.port}", "--smtp-starttls", "off",
                    "--smtp-user", "remit", "--smtp-password-file", bad, "--public-url", PUBLIC, "deliver",
                    db=db, check=False, timeout=60)
            row4 = note_row(note4["id"], srv2)
            c.true(f"wrong SMTP password: kept pending to retry ({row4})",
                   row4 and row4["status"] == "pending" and row4["attempts"] == 1)
            c.eq("wrong SMTP password: nothing delivered", len(auth_sink.messages()), len(got))
        finally:
            tls_sink.stop()
            auth_sink.stop()
    finally:
        for s in (srv, srv2):
            if s and s.proc.poll() is None:
                s.stop()
        sink.stop()
    c.finish()
