"""Benchmarks: run only when their path is given (pytest addopts ignore this folder)."""
