"""Indexing's progress on a terminal: one bar whose label names the stage the sync is in —
reading (files compared with the index), analysing (each changed file, by name), committing —
so the bar never sits full and silent while the engine commits. Drawn on stderr, gone when done.
"""

from __future__ import annotations

from bigsearch.messages import t
from bigsearch.textsafe import printable

NAME_WIDTH = 40


class StageBar:
    def __init__(self) -> None:
        from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn

        from bigsearch.cli.render import console

        self.bar = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                            TextColumn("{task.fields[count]}"), console=console(stderr=True), transient=True)
        self.task = None
        self.current: str | None = None

    def __enter__(self) -> StageBar:
        self.bar.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self.bar.__exit__(*exc)

    def stage(self, name: str, done: int, total: int | None) -> None:
        """The sync's Stages callback. A new stage is a new bar, drawn at once with its label; a
        stage without a total (committing) pulses."""
        count = f"{done}/{total}" if total is not None else ""
        if name == self.current:
            self.bar.update(self.task, completed=done, count=count)
            return
        self.current = name
        if self.task is not None:
            self.bar.remove_task(self.task)
        self.task = self.bar.add_task(t(f"progress.{name}"), total=total, completed=done, count=count)
        self.bar.refresh()

    def file(self, done: int, total: int, name: str) -> None:
        """The sync's Progress callback: the file being analysed, after the stage's label."""
        if self.task is not None:
            self.bar.update(self.task, description=f"{t('progress.analysing')}: {printable(name)[:NAME_WIDTH]}")
