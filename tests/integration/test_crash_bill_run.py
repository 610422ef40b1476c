"""Issue 2 item 4: kill -9 a bill run halfway, run it again: exactly one invoice per account,
stream and period, gapless numbers, and a ledger that verifies."""
import os
import signal
import sqlite3
import subprocess
import time

from remit import BIN, Checks, TempDir, run

ACCOUNTS = 6000

with TempDir() as d:
    db = os.path.join(d, "crash.db")
    run("bench", "seed", "--accounts", ACCOUNTS, db=db)
    checks = Checks()
    proc = subprocess.Popen([BIN, "--db", db, "bill-run", "--tenant", "1", "--chunk", "25"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    con = sqlite3.connect(db, timeout=30)
    seen = 0
    deadline = time.time() + 300
    while time.time() < deadline and proc.poll() is None:
        seen = con.execute("SELECT COUNT(*) FROM invoices").fetchone()[0]
        if seen >= ACCOUNTS // 2:
            break
        time.sleep(0.02)
    killed = proc.poll() is None
    if killed:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    checks.true("the run was killed halfway (not finished before the kill)", killed)
    partial = con.execute("SELECT COUNT(*) FROM invoices").fetchone()[0]
    checks.true(f"some but not all invoices existed at the kill ({partial})",
                0 < partial < 2 * ACCOUNTS)
    checks.eq("the killed run is still marked running",
              con.execute("SELECT COUNT(*) FROM bill_runs WHERE status = 'running'").fetchone()[0], 1)

    run("bill-run", "--tenant", "1", db=db)
    run("bill-run", "--tenant", "1", db=db)  # a second time: nothing new

    rows = con.execute("SELECT account_id, stream, cycle_end, COUNT(*) FROM invoices "
                       "GROUP BY account_id, stream, cycle_end").fetchall()
    checks.eq("one invoice per account for each stream", len(rows), 2 * ACCOUNTS)
    checks.eq("no duplicates", max(r[3] for r in rows), 1)
    checks.eq("every account invoiced on both streams",
              sorted({r[1] for r in rows}), ["recurring", "services"])
    nums = [r[0] for r in con.execute("SELECT number FROM invoices ORDER BY number")]
    checks.eq("invoice numbers 1..N without gaps", nums, list(range(1, 2 * ACCOUNTS + 1)))
    checks.eq("all runs done",
              con.execute("SELECT COUNT(*) FROM bill_runs WHERE status <> 'done'").fetchone()[0], 0)
    usage_left = con.execute("SELECT COUNT(*) FROM usage_records WHERE invoice_id IS NULL").fetchone()[0]
    checks.eq("all usage invoiced exactly once", usage_left, 0)
    lines_per_sub = con.execute(
        "SELECT MAX(c) FROM (SELECT subscription_id, cycle_start, COUNT(*) AS c FROM invoice_lines "
        "WHERE subscription_id IS NOT NULL AND kind = 'recurring' GROUP BY subscription_id, cycle_start)"
    ).fetchone()[0]
    checks.eq("no subscription period billed twice", lines_per_sub, 1)
    v = run("verify", db=db, check=False)
    checks.eq("remit verify exit code", v.returncode, 0)
    checks.true("remit verify says OK", "OK" in v.stdout)
    con.close()
    checks.finish()
