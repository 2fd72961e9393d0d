"""The compiled part of newsspider; everything else is declared in pyproject.toml.

The near-duplicate kernels are Cython, compiled when the package is built: that needs a C
compiler and the Python headers (`gcc` and `python3-dev` on Debian)."""

from setuptools import Extension, setup

setup(ext_modules=[Extension("newsspider.dedup.kernels", ["newsspider/dedup/kernels.pyx"])])
