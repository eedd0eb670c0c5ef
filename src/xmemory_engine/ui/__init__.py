"""The memory page: a local web page to see and correct what an instance holds.

`routes.py` adds the read-only routes the page needs to the engine's API and serves the page
under `/ui/`; `records.py` and `write_log.py` compute what those routes answer; `guard.py`
holds the Host / Origin rules for the engine served over HTTP. The page (`static/`) is plain
HTML, CSS and one JavaScript module, with the graph library vendored, so it works offline and
needs no build step. It changes memory only through `/write`, as an agent does.
"""
