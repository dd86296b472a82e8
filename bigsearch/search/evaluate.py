"""Relevance evaluation: precision@5, recall and nDCG@10 over a judged query set."""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from pathlib import Path

from bigsearch.errors import ConfigError
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

    def mean(self, name: str) -> float:
        return sum(getattr(s, name) for s in self.scores) / len(self.scores) if self.scores else 0.0


def load_judgments(path: Path) -> list[tuple[str, list[str]]]:
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"no relevance judgments at {path} — pass --queries FILE") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML ({exc}) — fix the file") from exc
    return [(entry["q"], list(entry["relevant"])) for entry in data.get("query", [])]


def ndcg(ranked: list[str], relevant: set[str], k: int = 10) -> float:
    gains = sum(1 / math.log2(i + 2) for i, hit in enumerate(ranked[:k]) if hit in relevant)
    ideal = sum(1 / math.log2(i + 2) for i in range(min(k, len(relevant))))
    return gains / ideal if ideal else 0.0


def evaluate(searcher: Searcher, judgments: list[tuple[str, list[str]]]) -> Evaluation:
    scores = []
    for query, relevant_ids in judgments:
        relevant = set(relevant_ids)
        result = searcher.search(query, limit=1000, facets=False)
        ranked = [hit.id for hit in result.hits]
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
    return Evaluation(scores)
