"""The logic of two charter rules: model downloads from the hub (CDR105, `downloads.py`) and AI
answering the public from a web route (CDR302, `public.py`). Both consume the per-file facts of the
detection pass alone (detect/hubenv.py, detect/python/routelinks.py) and read no file; their
entries are cadre_hooks/checks/downloads.py and checks/public.py, where they can move."""
