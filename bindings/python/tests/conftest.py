# SPDX-License-Identifier: LGPL-2.1-or-later
"""Fixtures: a real mount of a FileSystem in this process, served by a
background thread, unmounted afterwards whatever happened."""
import os
import subprocess
import sys
import tempfile
import threading

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [os.path.dirname(HERE), os.path.join(os.path.dirname(HERE),
                                                    "examples")]
import fsp  # noqa: E402


def _mounted(path):
    with open("/proc/self/mountinfo") as f:
        return any(line.split()[4] == path for line in f)


class Mounted:
    def __init__(self, fs, options="", params=None, **kw):
        self.dir = tempfile.mkdtemp(prefix="fsp-pytest.")
        try:
            self.mount = fsp.Mount(fs, self.dir, options, params, **kw)
        except BaseException:
            os.rmdir(self.dir)
            raise
        self.errors = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        try:
            self.mount.run(signals=False)
        except Exception as e:  # reported by the test that waits for it
            self.errors.append(e)

    def path(self, *names):
        return os.path.join(self.dir, *names)

    def close(self):
        self.mount.stop()
        self.thread.join(30)
        if _mounted(self.dir):
            subprocess.run(["umount", "-l", self.dir], check=False)
        self.mount.close()
        os.rmdir(self.dir)


@pytest.fixture
def mounted():
    """mounted(fs, options="", params=None, **Mount's keywords) -> Mounted."""
    made = []

    def make(fs, options="", params=None, **kw):
        m = Mounted(fs, options, params, **kw)
        made.append(m)
        return m
    yield make
    for m in made:
        m.close()
