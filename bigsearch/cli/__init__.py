"""The command line: parse arguments, call the library (bigsearch.api, bigsearch.search), render.

`entry.main` is the console script; `bigsearch search` is answered there without typer or rich
(the quick parser), everything else by the typer app in `app.py` and its command groups in
`commands/`. This package's __init__ imports nothing: the quick path must stay cheap.
"""
