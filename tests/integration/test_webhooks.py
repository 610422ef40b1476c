"""Issue 8: webhooks to a real Standard Webhooks receiver (node + the `standardwebhooks` npm
package, which verifies every signature independently of Remit's code).

A test-mode tenant's endpoint for every event type hears an account, a month's bill run and a
payment: every delivery verifies, every message has its own webhook-id, and each body is the
event as GET /v1/events has it. An endpoint answering 500 is retried on the tenant's test clock
(each day's advance makes the next retry due) and fails after 8 attempts; resent after it is
fixed, it arrives with the same webhook-id. An endpoint that never answers is timed out and
retried. A live tenant may not point endpoints at private addresses, nor name unknown event
types, and nothing is created when it tries."""
import time

from remit import Checks, Server, TempDir, new_db, run, wait_for
from webhook_receiver import WebhookReceiver

UNIT = 4500
MAX_ATTEMPTS = 8  # 0 s, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h


with TempDir() as d:
    db = new_db(d, "webhooks")
    tenant = run("tenant", "create", "--name", "Hook Networks", "--test-mode",
                 "--clock-start", "2026-01-01", db=db).stdout.strip()
    key = run("apikey", "create", "--tenant", tenant, db=db).stdout.strip()
    live = run("tenant", "create", "--name", "Live Co", db=db).stdout.strip()
    live_key = run("apikey", "create", "--tenant", live, db=db).stdout.strip()
    c = Checks()
    rx = WebhookReceiver()
    srv = Server(db, "--outbox-dir", d + "/mail")
    try:
        def call(method, path, body=None, k=None, **kw):
            return srv.request(method, path, body, key=k or key, **kw)

        def deliveries(ep_id, status=None):
            q = f"?status={status}" if status else ""
            st, page, _ = call("GET", f"/v1/webhook-endpoints/{ep_id}/deliveries{q}")
            assert st == 200, (st, page)
            return page["data"]

        def all_pages(path):
            out, after = [], None
            while True:
                sep = "&" if "?" in path else "?"
                st, page, _ = call("GET", path + (f"{sep}after={after}" if after else ""))
                assert st == 200, (st, page)
                out += page["data"]
                if not page.get("has_more"):
                    return out
                after = page["next_cursor"]

        # --- an endpoint for everything --------------------------------------------------
        # (events before it, such as the first day's empty bill run, are not sent to it)
        wait_for("the scheduler's first day", lambda: call("GET", "/v1/jobs?status=done")[1]["data"])
        before = {e["id"] for e in all_pages("/v1/events")}
        st, ep, _ = call("POST", "/v1/webhook-endpoints", {"url": rx.url("/ok"), "event_types": ["*"],
                                                          "description": "all events"})
        c.eq("test mode: a loopback endpoint is accepted", st, 201)
        c.true("the secret is shown on creation", str(ep.get("secret", "")).startswith("whsec_"))
        rx.set_secret("/ok", ep["secret"])
        st, got, _ = call("GET", f"/v1/webhook-endpoints/{ep['id']}")
        c.eq("endpoint readable", (st, got.get("url"), got.get("event_types")), (200, rx.url("/ok"), ["*"]))
        c.true("the secret is not shown again", "secret" not in got)

        st, acct, _ = call("POST", "/v1/accounts", {"number": "H-1", "name": "Hooked Dental",
                                                   "emails": ["ap@hooked.example"], "language": "en",
                                                   "invoice_terms": True})
        c.eq("account created", st, 201)
        st, prod, _ = call("POST", "/v1/products", {"name": "Uplink"})
        st, price, _ = call("POST", "/v1/prices", {"product_id": prod["id"], "kind": "recurring",
                                                  "timing": "arrears", "interval": "month",
                                                  "unit_amount": UNIT, "stream": "main"})
        st, _, _ = call("POST", "/v1/subscriptions", {"account_id": acct["id"], "price_id": price["id"],
                                                     "quantity": 1, "start_date": "2026-01-01"})
        c.eq("subscription created", st, 201)
        st, _, _ = call("POST", "/v1/clock/advance", {"to": "2026-02-02"})
        c.eq("clock advanced past Feb 1", st, 200)
        st, invs, _ = call("GET", f"/v1/invoices?account_id={acct['id']}")
        c.eq("one invoice", len(invs["data"]), 1)
        inv = invs["data"][0]
        c.eq("January billed in full", inv["amount_due"], UNIT)
        st, pay, _ = call("POST", "/v1/payments", {"account_id": acct["id"], "method": "cheque",
                                                  "amount": inv["amount_due"], "reference": "CHK 77"})
        c.eq("payment created", st, 201)

        events = [e for e in all_pages("/v1/events") if e["id"] not in before]
        types = [e["type"] for e in events]
        for t in ("account.created", "invoice.finalized", "bill_run.completed", "payment.created",
                  "invoice.paid"):
            c.true(f"event {t} recorded ({types})", t in types)
        wait_for("every event delivered to /ok",
                 lambda: len(deliveries(ep["id"], "sent")) == len(events), timeout=30)
        rows = deliveries(ep["id"])
        c.eq("one delivery row per event", sorted(r["event_id"] for r in rows), sorted(e["id"] for e in events))
        c.eq("every row sent at the first attempt", {(r["status"], r["attempts"], r["last_code"]) for r in rows},
             {("sent", 1, 200)})
        got = rx.deliveries("/ok")
        c.eq("the receiver got each message once", len(got), len(events))
        c.eq("every signature verifies (standardwebhooks)", [x["webhook_id"] for x in got if not x["signature_ok"]], [])
        ids = [x["webhook_id"] for x in got]
        c.eq("webhook-id unique per message", len(set(ids)), len(ids))
        c.eq("webhook-ids are the outbox rows' (msg_<tenant>_<id>)", sorted(ids),
             sorted(f"msg_{tenant}_{r['id']}" for r in rows))
        c.eq("the API shows the same webhook-ids", sorted(ids), sorted(r["webhook_id"] for r in rows))
        c.true("each delivery's timestamp is the wall clock (within 5 minutes)",
               all(abs(x["webhook_timestamp"] - x["received_at"]) < 300 for x in got))
        row_by_msg = {f"msg_{tenant}_{r['id']}": r for r in rows}
        event_by_id = {e["id"]: e for e in events}
        seen = set()
        for x in got:
            b = x["body"]
            ok = isinstance(b, dict) and {"type", "timestamp", "data"} <= set(b)
            c.true(f"{x['webhook_id']}: body has type, timestamp, data ({b!r:.200})", ok)
            if not ok:
                continue
            ev = event_by_id.get(row_by_msg.get(x["webhook_id"], {}).get("event_id"))
            c.true(f"{x['webhook_id']}: its event exists", ev)
            if ev:
                c.eq(f"{x['webhook_id']}: body is the event", (b["type"], b["data"]), (ev["type"], ev["data"]))
                c.eq(f"{x['webhook_id']}: timestamp is the event's", b["timestamp"], ev["created_at"])
            seen.add(b["type"])
            if b["type"] == "invoice.finalized":
                c.eq("invoice.finalized data", (b["data"].get("id"), b["data"].get("number"), b["data"].get("amount_due")),
                     (inv["id"], inv["number"], UNIT))
            if b["type"] == "invoice.paid":
                c.eq("invoice.paid data", (b["data"].get("id"), b["data"].get("status"), b["data"].get("amount_due")),
                     (inv["id"], "paid", 0))
            if b["type"] == "payment.created":
                c.eq("payment.created data", (b["data"].get("id"), b["data"].get("amount"), b["data"].get("account_id")),
                     (pay["id"], UNIT, acct["id"]))
            if b["type"] == "account.created":
                c.eq("account.created data", (b["data"].get("id"), b["data"].get("number")), (acct["id"], "H-1"))
        for t in ("account.created", "invoice.finalized", "bill_run.completed", "payment.created", "invoice.paid"):
            c.true(f"{t} delivered", t in seen)

        # --- an endpoint answering 500: retried on the test clock, failed after 8 ----------
        st, bad, _ = call("POST", "/v1/webhook-endpoints", {"url": rx.url("/fail"),
                                                           "event_types": ["payment.created"]})
        c.eq("second endpoint created", st, 201)
        rx.set_secret("/fail", bad["secret"])
        rx.set_mode("/fail", "fail500")
        ok_before = len(rx.deliveries("/ok"))
        st, pay2, _ = call("POST", "/v1/payments", {"account_id": acct["id"], "method": "cheque",
                                                   "amount": 1234, "reference": "CHK 78"})
        c.eq("second payment", st, 201)

        def only_row(ep_id, attempts):
            def f():
                rs = deliveries(ep_id)
                return rs[0] if len(rs) == 1 and rs[0]["attempts"] >= attempts and rs[0]["last_code"] is not None \
                    and (rs[0]["status"] != "pending" or rs[0]["next_attempt_at"]) else None
            return f

        history = []
        row = wait_for("the first attempt at /fail", only_row(bad["id"], 1))
        history.append((row["attempts"], row["status"], row["last_code"]))
        for n in range(2, MAX_ATTEMPTS + 1):
            time.sleep(0.3)
            c.eq(f"attempt {n - 1}: no retry before the test clock moves", deliveries(bad["id"])[0]["attempts"], n - 1)
            st, _, _ = call("POST", "/v1/clock/advance", {"days": 1})
            c.eq("advance a day", st, 200)
            row = wait_for(f"attempt {n} at /fail", lambda: (lambda r: r if r and (r["attempts"] >= n and
                           (r["status"] == "failed" or (r["last_code"] and r["next_attempt_at"] and
                            r["next_attempt_at"] > row["next_attempt_at"]))) else None)(
                               (deliveries(bad["id"]) or [None])[0]))
            history.append((row["attempts"], row["status"], row["last_code"]))
        want = [(n, "pending", 500) for n in range(1, MAX_ATTEMPTS)] + [(MAX_ATTEMPTS, "failed", 500)]
        c.eq("attempts grow with the test clock, then failed", history, want)
        c.eq("failed row says why", row["last_error"], "HTTP 500")
        failing = rx.deliveries("/fail")
        c.eq("the receiver saw 8 attempts", len(failing), MAX_ATTEMPTS)
        c.eq("all 8 with the same webhook-id", {x["webhook_id"] for x in failing}, {row["webhook_id"]})
        c.true("all 8 signed correctly", all(x["signature_ok"] for x in failing))
        c.eq("all 8 answered 500", {x["status"] for x in failing}, {500})
        c.eq("listed under status=failed", [r["id"] for r in deliveries(bad["id"], "failed")], [row["id"]])
        st, _, _ = call("POST", "/v1/clock/advance", {"days": 2})
        time.sleep(0.5)
        c.eq("a failed delivery is not retried", len(rx.deliveries("/fail")), MAX_ATTEMPTS)
        c.eq("the /ok endpoint got payment.created once more meanwhile",
             [x["body"]["type"] for x in rx.deliveries("/ok")[ok_before:]], ["payment.created"])

        # Resend once fixed: the same webhook-id.
        rx.set_mode("/fail", "ok")
        st, re_row, _ = call("POST", f"/v1/outbox/{row['id']}/resend")
        c.eq("resend accepted", (st, re_row.get("status"), re_row.get("attempts")), (200, "pending", 0))
        wait_for("the resent message", lambda: len(rx.deliveries("/fail")) == MAX_ATTEMPTS + 1)
        last = rx.deliveries("/fail")[-1]
        c.eq("resent with the same webhook-id", last["webhook_id"], row["webhook_id"])
        c.eq("resent and accepted", (last["signature_ok"], last["status"]), (True, 200))
        c.eq("same body as before", last["body"], failing[0]["body"])
        row = wait_for("the resent row recorded as sent",
                       lambda: (lambda r: r if r["status"] == "sent" else None)(deliveries(bad["id"])[0]))
        c.eq("resent row", (row["status"], row["attempts"], row["last_code"]), ("sent", 1, 200))
        st, _, _ = call("POST", "/v1/outbox/999999/resend")
        c.eq("resend of an unknown message: 404", st, 404)

        # --- an endpoint that never answers: timed out, retried -----------------------------
        st, hang, _ = call("POST", "/v1/webhook-endpoints", {"url": rx.url("/hang"),
                                                            "event_types": ["account.updated"]})
        rx.set_secret("/hang", hang["secret"])
        rx.set_mode("/hang", "hang")
        t0 = time.time()
        st, _, _ = call("PATCH", f"/v1/accounts/{acct['id']}", {"name": "Hooked Dental & Ortho"})
        c.eq("account updated", st, 200)
        row = wait_for("the hanging attempt to time out",
                       lambda: (lambda rs: rs[0] if rs and rs[0]["last_error"] else None)(deliveries(hang["id"])),
                       timeout=40)
        took = time.time() - t0
        c.eq("hang: still pending after the timeout", (row["status"], row["attempts"]), ("pending", 1))
        c.true(f"hang: last_error says it timed out ({row['last_error']!r})",
               "time" in row["last_error"].lower())
        c.true(f"hang: given up after about 10 s ({took:.1f} s)", 8 <= took <= 30)
        c.eq("hang: the receiver saw it once", len(rx.deliveries("/hang")), 1)
        rx.set_mode("/hang", "ok")
        call("POST", "/v1/clock/advance", {"days": 1})
        row = wait_for("the hang endpoint's retry",
                       lambda: (lambda rs: rs[0] if rs and rs[0]["status"] == "sent" else None)(deliveries(hang["id"])))
        c.eq("hang: sent on the retry", (row["attempts"], row["last_code"]), (2, 200))
        hd = rx.deliveries("/hang")
        c.eq("hang: same webhook-id both times", [x["webhook_id"] for x in hd], [row["webhook_id"]] * 2)
        c.true("hang: both signed", all(x["signature_ok"] for x in hd))

        # --- every delivery to every path verified ----------------------------------------
        everything = rx.deliveries()
        c.eq("no delivery failed verification", [x for x in everything if not x["signature_ok"]], [])
        st, metrics, _ = srv.request("GET", "/metrics")
        c.true("metrics: no webhook pending or failed now",
               b'remit_outbox{channel="webhook",state="pending"} 0' in metrics and
               b'remit_outbox{channel="webhook",state="failed"} 0' in metrics)

        # --- a live tenant: private targets and bad event types refused -------------------
        public = "https://203.0.113.10/hooks"  # TEST-NET-3: passes the check; never contacted
        cases = [
            ("loopback", {"url": "http://127.0.0.1:9/x", "event_types": ["*"]}, "url"),
            ("private 10/8", {"url": "http://10.0.0.1/x", "event_types": ["*"]}, "url"),
            ("localhost", {"url": "http://localhost:8080/x", "event_types": ["*"]}, "url"),
            ("IPv6 loopback", {"url": "http://[::1]/x", "event_types": ["*"]}, "url"),
            ("decimal loopback", {"url": "http://2130706433/x", "event_types": ["*"]}, "url"),
            ("link-local metadata", {"url": "http://169.254.169.254/latest", "event_types": ["*"]}, "url"),
            ("not http", {"url": "ftp://203.0.113.10/x", "event_types": ["*"]}, "url"),
            ("unknown event type", {"url": public, "event_types": ["invoice.nope"]}, "event_types[0]"),
            ("unknown second type", {"url": public, "event_types": ["invoice.paid", "nope"]}, "event_types[1]"),
            ("missing event_types", {"url": public}, "event_types"),
            ("empty event_types", {"url": public, "event_types": []}, "event_types"),
        ]
        for what, body, field in cases:
            st, err, _ = call("POST", "/v1/webhook-endpoints", body, k=live_key)
            got_field = err.get("error", {}).get("field") if isinstance(err, dict) else None
            c.eq(f"live tenant, {what}: 400 naming {field}", (st, got_field), (400, field))
        st, page, _ = call("GET", "/v1/webhook-endpoints", k=live_key)
        c.eq("live tenant: no endpoint was created", (st, page.get("data")), (200, []))
        st, page, _ = call("GET", "/v1/webhook-endpoints")
        c.eq("test tenant: its three endpoints", len(page["data"]), 3)
    finally:
        code = srv.stop()
        rx.stop()
    c.eq("graceful stop", code, 0)
    c.finish()
