"""`bigsearch opensearch …`: helpers for running bigsearch on an OpenSearch cluster."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from bigsearch.cli.params import command


def mapping(
    shards: Annotated[int, typer.Option("--shards", min=1, help="Primary shards.")] = 1,
    replicas: Annotated[int, typer.Option("--replicas", min=0, help="Replicas of each shard.")] = 1,
) -> None:
    """Print the index settings and mappings (the body of PUT /<index>) as JSON."""
    from bigsearch.api import opensearch_index_body

    print(json.dumps(opensearch_index_body(shards, replicas), ensure_ascii=False, indent=2))


def group() -> typer.Typer:
    """`bigsearch opensearch …`."""
    app = typer.Typer(name="opensearch", help="Run bigsearch on an OpenSearch cluster (see README, Scaling out).",
                      no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
                      rich_markup_mode=None)
    command(app, "mapping", mapping)
    return app
