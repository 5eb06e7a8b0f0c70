"""Benchmark programs (generate.py) and the solver benchmark that runs on them (run.py); the
grid page (grid.py), case logs at scale (caselog.py) and the web app under load (load/)."""
