"""Issue 9, D11 and D12 through the real binary: the evening payment digest and the cheque
refund run, driven by the scheduler on a test tenant's clock in America/Chicago.

A tenant with a billing inbox takes two payments; when its clock passes 18:00 that day, one
digest email (an .eml file) lists both with their totals, and moving the clock on sends no
second one. A closed account keeps a credit; on the 1st of the month the daily job refunds it
by cheque: the register lists it, exports it as CSV, the account's contacts get a notice and
`remit payments refund-run` (the run on demand) refunds nothing twice. Marked issued, the
ledger still verifies."""
import csv
import email
import email.policy
import glob
import io
import os

from remit import Checks, Server, TempDir, new_db, run, wait_for

with TempDir() as d:
    db = new_db(d, "cheques")
    outbox = os.path.join(d, "mail")
    tenant = run("tenant", "create", "--name", "Prairie Fibre", "--test-mode", "--time-zone",
                 "America/Chicago", "--clock-start", "2026-01-20", db=db).stdout.strip()
    key = run("apikey", "create", "--tenant", tenant, db=db).stdout.strip()
    c = Checks()
    srv = Server(db, "--outbox-dir", outbox)
    try:
        def call(method, path, body=None):
            return srv.request(method, path, body, key=key)

        def mails():
            out = []
            for f in sorted(glob.glob(os.path.join(outbox, "*.eml"))):
                with open(f, "rb") as fh:
                    out.append(email.message_from_binary_file(fh, policy=email.policy.default))
            return out

        def text_of(m):
            return m.get_body(preferencelist=("plain",)).get_content()

        st, _, _ = call("PATCH", "/v1/tenant", {"email": "billing@prairie.example",
                                               "billing_inbox": "ar@prairie.example"})
        c.eq("the billing inbox is set", st, 200)
        st, ann, _ = call("POST", "/v1/accounts", {"number": "C-1", "name": "Ann", "last_name": "Lee",
                                                  "emails": ["ann@lee.example"],
                                                  "address": "Ann Lee\n1 Main St\nWillmar, MN 56201"})
        st, bob, _ = call("POST", "/v1/accounts", {"number": "C-2", "name": "Bob", "company": "Bob's Bait",
                                                  "emails": ["bob@bait.example"]})
        c.eq("accounts created", st, 201)
        st, p1, _ = call("POST", "/v1/payments", {"account_id": ann["id"], "method": "cheque",
                                                 "reference": "CHK-1", "amount": 25000})
        st, p2, _ = call("POST", "/v1/payments", {"account_id": bob["id"], "method": "bank_transfer",
                                                 "reference": "W-7", "amount": 1050})
        c.eq("payments posted", st, 201)

        # --- the evening digest -------------------------------------------------------------
        st, _, _ = call("POST", "/v1/clock/advance", {"to": "2026-01-20T23:59:00Z"})  # 17:59 CST
        c.eq("before the hour: no digest", [m for m in mails() if "Payments posted" in str(m["Subject"])], [])
        st, _, _ = call("POST", "/v1/clock/advance", {"to": "2026-01-21T00:00:00Z"})  # 18:00 CST
        c.eq("clock at the digest hour", st, 200)
        digests = wait_for("the digest email", lambda: [m for m in mails()
                                                        if "Payments posted" in str(m["Subject"])])
        c.eq("one digest", len(digests), 1)
        m = digests[0]
        c.eq("subject", str(m["Subject"]), "Payments posted Jan 20, 2026: 2, $260.50 received")
        c.eq("to the billing inbox", str(m["To"]), "ar@prairie.example")
        body = text_of(m)
        for want in ["Every payment posted from Jan 19, 2026 18:00 to Jan 20, 2026 18:00 (America/Chicago).",
                     "00:00  C-1  Ann Lee", "00:00  C-2  Bob's Bait", "Amount: $250.00",
                     "Method: Cheque", "Method: Bank transfer", f"Confirmation: {p1['confirmation']}",
                     f"Confirmation: {p2['confirmation']}", "Status: succeeded",
                     "All methods: 2 · $260.50 + Fee $0.00 = $260.50"]:
            c.true(f"digest text has {want!r}", want in body)
        html = m.get_body(preferencelist=("html",)).get_content()
        c.true("the HTML part lists the payments", "Bob&#39;s Bait" in html or "Bob&apos;s Bait" in html
               or "Bob's Bait" in html)
        st, jobs, _ = call("GET", "/v1/jobs?limit=200")
        c.eq("the digest job is done", [(j["key"], j["status"]) for j in jobs["data"] if j["kind"] == "digest"],
             [("2026-01-20", "done")])
        st, _, _ = call("POST", "/v1/clock/advance", {"to": "2026-01-21T06:00:00Z"})
        c.eq("still one digest of Jan 20", len([x for x in mails() if "Jan 20, 2026" in str(x["Subject"])]), 1)

        # --- the cheque refund run ----------------------------------------------------------
        st, _, _ = call("PATCH", f"/v1/accounts/{ann['id']}", {"status": "closed"})
        c.eq("Ann's account closed", st, 200)
        st, _, _ = call("POST", "/v1/clock/advance", {"to": "2026-02-01"})
        c.eq("clock at Feb 1, a refund run day", st, 200)
        st, reg, _ = call("GET", "/v1/cheque-refunds?run_date=2026-02-01")
        c.eq("one cheque in the register", [(r["account_id"], r["cheque_number"], r["amount"], r["payee"],
                                            r["address_lines"], r["status"]) for r in reg["data"]],
             [(ann["id"], 1, 25000, "Ann Lee", ["Ann Lee", "1 Main St", "Willmar, MN 56201"], "pending")])
        st, acct, _ = call("GET", f"/v1/accounts/{ann['id']}")
        c.eq("Ann's credit refunded", acct["credit_balance"], 0)
        st, acct, _ = call("GET", f"/v1/accounts/{bob['id']}")
        c.eq("Bob (active) keeps his credit", acct["credit_balance"], 1050)

        st, body_csv, r = call("GET", "/v1/cheque-refunds.csv?run_date=2026-02-01")
        c.eq("CSV served", (st, r.getheader("Content-Type")), (200, "text/csv; charset=utf-8"))
        rows = list(csv.DictReader(io.StringIO(body_csv.decode())))
        c.eq("CSV row", [(x["cheque_number"], x["account_number"], x["payee"], x["amount"], x["address_line_3"],
                          x["status"]) for x in rows],
             [("1", "C-1", "Ann Lee", "250.00", "Willmar, MN 56201", "pending")])

        notice = wait_for("the cheque notice", lambda: [x for x in mails() if "refunded by cheque" in str(x["Subject"])])
        c.eq("notice to Ann's contacts", [str(x["To"]) for x in notice], ["ann@lee.example"])
        c.true("the notice names the cheque", "Cheque number: 1" in text_of(notice[0]))

        p = run("--outbox-dir", outbox, "payments", "refund-run", "--tenant", tenant, db=db)
        c.eq("the run on demand refunds nothing twice", p.stdout.splitlines()[0],
             "2026-02-01: 0 cheques, 0.00 refunded, 1 already refunded")
        st, res, _ = call("POST", "/v1/cheque-refunds/mark-issued", {"run_date": "2026-02-01"})
        c.eq("the run marked issued", (st, res.get("issued")), (200, 1))
        st, evs, _ = call("GET", "/v1/events?type=cheque_refund.issued")
        c.eq("cheque_refund.issued raised", len(evs["data"]), 1)
    finally:
        c.eq("server stops cleanly", srv.stop(), 0)
    v = run("verify", db=db, check=False)
    c.eq("remit verify passes", (v.returncode, "PROBLEM" in v.stdout), (0, False))
    c.finish()
