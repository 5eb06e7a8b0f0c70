"""The load test (issue 5): a seeded department served by gunicorn on PostgreSQL, driven by
Locust's simulated residents, program directors and faculty; `python -m bench.load.run`."""
