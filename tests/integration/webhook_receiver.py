"""Helper for the integration tests: a real Standard Webhooks receiver
(tests/node/webhook_receiver.mjs, verifying with the `standardwebhooks` npm package) on
127.0.0.1:0. Standard library only; needs `node` and tests/node/node_modules
(`bash scripts/install-deps.sh` installs both).

    from webhook_receiver import WebhookReceiver
    with WebhookReceiver(secret="whsec_...") as rx:     # default secret for every path
        rx.set_secret("/hooks/b", "whsec_...")         # per-path secret, picked up at once
        rx.set_mode("/hooks/b", "fail500")             # ok | fail500 | hang
        ...point Remit at rx.url("/hooks/b")...
        rx.wait_deliveries(1)
        d = rx.deliveries()[0]   # {"path", "webhook_id", "webhook_timestamp", "signature_ok",
                                 #  "error"?, "body", "received_at", "mode", "status", ...}

Every request gets a log line (written before it is answered); answers: 400 for a bad or
missing signature, else 200 (ok), 500 (fail500) or nothing at all (hang).
"""
import json
import os
import shutil
import tempfile
import time

from peer import Peer

HERE = os.path.dirname(os.path.abspath(__file__))
NODE_DIR = os.path.normpath(os.path.join(HERE, "..", "node"))
SCRIPT = os.path.join(NODE_DIR, "webhook_receiver.mjs")
MODES = ("ok", "fail500", "hang")


def _write_json_atomic(path, value):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(value, f)
    os.replace(tmp, path)


class WebhookReceiver(Peer):
    """WebhookReceiver(secret=None, secrets=None, modes=None)
      secret: default whsec_... secret for paths without their own
      secrets: {path: secret}; modes: {path: "ok"|"fail500"|"hang"} (default "ok")
    .port, .host, .url(path="/") -> "http://127.0.0.1:PORT/path"
    .set_secret(path, secret), .set_mode(path, mode): take effect from the next request
    .deliveries(path=None) -> parsed log lines in arrival order (only that path if given)
    .wait_deliveries(count, path=None, timeout=30) -> deliveries() once there are count
    .stop(): SIGTERM (hanging requests are dropped), wait, remove the temp dir
    Also a context manager.
    """

    host = "127.0.0.1"

    def __init__(self, secret=None, secrets=None, modes=None):
        if not os.path.isdir(os.path.join(NODE_DIR, "node_modules", "standardwebhooks")):
            raise AssertionError(f"{NODE_DIR}/node_modules is missing (the `standardwebhooks` "
                                 "npm package): run `bash scripts/install-deps.sh`")
        node = shutil.which("node") or shutil.which("nodejs")
        if not node:
            raise AssertionError("node is not installed: run `bash scripts/install-deps.sh`")
        self._tmp = tempfile.mkdtemp(prefix="remit-webhooks-")
        self.secrets_path = os.path.join(self._tmp, "secrets.json")
        self.modes_path = os.path.join(self._tmp, "modes.json")
        self.log_path = os.path.join(self._tmp, "deliveries.jsonl")
        self._secrets = dict(secrets or {})
        self._modes = {}
        for path, mode in (modes or {}).items():
            self._check_mode(mode)
            self._modes[path] = mode
        _write_json_atomic(self.secrets_path, self._secrets)
        _write_json_atomic(self.modes_path, self._modes)
        cmd = [node, SCRIPT, "--port", "0", "--secrets", self.secrets_path,
               "--modes", self.modes_path, "--log", self.log_path]
        if secret:
            cmd += ["--secret", secret]
        self._start(cmd, r"webhook receiver listening on 127\.0\.0\.1:(\d+)\n", "webhook receiver",
                    cwd=NODE_DIR)

    @staticmethod
    def _check_mode(mode):
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, not {mode!r}")

    def url(self, path="/"):
        if not path.startswith("/"):
            path = "/" + path
        return f"http://{self.host}:{self.port}{path}"

    def set_secret(self, path, secret):
        self._secrets[path] = secret
        _write_json_atomic(self.secrets_path, self._secrets)

    def set_mode(self, path, mode):
        self._check_mode(mode)
        self._modes[path] = mode
        _write_json_atomic(self.modes_path, self._modes)

    def deliveries(self, path=None):
        try:
            with open(self.log_path, "rb") as f:
                data = f.read()
        except FileNotFoundError:
            return []
        out = []
        for line in data.split(b"\n")[:-1]:  # a last line without "\n" is still being written
            if line:
                d = json.loads(line)
                if path is None or d.get("path") == path:
                    out.append(d)
        return out

    def wait_deliveries(self, count, path=None, timeout=30):
        deadline = time.time() + timeout
        while True:
            got = self.deliveries(path)
            if len(got) >= count:
                return got
            if time.time() > deadline:
                raise AssertionError(f"webhook receiver has {len(got)} deliveries"
                                     f"{' to ' + path if path else ''}, wanted {count}")
            if self.proc.poll() is not None:
                raise AssertionError(f"webhook receiver exited ({self.proc.returncode})")
            time.sleep(0.02)
