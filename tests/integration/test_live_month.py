"""Issue 8: a provider's month runs by itself. A test-mode tenant under two `remit serve`
processes on one database, no SMTP server (emails are .eml files in the outbox directory):
35 days of test clock moved through the API, by both servers at once. Each day's daily job
ran exactly once, the February 1 bill run happened once, every invoice email is a file whose
Message-ID is its outbox row, and the ledger verifies."""
import email
import email.policy
import glob
import os
import threading
import time
from datetime import date, timedelta

from remit import POSTGRES, Checks, Server, TempDir, new_db, run, sql

ACCOUNTS = 5
UNIT = 3300
START = date(2026, 1, 1)
DAYS = 35
END = START + timedelta(days=DAYS)  # 2026-02-05

with TempDir() as d:
    db = new_db(d, "month")
    # SQLite: the default outbox directory, outbox/ beside the database file. PostgreSQL's
    # default is data/outbox under the working directory, so the test names one.
    outbox = os.path.join(d, "outbox")
    dir_args = ["--outbox-dir", outbox] if POSTGRES else []
    tenant = run("tenant", "create", "--name", "Month Fibre", "--test-mode",
                 "--clock-start", START.isoformat(), db=db).stdout.strip()
    key = run("apikey", "create", "--tenant", tenant, db=db).stdout.strip()
    c = Checks()
    servers = [Server(db, *dir_args)]
    try:
        a, b = servers[0], None

        def call(s, method, path, body=None):
            return s.request(method, path, body, key=key)

        def all_pages(s, path):
            out, after = [], None
            while True:
                sep = "&" if "?" in path else "?"
                st, page, _ = call(s, "GET", path + f"{sep}limit=200" + (f"&after={after}" if after else ""))
                assert st == 200, (st, page)
                out += page["data"]
                if not page.get("has_more"):
                    return out
                after = page["next_cursor"]

        st, prod, _ = call(a, "POST", "/v1/products", {"name": "Fibre"})
        st, price, _ = call(a, "POST", "/v1/prices", {"product_id": prod["id"], "kind": "recurring",
                                                     "timing": "arrears", "interval": "month",
                                                     "unit_amount": UNIT, "stream": "main"})
        emails_of = {}
        for i in range(ACCOUNTS):
            st, acct, _ = call(a, "POST", "/v1/accounts", {"number": f"M-{i}", "name": f"Month {i}",
                                                         "emails": [f"ap{i}@month.example"],
                                                         "invoice_terms": True})
            emails_of[acct["id"]] = acct["emails"]
            st, _, _ = call(a, "POST", "/v1/subscriptions", {"account_id": acct["id"], "price_id": price["id"],
                                                            "quantity": 1, "start_date": START.isoformat()})
            c.eq("subscription created", st, 201)

        # A second server on the same database, with its own workers, scheduler and senders.
        # Both move the clock to the same day at once, five days at a time, with pauses for
        # the background schedulers (they tick every second) to join in.
        b = Server(db, *dir_args)
        servers.append(b)
        for step in range(5, DAYS + 1, 5):
            target = (START + timedelta(days=step)).isoformat()
            answers = {}
            threads = [threading.Thread(target=lambda s=s, n=n: answers.update(
                {n: call(s, "POST", "/v1/clock/advance", {"to": target})[:2]}))
                for n, s in (("a", a), ("b", b))]
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=300)
            c.eq(f"both advances to {target} answered",
                 sorted((n, r[0], r[1].get("today")) for n, r in answers.items()),
                 [("a", 200, target), ("b", 200, target)])
            time.sleep(0.4)
        st, clock, _ = call(b, "GET", "/v1/clock")
        c.eq("the clock is at the end", clock.get("today"), END.isoformat())

        jobs = all_pages(a, "/v1/jobs")
        daily = [j for j in jobs if j["kind"] == "daily"]
        want_days = [(START + timedelta(days=i)).isoformat() for i in range(DAYS + 1)]
        c.eq(f"a daily job for each of the {DAYS + 1} days", sorted(j["key"] for j in daily), want_days)
        c.eq("every daily job done", {j["status"] for j in daily}, {"done"})
        c.eq("every daily job ran once", {j["attempts"] for j in daily}, {1})
        rows = sql(db, "SELECT tenant_id, kind, job_key, COUNT(*) FROM jobs GROUP BY tenant_id, kind, job_key "
                       "HAVING COUNT(*) > 1")
        c.eq("jobs table: one row per (tenant, kind, key)", rows, [])
        workers = sorted({j["worker"].split("/")[0] for j in daily})
        print(f"daily jobs ran on: {workers}", flush=True)

        runs = all_pages(a, "/v1/bill-runs")
        print("bill runs:", [(r.get("cycle_end"), r.get("status"), r.get("invoices")) for r in runs], flush=True)
        feb = [r for r in runs if r.get("cycle_end") == "2026-02-01" or r.get("date") == "2026-02-01"]
        c.eq(f"one bill run for February 1 ({runs})", len(feb), 1)
        invs = all_pages(a, "/v1/invoices")
        c.eq("one invoice per account", sorted(i["account_id"] for i in invs), sorted(emails_of))
        c.eq("each a full month", {(i["issue_date"], i["subtotal"]) for i in invs}, {("2026-02-01", UNIT)})
        inv_rows = sql(db, "SELECT account_id, stream, cycle_end, COUNT(*) FROM invoices "
                           "GROUP BY account_id, stream, cycle_end HAVING COUNT(*) > 1")
        c.eq("no duplicate invoices in the table", inv_rows, [])

        # The emails: one .eml per invoice in the outbox directory.
        def sent_rows():
            rs = all_pages(a, "/v1/outbox?channel=email")
            return rs if rs and all(r["status"] == "sent" for r in rs) and len(rs) >= len(invs) else None
        deadline = time.time() + 30
        erows = sent_rows()
        while not erows and time.time() < deadline:
            time.sleep(0.2)
            erows = sent_rows()
        erows = erows or all_pages(a, "/v1/outbox?channel=email")
        c.eq("an email row per invoice, all sent", sorted((r["entity_id"], r["status"]) for r in erows),
             sorted((i["id"], "sent") for i in invs))
        files = sorted(glob.glob(os.path.join(outbox, "*.eml")))
        c.eq(f"one .eml file per email in {outbox}", len(files), len(erows))
        c.eq("no temporary files left", [f for f in os.listdir(outbox) if f.endswith(".tmp")]
             if os.path.isdir(outbox) else None, [])
        host = "127.0.0.1"  # the default --public-url's host
        want = {f"<t{tenant}.o{r['id']}@{host}>": r for r in erows}
        got = {}
        for f in files:
            with open(f, "rb") as fh:
                m = email.message_from_binary_file(fh, policy=email.policy.default)
            got[str(m["Message-ID"])] = m
        c.eq("the files' Message-IDs are the outbox rows'", sorted(got), sorted(want))
        inv_by_id = {i["id"]: i for i in invs}
        for mid, m in got.items():
            r = want.get(mid)
            if not r:
                continue
            inv = inv_by_id[r["entity_id"]]
            c.eq(f"{mid}: To", str(m["To"]), ", ".join(emails_of[inv["account_id"]]))
            c.true(f"{mid}: subject names {inv['number']}", inv["number"] in str(m["Subject"]))
            att = list(m.iter_attachments())
            c.true(f"{mid}: the PDF attached", att and att[0].get_content().startswith(b"%PDF"))

        st, metrics, _ = a.request("GET", "/metrics")
        c.true("metrics: no job due or failed",
               b'remit_jobs{state="due"} 0' in metrics and b'remit_jobs{state="failed"} 0' in metrics)
        c.true("metrics: no email pending",
               b'remit_outbox{channel="email",state="pending"} 0' in metrics)
    finally:
        codes = [s.stop() for s in servers if s.proc.poll() is None]
    c.eq("graceful stops", codes, [0] * len(codes))
    v = run("verify", db=db, check=False)
    c.eq("ledger verifies", v.returncode, 0)
    c.finish()
