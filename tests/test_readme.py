"""The README's command list and the CLI name the same commands, and its query-field and filter
lists name every facet."""

from __future__ import annotations

import re
from pathlib import Path

import typer

from bigsearch.cli.app import make_app

README = Path(__file__).resolve().parent.parent / "README.md"


def cli_commands() -> set[str]:
    """Every command path of the app: "search", "watch add", …; a group that runs alone counts too."""
    app = make_app()
    paths = {command.name for command in app.registered_commands}
    for group in app.registered_groups:
        sub: typer.Typer = group.typer_instance
        paths |= {f"{group.name} {command.name}" for command in sub.registered_commands}
        if sub.registered_callback and sub.registered_callback.invoke_without_command:
            paths.add(group.name)
    return paths


def readme_commands() -> set[str]:
    """The command paths of README's "Using it" list: `bigsearch a | b | c` names three."""
    text = README.read_text("utf-8")
    block = text.split("## Using it", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    groups = {group.name for group in make_app().registered_groups}
    found = set()
    for line in block.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line.startswith("bigsearch "):
            continue
        for segment in line.removeprefix("bigsearch ").split(" | "):
            words = segment.split()
            if words[0] in groups and len(words) > 1 and re.fullmatch(r"[a-z]+", words[1]) and \
                    f"{words[0]} {words[1]}" in cli_commands():
                found.add(f"{words[0]} {words[1]}")
            else:
                found.add(words[0])
    return found


def test_readme_lists_exactly_the_cli_commands():
    assert readme_commands() == cli_commands()


def test_readme_names_every_facet_in_the_query_language_and_the_api():
    from bigsearch.facets import FACETS

    text = README.read_text("utf-8")
    for facet in FACETS:
        for name in facet.query_names:
            assert f"{name}:" in text, name
        for option in facet.options:
            assert f"`{option.name}`" in text, option.name


def test_readme_engine_table_lists_exactly_the_engine_table():
    from bigsearch.engines.registry import ENGINES

    section = README.read_text("utf-8").split("## Engines", 1)[1].split("\n## ", 1)[0]
    assert set(re.findall(r"^\| `(\w+)` \|", section, re.MULTILINE)) == set(ENGINES)
