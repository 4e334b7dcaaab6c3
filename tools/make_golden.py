"""Write tests/data/golden_rankings.json: top-10 ids and scores for fixed queries.

The golden file pins the ranking of the bundled sample so that a change of
structure cannot move it silently (``tests/test_golden.py`` compares).  Run
it only when a ranking change is intended, and say why in the commit:

    python tools/make_golden.py
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from newssearch import Searcher, build_index, sample_articles

OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "golden_rankings.json"

#: (query, options): free text, questions, phrases, operators, fields,
#: prefixes, filters and date order, so that every planner branch is pinned.
CASES: list[tuple[str, dict[str, Any]]] = [
    ("Sicherheitsgarantien für die Ukraine", {}),
    ("Wie hoch ist die Arbeitslosigkeit in Österreich?", {}),
    ("Flüchtlinge Grenze Spielfeld", {}),
    ("Flüchtlinge", {}),
    ("Flüchtlingskrise", {}),
    ("Fluechtlinge", {}),
    ("Regierung", {}),
    ("Bundeskanzler Faymann", {}),
    ("Faymann", {}),
    ("Mikl-Leitner", {}),
    ("US-Präsident Obama", {}),
    ("Verteidigungsminister Doskozil", {}),
    ("Arbeitslosenrate Eurozone", {}),
    ("Wiener Gemeinderatswahl", {}),
    ("Fußball Bundesliga Rapid", {}),
    ("Champions League Finale", {}),
    ("Apple iPhone", {}),
    ("Smartphone Akku", {}),
    ("Griechenland Schuldenkrise Euro", {}),
    ("Zentralbank Zinsen", {}),
    ("Wer ist der neue Bundespräsident?", {}),
    ("Wann beginnt die Fußball-EM?", {}),
    ("Was kostet die Steuerreform?", {}),
    ("Terroranschlag Paris", {}),
    ("Syrien Krieg Russland", {}),
    ("Klimawandel Erderwärmung", {}),
    ("Wahlkampf Präsidentschaftswahl", {}),
    ('"Europäische Union"', {}),
    ('"Flüchtlinge an der Grenze"', {}),
    ('"Bundeskanzler Werner Faymann"', {}),
    ("Flüchtlinge AND Deutschland", {}),
    ("Flüchtlinge UND Ungarn", {}),
    ("Regierung NICHT Wien", {}),
    ("Regierung -Wien", {}),
    ("+Wien Bürgermeister", {}),
    ("Griechenland ODER Italien", {}),
    ("(Flüchtlinge OR Asyl) AND Bayern", {}),
    ("title:Flüchtlinge", {}),
    ("titel:Regierung", {}),
    ("section:Sport Tor", {}),
    ("Bundes*", {}),
    ("Flücht*", {}),
    ("Regierung", {"filters": {"section": "Inland"}}),
    ("Flüchtlinge", {"filters": {"section": ["Inland", "International"]}}),
    ("Fußball", {"filters": {"section": "Sport"}}),
    ("Regierung", {"sort": "newest"}),
    ("Flüchtlinge", {"sort": "oldest"}),
    ("Wirtschaft Wachstum", {"facets": ["section"]}),
    ("Ukraine", {"offset": 5, "limit": 10}),
    ("Börse Aktien Kurs", {}),
    ("Internet Datenschutz Facebook", {}),
    ("Schule Bildung Lehrer", {}),
]


def run() -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory() as tmp:
        index, _ = build_index(Path(tmp) / "index", sample_articles())
        with index, Searcher(index) as searcher:
            out = []
            for query, options in CASES:
                result = searcher.search(query, highlight=False, **options)
                out.append(
                    {
                        "query": query,
                        "options": options,
                        "total": result.total,
                        "hits": [
                            [h.id, None if h.score is None else round(h.score, 3)]
                            for h in result.hits
                        ],
                    }
                )
            return out


def main() -> int:
    OUT.write_text(json.dumps(run(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {OUT}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
