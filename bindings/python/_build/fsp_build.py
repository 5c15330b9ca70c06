# SPDX-License-Identifier: LGPL-2.1-or-later
"""The fsp package's own PEP 517 build backend, standard library only.

Why not setuptools: pip builds a package in an isolated environment and
installs the backend the package asks for into it first, from PyPI; with
setuptools that fails offline.  This backend needs nothing to be
installed (pyproject.toml: requires = [], backend-path = ["_build"]), so
`pip install ./bindings/python` works with no network and in a plain venv.

What it builds:
- a wheel of the fsp package, with the checkout's libfsp.so.1 bundled into
  it when one is built (FSP_LIBRARY, else ../../build/libfsp.so.1): the
  package then works without `make install`.  With a library inside, the
  wheel is tagged for this platform; without, it is pure (py3-none-any)
  and uses the system's libfsp.so.1.
- an sdist (the package, this backend, pyproject.toml, README.md, PKG-INFO);
- an editable wheel: one .pth file putting this directory on sys.path,
  so the checkout's fsp (and its build/libfsp.so.1) is what gets imported.
"""
import ast
import base64
import hashlib
import io
import os
import re
import sysconfig
import tarfile
import time
import zipfile

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGE = "fsp"
SDIST_FILES = ["pyproject.toml", "README.md", "_build/fsp_build.py"]


# ---- metadata (from pyproject.toml's [project]) ---------------------------

def _project():
    path = os.path.join(HERE, "pyproject.toml")
    try:
        import tomllib
    except ImportError:   # Python < 3.11: the small subset this file uses
        return _parse_project(open(path, encoding="utf-8").read())
    with open(path, "rb") as f:
        return tomllib.load(f)["project"]


def _parse_project(text):
    """key = value lines of the [project] table: strings, lists of strings
    on one line, and inline tables of strings ({text = "..."})."""
    out, inside = {}, False
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("["):
            inside = line == "[project]"
            continue
        if not inside or not line or line.startswith("#"):
            continue
        key, _, value = (p.strip() for p in line.partition("="))
        m = re.fullmatch(r"\{(.*)\}", value)
        if m:
            out[key] = {k.strip(): ast.literal_eval(v.strip()) for k, v in
                        (kv.split("=", 1) for kv in m.group(1).split(","))}
        else:
            out[key] = ast.literal_eval(value)
    return out


def _metadata():
    p = _project()
    lines = ["Metadata-Version: 2.1", "Name: " + p["name"],
             "Version: " + p["version"], "Summary: " + p["description"]]
    if "requires-python" in p:
        lines.append("Requires-Python: " + p["requires-python"])
    lic = p.get("license", {})
    if "text" in lic:
        lines.append("License: " + lic["text"])
    lines += ["Classifier: " + c for c in p.get("classifiers", [])]
    body = ""
    if "readme" in p:
        lines.append("Description-Content-Type: text/markdown")
        with open(os.path.join(HERE, p["readme"]), encoding="utf-8") as f:
            body = "\n" + f.read()
    return p["name"], p["version"], "\n".join(lines) + "\n" + body


# ---- wheels ------------------------------------------------------------

def _library():
    lib = os.environ.get("FSP_LIBRARY") or os.path.join(
        HERE, "..", "..", "build", "libfsp.so.1")
    return lib if os.path.isfile(lib) else None


def _package_files():
    """(archive name, path) of the package's modules, sorted."""
    top = os.path.join(HERE, PACKAGE)
    return [(PACKAGE + "/" + n, os.path.join(top, n))
            for n in sorted(os.listdir(top)) if n.endswith(".py")]


class _Wheel:
    """A wheel being written: every file is hashed for RECORD."""

    def __init__(self, path):
        self.zip = zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED)
        self.record = []

    def add(self, name, data, mode=0o644):
        info = zipfile.ZipInfo(name, date_time=time.gmtime(
            int(os.environ.get("SOURCE_DATE_EPOCH", 315532800)))[:6])
        info.external_attr = (0o100000 | mode) << 16
        info.compress_type = zipfile.ZIP_DEFLATED
        self.zip.writestr(info, data)
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest())
        self.record.append("%s,sha256=%s,%d"
                           % (name, digest.rstrip(b"=").decode(), len(data)))

    def close(self, dist_info):
        record = dist_info + "/RECORD"
        data = "\n".join(self.record + [record + ",,"]) + "\n"
        self.add_raw(record, data.encode())
        self.zip.close()

    def add_raw(self, name, data):
        info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
        info.external_attr = 0o100644 << 16
        info.compress_type = zipfile.ZIP_DEFLATED
        self.zip.writestr(info, data)


def _dist_info(wheel, name, version, metadata, tag, purelib):
    dist_info = "%s-%s.dist-info" % (name, version)
    wheel.add(dist_info + "/METADATA", metadata.encode())
    wheel.add(dist_info + "/WHEEL", (
        "Wheel-Version: 1.0\nGenerator: fsp_build\n"
        "Root-Is-Purelib: %s\nTag: %s\n"
        % ("true" if purelib else "false", tag)).encode())
    wheel.add(dist_info + "/top_level.txt", (PACKAGE + "\n").encode())
    return dist_info


def _write_wheel(directory, editable):
    name, version, metadata = _metadata()
    lib = None if editable else _library()
    tag = "py3-none-" + (sysconfig.get_platform().replace("-", "_")
                         .replace(".", "_") if lib else "any")
    filename = "%s-%s-%s.whl" % (name, version, tag)
    wheel = _Wheel(os.path.join(directory, filename))
    if editable:
        wheel.add("__editable__.%s.pth" % name, (HERE + "\n").encode())
    else:
        for arcname, path in _package_files():
            with open(path, "rb") as f:
                wheel.add(arcname, f.read())
        if lib:
            with open(lib, "rb") as f:   # the file, not the symlink
                wheel.add(PACKAGE + "/libfsp.so.1", f.read(), 0o755)
    wheel.close(_dist_info(wheel, name, version, metadata, tag, not lib))
    return filename


# ---- PEP 517 / PEP 660 hooks -----------------------------------------

def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def get_requires_for_build_editable(config_settings=None):
    return []


def build_wheel(wheel_directory, config_settings=None,
                metadata_directory=None):
    return _write_wheel(wheel_directory, editable=False)


def build_editable(wheel_directory, config_settings=None,
                   metadata_directory=None):
    return _write_wheel(wheel_directory, editable=True)


def build_sdist(sdist_directory, config_settings=None):
    name, version, metadata = _metadata()
    base = "%s-%s" % (name, version)
    filename = base + ".tar.gz"
    files = SDIST_FILES + [a for a, _ in _package_files()]
    mtime = int(os.environ.get("SOURCE_DATE_EPOCH", time.time()))
    with tarfile.open(os.path.join(sdist_directory, filename), "w:gz",
                      format=tarfile.PAX_FORMAT) as tar:
        def add(arcname, data):
            info = tarfile.TarInfo(base + "/" + arcname)
            info.size, info.mtime, info.mode = len(data), mtime, 0o644
            tar.addfile(info, io.BytesIO(data))
        for arcname in files:
            with open(os.path.join(HERE, arcname), "rb") as f:
                add(arcname, f.read())
        add("PKG-INFO", metadata.encode())
    return filename
