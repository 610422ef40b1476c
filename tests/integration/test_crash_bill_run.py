"""Issue 2 item 4: kill -9 a bill run halfway, run it again: exactly one invoice per account,
stream and period, gapless numbers, and a ledger that verifies."""
import signal
import subprocess
import time

from remit import BIN, Checks, TempDir, new_db, run, sql

ACCOUNTS = 6000

with TempDir() as d:
    db = new_db(d, "crash")
    run("bench", "seed", "--accounts", ACCOUNTS, db=db)
    checks = Checks()
    proc = subprocess.Popen([BIN, "--db", db, "bill-run", "--tenant", "1", "--chunk", "25"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    count = lambda q: sql(db, q)[0][0]
    seen = 0
    deadline = time.time() + 300
    while time.time() < deadline and proc.poll() is None:
        seen = count("SELECT COUNT(*) FROM invoices")
        if seen >= ACCOUNTS // 2:
            break
        time.sleep(0.02)
    killed = proc.poll() is None
    if killed:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    checks.true("the run was killed halfway (not finished before the kill)", killed)
    partial = count("SELECT COUNT(*) FROM invoices")
    checks.true(f"some but not all invoices existed at the kill ({partial})",
                0 < partial < 2 * ACCOUNTS)
    checks.eq("the killed run is still marked running",
              count("SELECT COUNT(*) FROM bill_runs WHERE status = 'running'"), 1)

    run("bill-run", "--tenant", "1", db=db)
    run("bill-run", "--tenant", "1", db=db)  # a second time: nothing new

    rows = sql(db, "SELECT account_id, stream, cycle_end, COUNT(*) FROM invoices "
                   "GROUP BY account_id, stream, cycle_end")
    checks.eq("one invoice per account for each stream", len(rows), 2 * ACCOUNTS)
    checks.eq("no duplicates", max(r[3] for r in rows), 1)
    checks.eq("every account invoiced on both streams",
              sorted({r[1] for r in rows}), ["recurring", "services"])
    nums = [r[0] for r in sql(db, "SELECT number FROM invoices ORDER BY number")]
    checks.eq("invoice numbers 1..N without gaps", nums, list(range(1, 2 * ACCOUNTS + 1)))
    checks.eq("all runs done",
              count("SELECT COUNT(*) FROM bill_runs WHERE status <> 'done'"), 0)
    usage_left = count("SELECT COUNT(*) FROM usage_records WHERE invoice_id IS NULL")
    checks.eq("all usage invoiced exactly once", usage_left, 0)
    lines_per_sub = count(
        "SELECT MAX(c) FROM (SELECT subscription_id, cycle_start, COUNT(*) AS c FROM invoice_lines "
        "WHERE subscription_id IS NOT NULL AND kind = 'recurring' GROUP BY subscription_id, cycle_start) x")
    checks.eq("no subscription period billed twice", lines_per_sub, 1)
    v = run("verify", db=db, check=False)
    checks.eq("remit verify exit code", v.returncode, 0)
    checks.true("remit verify says OK", "OK" in v.stdout)
    checks.finish()
