"""Check the exported German chain against Lucene itself: the share of (position, term) pairs.

    python tools/opensearch_analysis_check.py --jar anserini-1.7.1-fatjar.jar [--java java]
        [--analyzer german|exact] [--articles N]

Indexes the bundled sample (``newssearch.sample_articles``), exports it with
:func:`newssearch.opensearch.export_opensearch`, builds Lucene's
``CustomAnalyzer`` from exactly the exported analyzer (a small Java program
run with ``java`` 21+ and the jar: Lucene 9.9 from the ``pyserini`` 1.6.0
source distribution) and compares its tokens, text by text (title, lead,
body), with ours.  Lucene leaves a position gap where a stopword was, ours
closes it: Lucene's positions are renumbered without gaps before comparing.
Prints the shares and the most frequent differences by kind, and the size of
``index.json``.  The Lucene parity suite (``-m lucene``) is the reference;
this is the quick check used while choosing the chain.
"""

from __future__ import annotations

import argparse
import collections
import json
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from newssearch import build_index, sample_articles
from newssearch.analysis import exact_analyzer, german_analyzer
from newssearch.opensearch import export_opensearch

JAVA_SOURCE = r"""
import java.io.*;
import java.nio.file.*;
import java.util.*;
import org.apache.lucene.analysis.*;
import org.apache.lucene.analysis.custom.CustomAnalyzer;
import org.apache.lucene.analysis.miscellaneous.TruncateTokenFilter;
import org.apache.lucene.analysis.tokenattributes.*;

public class Analyze {
  public static void main(String[] a) throws Exception {
    CustomAnalyzer.Builder b = CustomAnalyzer.builder(Paths.get(a[0]));
    for (String line : Files.readAllLines(Paths.get(a[1]))) {
      String[] f = line.split("\t");
      String[] params = Arrays.copyOfRange(f, 2, f.length);
      if (f[0].equals("tokenizer")) b.withTokenizer(f[1], params);
      else b.addTokenFilter(f[1], params);
    }
    Analyzer an = b.build();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, "UTF-8"));
    PrintStream out = new PrintStream(new BufferedOutputStream(System.out), false, "UTF-8");
    String doc;
    while ((doc = in.readLine()) != null) {
      try (TokenStream ts = an.tokenStream("f", doc)) {
        CharTermAttribute t = ts.addAttribute(CharTermAttribute.class);
        PositionIncrementAttribute p = ts.addAttribute(PositionIncrementAttribute.class);
        ts.reset();
        int pos = -1; StringBuilder sb = new StringBuilder();
        while (ts.incrementToken()) {
          pos += p.getPositionIncrement();
          if (sb.length() > 0) sb.append('\t');
          sb.append(pos).append(' ').append(t);
        }
        ts.end();
        out.println(sb);
      }
    }
    out.flush();
  }
}
"""


def lucene_spec(analysis: dict[str, Any], analyzer: str, conf: Path) -> list[list[str]]:
    """The exported analyzer as Lucene factory names and parameters."""
    chain = analysis["analyzer"][analyzer]
    tokenizer = analysis["tokenizer"][chain["tokenizer"]]
    spec = [["tokenizer", "pattern", "pattern", tokenizer["pattern"], "group", "0"]]
    for name in chain["filter"]:
        f = analysis["filter"].get(name, {"type": name})
        kind = f["type"]
        if kind == "pattern_replace":
            spec.append(["filter", "patternReplace", "pattern", f["pattern"]])
            spec[-1] += ["replacement", f["replacement"], "replace", "all"]
        elif kind == "truncate":
            continue  # the factory takes a byte; no token of the sample is that long
        elif kind == "stop":
            (conf / "stop.txt").write_text("\n".join(f["stopwords"]) + "\n", encoding="utf-8")
            spec.append(["filter", "stop", "words", "stop.txt"])
        elif kind == "dictionary_decompounder":
            (conf / "dict.txt").write_text("\n".join(f["word_list"]) + "\n", encoding="utf-8")
            spec.append(["filter", "dictionaryCompoundWord", "dictionary", "dict.txt"])
            spec[-1] += ["minWordSize", str(f["min_word_size"])]
            spec[-1] += ["minSubwordSize", str(f["min_subword_size"])]
            spec[-1] += ["maxSubwordSize", str(f["max_subword_size"])]
            spec[-1] += ["onlyLongestMatch", str(f["only_longest_match"]).lower()]
        elif kind == "synonym":
            # The rules hold single lowercase words: a whitespace parse is the chain's.
            (conf / "synonyms.txt").write_text("\n".join(f["synonyms"]) + "\n", "utf-8")
            spec.append(["filter", "synonym", "synonyms", "synonyms.txt", "format", "solr"])
        elif kind == "stemmer_override":
            lines = []
            for rule in f["rules"]:
                words, _, stem = rule.partition("=>")
                lines += [f"{w.strip()}\t{stem.strip()}" for w in words.split(",")]
            (conf / "override.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
            spec.append(["filter", "stemmerOverride", "dictionary", "override.txt"])
        elif kind == "keyword_marker":
            spec.append(["filter", "keywordMarker", "pattern", f["keywords_pattern"]])
        elif kind == "snowball":
            spec.append(["filter", "snowballPorter", "language", f["language"]])
        else:
            factory = {
                "lowercase": "lowercase",
                "german_normalization": "germanNormalization",
                "remove_duplicates": "removeDuplicates",
            }[kind]
            spec.append(["filter", factory])
    return spec


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jar", type=Path, required=True)
    parser.add_argument("--java", default="java")
    parser.add_argument("--analyzer", choices=["german", "exact"], default="german")
    parser.add_argument("--articles", type=int, default=None)
    args = parser.parse_args()
    articles = sample_articles()[: args.articles]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        index, _ = build_index(work / "ix", articles)
        with index:
            summary = export_opensearch(index, work / "export")
        definition = json.loads(summary.index_json.read_text(encoding="utf-8"))
        json_bytes = summary.index_json.stat().st_size
        conf = work / "conf"
        conf.mkdir()
        spec = lucene_spec(definition["settings"]["analysis"], args.analyzer, conf)
        spec_file, java = work / "spec.txt", work / "Analyze.java"
        spec_file.write_text("\n".join("\t".join(s) for s in spec) + "\n", "utf-8")
        java.write_text(JAVA_SOURCE, encoding="utf-8")
        texts = [" ".join(t.split()) for a in articles for t in (a.title, a.lead, a.body)]
        texts = [t for t in texts if t]
        done = subprocess.run(
            [args.java, "-cp", str(args.jar), *(str(p) for p in (java, conf, spec_file))],
            input="\n".join(texts) + "\n",
            capture_output=True,
            text=True,
            encoding="utf-8",
            check=True,
        )
    ours_analyzer = german_analyzer() if args.analyzer == "german" else exact_analyzer()
    same = ours_n = lucene_n = 0
    kinds: collections.Counter[str] = collections.Counter()
    examples: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for text, line in zip(texts, done.stdout.split("\n"), strict=False):
        pairs = [(int(p), t) for p, _, t in (x.partition(" ") for x in line.split("\t") if x)]
        dense: dict[int, int] = {}
        last: int | None = None
        for p, _ in pairs:
            if p not in dense:
                dense[p] = p if last is None else last + 1
                last = dense[p]
        lucene = collections.Counter((dense[p], t) for p, t in pairs)
        tokens = [(t.pos, t.text, str(t.kind)) for t in ours_analyzer(text, mode="index")]
        ours = collections.Counter((p, t) for p, t, _ in tokens)
        kind_of = {(p, t): k for p, t, k in tokens}
        same += sum((ours & lucene).values())
        ours_n += sum(ours.values())
        lucene_n += sum(lucene.values())
        for key, n in (ours - lucene).items():
            kinds[f"ours only ({kind_of[key]})"] += n
            examples[f"ours only ({kind_of[key]})"][key[1]] += n
        for key, n in (lucene - ours).items():
            kinds["lucene only"] += n
            examples["lucene only"][key[1]] += n
    print(
        f"analyzer {args.analyzer}: {len(texts)} texts of {len(articles)} articles; "
        f"index.json {json_bytes:,} bytes, {summary.compound_rules:,} compound rules, "
        f"{summary.stem_rules:,} stem rules, {summary.decompounder_words:,} decompounder words"
    )
    print(
        f"pairs: ours {ours_n}, lucene {lucene_n}, identical {same}: "
        f"{same / ours_n:.2%} of ours, {same / lucene_n:.2%} of Lucene's"
    )
    for kind, n in kinds.most_common():
        top = ", ".join(f"{w} {c}" for w, c in examples[kind].most_common(8))
        print(f"  {kind}: {n} ({n / ours_n:.2%}): {top}")


if __name__ == "__main__":
    main()
