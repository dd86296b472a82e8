"""Screens over the main view: help, and the whole protocol around a hit."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Static

from bigsearch.render import highlighted, where
from bigsearch.search.results import Hit

HELP = """\
[b]bigsearch browse[/b]

  /            sök (fokus på sökrutan)
  Enter        i sökrutan: sök · i listan: öppna hela protokollet
  ↑ ↓  j k     flytta i träfflistan
  PgUp PgDn    en sida upp/ner
  Home End     första/sista träffen
  Tab          byt ruta (sökruta, träffar, filter)
  Enter        i filterrutan: slå på/av filtret
  y            kopiera träffens id
  ?            den här hjälpen
  q  Esc       avsluta (Esc stänger först en öppen ruta)

Frågespråk: ord (alla måste finnas), "fraser", OR, NOT ord / -ord,
fält:värde (huvudman:, person:, plats:, år:), prefix*, fuzzy~
"""


class HelpScreen(ModalScreen):
    BINDINGS = [Binding("escape,q,question_mark", "app.pop_screen", "Stäng")]

    def compose(self) -> ComposeResult:
        yield Static(HELP, id="help")


class ProtocolScreen(Screen):
    """The whole protocol, scrolled to the paragraph that was opened."""

    BINDINGS = [Binding("escape,q", "app.pop_screen", "Tillbaka"), Binding("j", "scroll_down", show=False),
                Binding("k", "scroll_up", show=False)]

    def __init__(self, target: Hit, paragraphs: list[Hit], title: str) -> None:
        super().__init__()
        self.target = target
        self.paragraphs = paragraphs
        self.title_text = title

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="protocol"):
            yield Static(Text(self.title_text, style="bold"), classes="protocol-title")
            last_place = None
            for paragraph in self.paragraphs:
                place = (paragraph.section, paragraph.section_title, paragraph.principal)
                if place != last_place:
                    heading = where(paragraph.section, paragraph.section_title)
                    if paragraph.principal:
                        heading += f" — {paragraph.principal}"
                    yield Static(Text(heading, style="bold cyan"), classes="protocol-heading")
                    last_place = place
                is_target = paragraph.id == self.target.id
                body = highlighted(self.target.text, self.target.highlights) if is_target else Text(paragraph.text)
                yield Static(body, id=f"p-{_safe(paragraph.id)}", classes="target" if is_target else "paragraph")
        yield Footer()

    def on_mount(self) -> None:
        target = self.query_one(f"#p-{_safe(self.target.id)}")
        self.call_after_refresh(lambda: self.query_one("#protocol").scroll_to_widget(target, animate=False, top=True))


def _safe(identifier: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in identifier)
