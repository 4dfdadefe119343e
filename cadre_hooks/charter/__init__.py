"""The logic of two charter rules that still read files of the repository: model downloads from
the hub (CDR105, `downloads.py`, with `hubenv.py`) and AI answering the public from a web route
(CDR302, `public.py`). Their entries are cadre_hooks/checks/downloads.py and checks/public.py;
the modules move there once they consume the per-file facts alone."""
