"""A test peer run as a child process on 127.0.0.1 port 0 (the SMTP sink, the webhook
receiver): it prints one line naming its port, or exits; stop() ends it and removes its
temporary folder. Subclasses set self._tmp before calling _start."""
import os
import re
import shutil
import signal
import subprocess


class Peer:
    def _start(self, cmd, pattern, what, cwd=None):
        self._stderr_path = os.path.join(self._tmp, "stderr.log")
        self._stderr = open(self._stderr_path, "wb")
        self.proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=self._stderr,
                                     stdin=subprocess.DEVNULL, text=True)
        line = self.proc.stdout.readline()  # the peer prints its line, or exits
        m = re.fullmatch(pattern, line)
        if not m:
            self.proc.kill()
            self.proc.wait()
            self._stderr.close()
            with open(self._stderr_path, errors="replace") as f:
                err = f.read()
            shutil.rmtree(self._tmp, ignore_errors=True)
            raise AssertionError(f"{what} did not start: {line!r}\n{err}")
        self.port = int(m.group(1))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc.stdout:
            self.proc.stdout.close()
        if not self._stderr.closed:
            self._stderr.close()
        shutil.rmtree(self._tmp, ignore_errors=True)
