#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""A static HTTP/1.1 file server with Range requests, for httpfs2.

python3 -m http.server answers HTTP/1.0 and ignores Range, and httpfs2
needs both.  Usage: range_http.py DIR PORTFILE: binds a free port on
127.0.0.1 and writes its number to PORTFILE once it listens.
"""
import os
import re
import sys
from http.server import HTTPServer, BaseHTTPRequestHandler


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _file(self):
        path = os.path.join(ROOT, os.path.basename(self.path.split("?")[0]))
        return path if os.path.isfile(path) else None

    def _answer(self, body):
        path = self._file()
        if not path:
            self.send_error(404)
            return
        size = os.path.getsize(path)
        start, end = 0, size - 1
        m = re.match(r"bytes=(\d+)-(\d*)$", self.headers.get("Range", ""))
        if m:
            start = int(m.group(1))
            if m.group(2):
                end = min(int(m.group(2)), size - 1)
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        else:
            self.send_response(200)
        length = max(0, end - start + 1)
        self.send_header("Content-Length", str(length))
        self.send_header("Accept-Ranges", "bytes")
        self.end_headers()
        if body and length:
            with open(path, "rb") as f:
                f.seek(start)
                self.wfile.write(f.read(length))

    def do_HEAD(self):
        self._answer(False)

    def do_GET(self):
        self._answer(True)

    def log_message(self, *args):
        pass


ROOT = sys.argv[1]
server = HTTPServer(("127.0.0.1", 0), Handler)
with open(sys.argv[2] + ".tmp", "w") as f:
    f.write("%d\n" % server.server_address[1])
os.rename(sys.argv[2] + ".tmp", sys.argv[2])
server.serve_forever()
