"""`python manage.py bench_site` (`make bench`): how fast the public site is on a large record.

- `scenarios`: the pages measured, the parameter values each rotates through (chosen from the
  generated record) and the admin changelist address that is each page's equivalent.
- `inprocess`: server time of each page and of its admin equivalent, measured with Django's
  test client inside one process (run as a subprocess in the benchmark's environment).
- `wrk`: throughput and the workers' memory under gunicorn, measured with wrk.
- `report`: percentiles and the `name value unit` lines the command prints.

See docs/benchmarks.md.
"""
