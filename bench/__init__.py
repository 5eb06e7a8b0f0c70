"""Benchmark programs (generate.py) and the solver benchmark that runs on them (run.py)."""
