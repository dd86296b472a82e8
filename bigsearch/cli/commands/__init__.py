"""The typer commands, one module per group; cli/app.py registers them."""
