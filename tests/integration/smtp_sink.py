"""A real SMTP server for the integration tests (Debian's python3-aiosmtpd), and a helper class.

Run as a program (needs the Debian package, so use /usr/bin/python3):

    /usr/bin/python3 tests/integration/smtp_sink.py --dir DIR [--port 0]
        [--mode ok|tempfail|permfail] [--starttls-cert CERT --starttls-key KEY] [--auth USER:PASS]

It binds 127.0.0.1:PORT (0 = a free port), prints exactly one line
`SMTP sink listening on 127.0.0.1:<port>` and then stays quiet on stdout; SIGTERM/SIGINT stop it.

For each message it accepts it writes, each atomically (temp file + rename, .eml first):
  DIR/<n>.eml   the message content exactly as received after DATA (CRLF line endings kept;
                only SMTP dot-stuffing is undone, as RFC 5321 4.5.2 says)
  DIR/<n>.json  {"mail_from", "rcpt_tos": [...], "message_id": Message-ID header value or null,
                 "received_at": unix time float, "n", "tls": bool, "auth_user": str or null}
n counts 1, 2, 3, ... (continuing after the highest n already in DIR). Nothing is fsynced.

Mode: `--mode` is the starting mode; a file DIR/mode holding ok|tempfail|permfail overrides it
and is read again at the first RCPT of every transaction:
  ok        accept everything
  tempfail  RCPT is accepted, DATA answers "451 4.3.0 try again later" (nothing stored)
  permfail  RCPT answers "550 5.1.1 mailbox unavailable"

STARTTLS: with --starttls-cert/--starttls-key the server offers STARTTLS and requires it before
MAIL/AUTH. AUTH: with --auth USER:PASS it offers AUTH PLAIN and LOGIN (also without TLS) and
requires a successful AUTH before MAIL; wrong credentials get 535. A test makes a throwaway
certificate with openssl (make_test_cert() below does exactly this):

    openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost -days 1 \\
        -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout key.pem -out cert.pem

and gives cert.pem to the client as its CA file (libcurl: CURLOPT_CAINFO) or turns
verification off.

As a module (standard library only; the server itself still runs under /usr/bin/python3):

    from smtp_sink import SmtpSink, make_test_cert
    with SmtpSink() as sink:                 # or SmtpSink(mode=, starttls_cert=, starttls_key=, auth="u:p")
        ...send to 127.0.0.1:sink.port...
        sink.wait_messages(1)
        meta, msg = sink.messages()[0]     # dict, email.message.EmailMessage (policy=default)
        sink.set_mode("tempfail")
SmtpSink keeps DIR under /dev/shm when it can (see _fast_tmp: ext4 file creation after mass
deletes is slow enough to cap the sink below 1,000 messages/s); $REMIT_SMTP_SINK_TMP overrides.
Lines of DATA longer than 1,000 bytes with CRLF get "500 Line too long", messages over 32 MiB
"552", as with stock aiosmtpd.
"""
import argparse
import email
import email.policy
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

from peer import Peer

MODES = ("ok", "tempfail", "permfail")
SCRIPT = os.path.abspath(__file__)
# aiosmtpd is a Debian package: it is importable by the system interpreter, maybe not by others.
PYTHON = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable

_MSGID = re.compile(rb"^message-id[ \t]*:[ \t]*((?:.*)(?:\r?\n[ \t].*)*)", re.I | re.M)


def _message_id(raw):
    end = raw.find(b"\r\n\r\n")
    head = raw if end < 0 else raw[:end + 2]
    m = _MSGID.search(head)
    if not m:
        return None
    return re.sub(rb"\r?\n[ \t]+", b" ", m.group(1)).strip().decode("utf-8", "replace")


def _write_atomic(path, data):
    tmp = os.path.join(os.path.dirname(path), "." + os.path.basename(path) + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)
    os.replace(tmp, path)


class _Handler:
    def __init__(self, directory, mode):
        self.dir = directory
        self.default_mode = mode
        self.mode_path = os.path.join(directory, "mode")
        self.n = 0
        for name in os.listdir(directory):
            stem, ext = os.path.splitext(name)
            if ext in (".eml", ".json") and stem.isdigit():
                self.n = max(self.n, int(stem))

    def current_mode(self):
        try:
            with open(self.mode_path, "rb") as f:
                m = f.read().decode("ascii", "replace").strip()
        except FileNotFoundError:
            return self.default_mode
        return m if m in MODES else self.default_mode

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        mode = getattr(envelope, "sink_mode", None)
        if mode is None:  # first RCPT of this transaction
            mode = envelope.sink_mode = self.current_mode()
        if mode == "permfail":
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        mode = getattr(envelope, "sink_mode", None) or self.current_mode()
        if mode == "tempfail":
            return "451 4.3.0 try again later"
        if mode == "permfail":
            return "550 5.1.1 mailbox unavailable"
        raw = envelope.original_content
        self.n += 1
        n = self.n
        meta = {
            "n": n,
            "mail_from": envelope.mail_from,
            "rcpt_tos": list(envelope.rcpt_tos),
            "message_id": _message_id(raw),
            "received_at": time.time(),
            "tls": session.ssl is not None,
            "auth_user": session.auth_data if isinstance(session.auth_data, str) else None,
        }
        _write_atomic(os.path.join(self.dir, f"{n}.eml"), raw)
        _write_atomic(os.path.join(self.dir, f"{n}.json"),
                      json.dumps(meta, ensure_ascii=False).encode("utf-8"))
        return f"250 2.0.0 OK queued as {n}"


def main(argv=None):
    ap = argparse.ArgumentParser(description="SMTP sink for Remit's integration tests")
    ap.add_argument("--dir", required=True)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--mode", choices=MODES, default="ok")
    ap.add_argument("--starttls-cert")
    ap.add_argument("--starttls-key")
    ap.add_argument("--auth", help="USER:PASS; makes AUTH required")
    a = ap.parse_args(argv)
    if bool(a.starttls_cert) != bool(a.starttls_key):
        ap.error("--starttls-cert and --starttls-key go together")
    if a.auth is not None and ":" not in a.auth:
        ap.error("--auth wants USER:PASS")

    import asyncio
    import logging
    import ssl
    from aiosmtpd.smtp import MISSING, SMTP, AuthResult

    logging.getLogger("mail.log").setLevel(logging.ERROR)  # no per-command INFO/DEBUG work
    os.makedirs(a.dir, exist_ok=True)
    handler = _Handler(a.dir, a.mode)

    tls_context = None
    if a.starttls_cert:
        tls_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls_context.load_cert_chain(a.starttls_cert, a.starttls_key)

    authenticator = None
    if a.auth is not None:
        user, password = a.auth.split(":", 1)
        want = (user.encode("utf-8"), password.encode("utf-8"))

        def authenticator(server, session, envelope, mechanism, auth_data):
            login = getattr(auth_data, "login", None)
            ok = login is not None and (login, auth_data.password) == want
            return AuthResult(success=ok, handled=False,
                              auth_data=login.decode("utf-8", "replace") if ok else None)

    class FastSMTP(SMTP):
        """aiosmtpd's SMTP with a DATA phase that reads in large chunks: the stock one awaits
        every line separately and its 1001-byte reader limit pauses the socket every 2 KB,
        which costs more than everything else per message. Same replies and limits."""

        async def smtp_DATA(self, arg):
            if await self.check_helo_needed():
                return
            if await self.check_auth_needed("DATA"):
                return
            if not self.envelope.rcpt_tos:
                return await self.push("503 Error: need RCPT command")
            if arg:
                return await self.push("501 Syntax: DATA")
            await self.push("354 End data with <CR><LF>.<CR><LF>")
            reader = self._reader
            if getattr(reader, "_limit", 1 << 16) < 1 << 16:
                reader._limit = 1 << 16  # command lines are still checked by their length
            data = bytearray()
            try:
                while True:  # up to the first ".\r\n" that starts a line
                    try:
                        data += await reader.readuntil(b".\r\n")
                    except asyncio.LimitOverrunError as e:
                        data += await reader.read(e.consumed)
                        continue
                    n = len(data)
                    if n == 3 or (n >= 5 and data[n - 5:n - 3] == b"\r\n"):
                        break
            except asyncio.CancelledError:
                self._writer.close()
                raise
            except asyncio.IncompleteReadError:
                return
            del data[-3:]
            if data.startswith(b"."):
                del data[0]
            raw = bytes(data).replace(b"\r\n.", b"\r\n")  # undo dot-stuffing (RFC 5321 4.5.2)
            if self.data_size_limit and len(raw) > self.data_size_limit:
                status = "552 Error: Too much mail data"
            elif raw and max(map(len, raw.split(b"\r\n"))) + 2 > self.line_length_limit:
                status = "500 Line too long (see RFC5321 4.5.3.1.6)"
            else:
                self.envelope.content = self.envelope.original_content = raw
                status = await self._call_handler_hook("DATA")
            self._set_post_data_state()
            await self.push("250 OK" if status is MISSING else status)

    def factory():
        return FastSMTP(handler, hostname="localhost", enable_SMTPUTF8=True,
                        tls_context=tls_context, require_starttls=tls_context is not None,
                        authenticator=authenticator, auth_required=authenticator is not None,
                        auth_require_tls=False)

    async def serve():
        loop = asyncio.get_running_loop()
        stop = loop.create_future()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, lambda: stop.done() or stop.set_result(None))
        server = await loop.create_server(factory, "127.0.0.1", a.port, backlog=512)
        port = server.sockets[0].getsockname()[1]
        sys.stdout.write(f"SMTP sink listening on 127.0.0.1:{port}\n")
        sys.stdout.flush()
        await stop
        server.close()

    asyncio.run(serve())
    return 0


# ---------------------------------------------------------------------------------------------
# Helpers for tests (standard library only).

def make_test_cert(directory):
    """A self-signed certificate for CN=localhost (SAN localhost, 127.0.0.1), valid one day.
    Returns (cert_path, key_path); the cert doubles as the client's CA file."""
    cert = os.path.join(directory, "smtp-cert.pem")
    key = os.path.join(directory, "smtp-key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                    "-subj", "/CN=localhost", "-days", "1",
                    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                    "-keyout", key, "-out", cert], check=True, capture_output=True)
    return cert, key


def _fast_tmp():
    """/dev/shm when usable: on ext4, creating thousands of files right after other tests
    deleted thousands (inode allocation skips recently deleted inodes) costs ~0.3 ms a file,
    which alone caps the sink below 1,000 messages/s. $REMIT_SMTP_SINK_TMP overrides."""
    d = os.environ.get("REMIT_SMTP_SINK_TMP")
    if d:
        return d
    if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK | os.X_OK):
        return "/dev/shm"
    return None


class SmtpSink(Peer):
    """Runs this file as a subprocess on 127.0.0.1:0 with its own temp dir.

    SmtpSink(mode="ok", starttls_cert=None, starttls_key=None, auth=None, directory=None)
      .port, .host ("127.0.0.1"), .dir (where N.eml/N.json/mode live)
      .messages() -> [(meta dict, EmailMessage)] in arrival order
      .wait_messages(count, timeout=30) -> messages() once at least count are there
      .set_mode("ok"|"tempfail"|"permfail")   takes effect from the next transaction
      .stop()   SIGTERM, wait, remove the temp dir (unless directory= was given)
    Also a context manager.
    """

    host = "127.0.0.1"

    def __init__(self, mode="ok", starttls_cert=None, starttls_key=None, auth=None,
                 directory=None):
        self._tmp = tempfile.mkdtemp(prefix="remit-smtp-", dir=_fast_tmp())
        self.dir = directory or os.path.join(self._tmp, "mail")
        os.makedirs(self.dir, exist_ok=True)
        cmd = [PYTHON, SCRIPT, "--dir", self.dir, "--port", "0", "--mode", mode]
        if starttls_cert:
            cmd += ["--starttls-cert", starttls_cert, "--starttls-key", starttls_key]
        if auth:
            cmd += ["--auth", auth]
        self._start(cmd, r"SMTP sink listening on 127\.0\.0\.1:(\d+)\n", "SMTP sink")

    def set_mode(self, mode):
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
        _write_atomic(os.path.join(self.dir, "mode"), mode.encode("ascii"))

    def _numbers(self):
        # a .json appears only after its .eml is complete
        return sorted(int(name[:-5]) for name in os.listdir(self.dir)
                      if name.endswith(".json") and name[:-5].isdigit())

    def messages(self):
        out = []
        for n in self._numbers():
            with open(os.path.join(self.dir, f"{n}.json"), encoding="utf-8") as f:
                meta = json.load(f)
            with open(os.path.join(self.dir, f"{n}.eml"), "rb") as f:
                msg = email.message_from_binary_file(f, policy=email.policy.default)
            out.append((meta, msg))
        return out

    def raw(self, n):
        """The stored bytes of message n (1-based, as in meta["n"])."""
        with open(os.path.join(self.dir, f"{n}.eml"), "rb") as f:
            return f.read()

    def count(self):
        return len(self._numbers())

    def wait_messages(self, count, timeout=30):
        deadline = time.time() + timeout
        while self.count() < count:
            if time.time() > deadline:
                raise AssertionError(f"SMTP sink has {self.count()} messages, wanted {count}")
            if self.proc.poll() is not None:
                raise AssertionError(f"SMTP sink exited ({self.proc.returncode})")
            time.sleep(0.02)
        return self.messages()


if __name__ == "__main__":
    sys.exit(main())
