"""A load test of the whole site: `python manage.py loadtest` (see docs/load-testing.md).

The site runs under gunicorn against a throwaway database while reader threads request
public pages and a separate editor process saves meetings through the admin. The modules:

- `site`: the throwaway database, the server's settings and the gunicorn process;
- `dbtasks`: work done inside the server's environment (migrate, editor account, checks),
  run as `python -m diplomacy.loadtest.dbtasks`;
- `readers`: the reader threads and the mix of pages they request;
- `editor`: the admin editor, run as `python -m diplomacy.loadtest.editor`;
- `http`: the small HTTP/1.1 client both use (standard library only).
"""
