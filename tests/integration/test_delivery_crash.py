"""Issue 8: `remit serve` killed with SIGKILL in the middle of delivering a month's emails and
webhooks, then started again on the same database: nothing is lost. Delivery is at least once:
a message sent but not yet recorded when the process died is sent again, after its lease, with
the same identity (Message-ID, webhook-id), so the checks count distinct ids per recipient:
every one there, none with two different contents, duplicates counted and printed."""
import signal
import threading
import time

from remit import Checks, Server, TempDir, new_db, run, sql, wait_for
from smtp_sink import SmtpSink
from webhook_receiver import WebhookReceiver

ACCOUNTS = 60
UNIT = 2900
PUBLIC = "http://billing.example.test"
HOST = "billing.example.test"

# The outbox lease: how long a message claimed by a sender that died waits before another
# sends it again (default 120 s; short here so the test is quick).
LEASE = ["--send-lease", "3"]
SETTLE = 60  # seconds to wait for the outbox to drain after the restart


def content(msg):
    """What a re-sent email must repeat (MIME boundaries are new on every composition)."""
    text = msg.get_body(("plain",))
    html = msg.get_body(("html",))
    return (str(msg["From"]), str(msg["To"]), str(msg["Subject"]), str(msg["Date"]),
            text.get_content() if text else None, html.get_content() if html else None,
            tuple((a.get_filename(), a.get_content()) for a in msg.iter_attachments()))


with TempDir() as d:
    db = new_db(d, "dcrash")
    tenant = run("tenant", "create", "--name", "Crashy Cable", "--test-mode",
                 "--clock-start", "2026-01-01", db=db).stdout.strip()
    key = run("apikey", "create", "--tenant", tenant, db=db).stdout.strip()
    c = Checks()
    sink = SmtpSink()
    rx = WebhookReceiver()
    opts = ["--smtp-url", f"smtp://127.0.0.1:{sink.port}", "--smtp-starttls", "off",
            "--public-url", PUBLIC, "--senders", "2", "--job-lease", "2", *LEASE]
    srv = Server(db, *opts)
    srv2 = None
    try:
        def call(method, path, body=None, s=None, **kw):
            return (s or srv).request(method, path, body, key=key, **kw)

        def all_pages(path, s):
            out, after = [], None
            while True:
                sep = "&" if "?" in path else "?"
                st, page, _ = call("GET", path + f"{sep}limit=200" + (f"&after={after}" if after else ""), s=s)
                assert st == 200, (st, page)
                out += page["data"]
                if not page.get("has_more"):
                    return out
                after = page["next_cursor"]

        st, ep, _ = call("POST", "/v1/webhook-endpoints", {"url": rx.url("/invoices"),
                                                          "event_types": ["invoice.finalized"]})
        c.eq("endpoint created", st, 201)
        rx.set_secret("/invoices", ep["secret"])
        st, prod, _ = call("POST", "/v1/products", {"name": "Cable TV"})
        st, price, _ = call("POST", "/v1/prices", {"product_id": prod["id"], "kind": "recurring",
                                                  "timing": "arrears", "interval": "month",
                                                  "unit_amount": UNIT, "stream": "main"})
        emails_of = {}
        for i in range(ACCOUNTS):
            addr = f"ap{i:03d}@crashy{i % 7}.example"
            st, a, _ = call("POST", "/v1/accounts", {"number": f"C-{i:03d}", "name": f"Customer {i}",
                                                    "emails": [addr], "invoice_terms": True})
            assert st == 201, a
            emails_of[a["id"]] = [addr]
            st, s, _ = call("POST", "/v1/subscriptions", {"account_id": a["id"], "price_id": price["id"],
                                                         "quantity": 1, "start_date": "2026-01-01"})
            assert st == 201, s

        # The advance bills February 1 (60 invoices, 60 emails, 60 webhooks) and returns; the
        # senders start as soon as the bill run commits, emails first (a batch each), then a
        # sender takes the webhooks in one batch: kill as the first few webhooks arrive, with
        # emails still going out on the other sender.
        adv = {}
        t = threading.Thread(target=lambda: adv.update(r=call("POST", "/v1/clock/advance",
                                                             {"to": "2026-02-02"})[:2]))
        t.start()
        wait_for("the first webhooks", lambda: len(rx.deliveries()) >= 3, timeout=60, interval=0.003)
        srv.proc.send_signal(signal.SIGKILL)
        srv.proc.wait()
        t_kill = time.time()
        t.join(timeout=60)
        statuses = dict(sql(db, "SELECT status, COUNT(*) FROM outbox GROUP BY status"))
        print(f"at the kill: {sink.count()} emails and {len(rx.deliveries())} webhooks had arrived; "
              f"outbox {statuses}; advance answered: {adv.get('r', 'no (killed)')}", flush=True)
        c.true(f"killed mid-delivery (outbox {statuses})", statuses.get("pending", 0) > 0)

        srv2 = Server(db, *opts)
        # A killed advance leaves the clock short of Feb 2: moving it there again is harmless.
        st, clock, _ = call("POST", "/v1/clock/advance", {"to": "2026-02-02"}, s=srv2)
        c.eq("clock at Feb 2 after the restart", (st, clock.get("today")), (200, "2026-02-02"))
        wait_for("the outbox to drain",
                 lambda: not all_pages("/v1/outbox?status=pending", srv2), timeout=SETTLE, interval=0.5)
        drained = time.time() - t_kill
        print(f"outbox drained {drained:.1f} s after the kill (with {' '.join(LEASE)})", flush=True)

        # --- what Remit recorded -------------------------------------------------------------
        invs = all_pages("/v1/invoices", srv2)
        c.eq("one invoice per account", sorted(i["account_id"] for i in invs), sorted(emails_of))
        c.eq("each invoice is a month", {i["subtotal"] for i in invs}, {UNIT})
        rows = all_pages("/v1/outbox", srv2)
        c.eq("every outbox row sent", {r["status"] for r in rows}, {"sent"})
        email_rows = [r for r in rows if r["channel"] == "email"]
        hook_rows = [r for r in rows if r["channel"] == "webhook"]
        c.eq("an email row per invoice", sorted(r["entity_id"] for r in email_rows), sorted(i["id"] for i in invs))
        c.eq("a webhook row per invoice", len(hook_rows), len(invs))
        inv_acct = {i["id"]: i["account_id"] for i in invs}
        c.true("each email row to its account's address",
               all(r["to"] == emails_of[inv_acct[r["entity_id"]]] for r in email_rows))

        # --- what the SMTP server got ----------------------------------------------------------
        want = {}  # recipient -> Message-IDs it must have
        for r in email_rows:
            for to in r["to"]:
                want.setdefault(to, set()).add(f"<t{tenant}.o{r['id']}@{HOST}>")
        msgs = sink.messages()
        got, per_id, dups = {}, {}, 0
        for meta, m in msgs:
            mid = meta["message_id"]
            for to in meta["rcpt_tos"]:
                if mid in got.setdefault(to, set()):
                    dups += 1
                got[to].add(mid)
            per_id.setdefault(mid, []).append(content(m))
        print(f"emails: {len(msgs)} received, {len(per_id)} distinct Message-IDs, "
              f"{dups} duplicate deliveries", flush=True)
        c.eq("distinct Message-IDs == email rows", len(per_id), len(email_rows))
        c.eq("every recipient got each of its Message-IDs, and no other", got, want)
        changed = [mid for mid, cs in per_id.items() if any(x != cs[0] for x in cs)]
        c.eq("a re-sent email repeats its content", changed, [])
        c.true("every invoice email carries its PDF",
               all(cs[0][6] and cs[0][6][0][1].startswith(b"%PDF") for cs in per_id.values()))

        # --- what the webhook receiver got --------------------------------------------------------
        ds = rx.deliveries("/invoices")
        ids = {}
        for x in ds:
            ids.setdefault(x["webhook_id"], []).append(x["body"])
        print(f"webhooks: {len(ds)} received, {len(ids)} distinct webhook-ids, "
              f"{len(ds) - len(ids)} duplicates", flush=True)
        c.eq("distinct webhook-ids == webhook rows", sorted(ids), sorted(r["webhook_id"] for r in hook_rows))
        c.eq("every signature verifies", [x["webhook_id"] for x in ds if not x["signature_ok"]], [])
        c.eq("a re-sent webhook repeats its body", [k for k, bs in ids.items() if any(b != bs[0] for b in bs)], [])
        c.eq("each invoice.finalized once per invoice",
             sorted(bs[0]["data"]["id"] for bs in ids.values()), sorted(i["id"] for i in invs))
    finally:
        for s in (srv, srv2):
            if s and s.proc.poll() is None:
                s.stop()
        sink.stop()
        rx.stop()
    v = run("verify", db=db, check=False)
    c.eq("ledger verifies", v.returncode, 0)
    c.finish()
