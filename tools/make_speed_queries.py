"""Write ``src/newssearch/bench/speed_queries.json``: the fixed query sets of ``newssearch bench``.

    python tools/make_speed_queries.py

Drawn with a fixed seed from the bundled 10kGNAD sample (whose articles have a
teaser, stored as the lead, but no title) and the XQuAD German questions: short
(1–3 teaser words), long (teaser sentences and questions), phrase (two
neighbouring teaser words in quotes), field (``lead:word``) and filter (a
teaser word, restricted to the article's section).  Run once and
commit the output; the benchmark never regenerates it.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

from newssearch.sample import sample_articles

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "newssearch" / "bench" / "speed_queries.json"
XQUAD = ROOT / "benchmarks" / "data" / "xquad-de-dev" / "queries.jsonl"
WORD = re.compile(r"[A-Za-zÄÖÜäöüß]{4,}")
PER_KIND = 100


def main() -> None:
    rng = random.Random(4)
    articles = [a for a in sample_articles() if len(WORD.findall(a.lead)) >= 2 and a.section]
    questions = [json.loads(line)["text"] for line in XQUAD.read_text("utf-8").splitlines()]
    out: dict[str, list[dict[str, str]]] = {k: [] for k in ("short", "long", "phrase", "field")}
    out["filter"] = []
    for a in rng.sample(articles, PER_KIND):
        words = WORD.findall(a.lead)
        k = rng.randint(1, min(3, len(words)))
        out["short"].append({"text": " ".join(rng.sample(words, k))})
        i = rng.randrange(len(words) - 1)
        out["phrase"].append({"text": f'"{words[i]} {words[i + 1]}"'})
        out["field"].append({"text": f"lead:{rng.choice(words)}"})
        out["filter"].append({"text": rng.choice(words), "section": a.section.lower()})
    leads = [a.lead for a in rng.sample(articles, PER_KIND // 2)]
    out["long"] = [{"text": t} for t in leads + rng.sample(questions, PER_KIND - len(leads))]
    OUT.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
