"""Relevance evaluation: precision@5, recall and nDCG@10 over a judged query set."""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from bigsearch.errors import ConfigError, QueryError
from bigsearch.messages import t
from bigsearch.search.searcher import Searcher


@dataclass
class QueryScore:
    query: str
    relevant: int
    found: int
    precision_at_5: float
    recall: float
    ndcg_at_10: float
    missing: list[str]


@dataclass
class Evaluation:
    scores: list[QueryScore]
    judged: int = 0  # paragraphs judged relevant to some query
    absent: list[str] = field(default_factory=list)  # judged paragraphs this index does not hold

    @property
    def other_corpus(self) -> bool:
        """The judgments name paragraphs of another corpus: this index holds none of them."""
        return bool(self.judged) and len(self.absent) == self.judged

    def mean(self, name: str) -> float:
        return sum(getattr(s, name) for s in self.scores) / len(self.scores) if self.scores else 0.0


def load_judgments(path: Path) -> list[tuple[str, list[str]]]:
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(t("eval.no_file", path=path)) from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(t("eval.bad_toml", path=path, problem=exc)) from exc
    return [(entry["q"], list(entry["relevant"])) for entry in data.get("query", [])]


def ndcg(ranked: list[str], relevant: set[str], k: int = 10) -> float:
    gains = sum(1 / math.log2(i + 2) for i, hit in enumerate(ranked[:k]) if hit in relevant)
    ideal = sum(1 / math.log2(i + 2) for i in range(min(k, len(relevant))))
    return gains / ideal if ideal else 0.0


def evaluate(searcher: Searcher, judgments: list[tuple[str, list[str]]]) -> Evaluation:
    judged = sorted({paragraph for _, relevant in judgments for paragraph in relevant})
    absent = [paragraph for paragraph in judged if searcher.engine.paragraph(paragraph) is None]
    if judged and len(absent) == len(judged):
        return Evaluation([], len(judged), absent)  # another corpus: no figure would mean anything
    scores = []
    for query, relevant_ids in judgments:
        relevant = set(relevant_ids)
        try:
            ranked = [hit.id for hit in searcher.search(query, limit=1000, facets=False).hits]
        except QueryError:  # a name or value this index does not hold: the query finds nothing here
            ranked = []
        found = relevant & set(ranked)
        scores.append(
            QueryScore(
                query=query,
                relevant=len(relevant),
                found=len(found),
                precision_at_5=sum(1 for hit in ranked[:5] if hit in relevant) / 5,
                recall=len(found) / len(relevant) if relevant else 1.0,
                ndcg_at_10=ndcg(ranked, relevant),
                missing=sorted(relevant - found),
            )
        )
    return Evaluation(scores, len(judged), absent)
