# SPDX-License-Identifier: LGPL-2.1-or-later
"""Bundles the libfsp.so.1 of the checkout (../../build, or FSP_LIBRARY)
into the package when one is built, so that `pip install ./bindings/python`
after `make` gives a package that works without `make install`.  Without
one the package uses the system's libfsp.so.1."""
import os
import shutil

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = os.path.dirname(os.path.abspath(__file__))


class BuildPy(build_py):
    def run(self):
        super().run()
        lib = os.environ.get("FSP_LIBRARY") or os.path.join(
            HERE, "..", "..", "build", "libfsp.so.1")
        if os.path.exists(lib):
            dest = os.path.join(self.build_lib, "fsp", "libfsp.so.1")
            shutil.copyfile(lib, dest)
            print("fsp: bundling %s" % os.path.realpath(lib))


setup(cmdclass={"build_py": BuildPy})
