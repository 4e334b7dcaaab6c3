"""The speed report as Markdown tables and as a plot.

Ratios are against :data:`~newssearch.bench.engines.BASELINE` of the same
corpus size in the same report; a size without a baseline row shows 0.00
(indexing) or – (latency).
"""

from __future__ import annotations

from pathlib import Path

from newssearch.bench.engines import BASELINE
from newssearch.bench.results import SpeedReport

__all__ = ["markdown", "plot"]


def markdown(report: SpeedReport) -> str:
    """Two Markdown tables, indexing and query latency, one row per measurement.

    >>> print(markdown(SpeedReport({}, {}, (), ())), end="")
    ## Indexing
    <BLANKLINE>
    | articles | engine | s | articles/s | MB/s | × baseline | peak RSS MB | worker peak MB | index MB |
    |---|---|---|---|---|---|---|---|---|
    <BLANKLINE>
    ## Query latency (single thread, warm, top 10)
    <BLANKLINE>
    | articles | queries | engine | highlights | p50 ms | p95 ms | p99 ms | q/s | p95 / baseline p95 without highlights |
    |---|---|---|---|---|---|---|---|---|
    """  # noqa: E501
    lines = ["## Indexing", ""]
    lines.append(
        "| articles | engine | s | articles/s | MB/s | × baseline | peak RSS MB "
        "| worker peak MB | index MB |"
    )
    lines.append("|---|---|---|---|---|---|---|---|---|")
    base = {t.size: t for t in report.indexing if t.engine == BASELINE}
    for t in report.indexing:
        ratio = t.articles_per_s / base[t.size].articles_per_s if t.size in base else 0
        lines.append(
            f"| {t.size:,} | {t.engine} | {t.seconds:.1f} | {t.articles_per_s:,.0f} "
            f"| {t.mb_per_s:.2f} | {ratio:.2f} | {t.peak_rss_mb:,.0f} "
            f"| {t.worker_peak_rss_mb:,.0f} | {t.index_mb:.1f} |"
        )
    lines += ["", "## Query latency (single thread, warm, top 10)", ""]
    lines.append(
        "| articles | queries | engine | highlights | p50 ms | p95 ms | p99 ms | q/s "
        "| p95 / baseline p95 without highlights |"
    )
    lines.append("|---|---|---|---|---|---|---|---|---|")
    base_p95 = {
        (x.size, x.kind): x.p95_ms
        for x in report.latency
        if x.engine == BASELINE and not x.highlight
    }
    for x in report.latency:
        ref = base_p95.get((x.size, x.kind))
        ratio_text = f"{x.p95_ms / ref:.2f}" if ref else "–"
        lines.append(
            f"| {x.size:,} | {x.kind} | {x.engine} | {'yes' if x.highlight else 'no'} "
            f"| {x.p50_ms:.2f} | {x.p95_ms:.2f} | {x.p99_ms:.2f} | {x.qps:,.0f} "
            f"| {ratio_text} |"
        )
    return "\n".join(lines) + "\n"


def plot(report: SpeedReport, path: str | Path) -> bool:
    """Write a PNG of index time and p95 latency (long queries, no highlights) against
    corpus size, log-log, one line per engine.  ``False`` (and no file) when
    matplotlib is not installed; it is in the ``bench`` extra.
    """
    try:
        from matplotlib.figure import Figure
    except ImportError:
        return False
    # A Figure of its own, not pyplot: no global figure list, no backend switch.
    fig = Figure(figsize=(10, 4))
    left, right = fig.subplots(1, 2)
    engines = sorted({t.engine for t in report.indexing})
    for name in engines:
        rows = [t for t in report.indexing if t.engine == name]
        left.plot([t.size for t in rows], [t.seconds for t in rows], "o-", label=name)
        lat = [
            x for x in report.latency if x.engine == name and x.kind == "long" and not x.highlight
        ]
        right.plot([x.size for x in lat], [x.p95_ms for x in lat], "o-", label=name)
    for ax, title, unit in ((left, "indexing", "s"), (right, "long queries, p95", "ms")):
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("articles")
        ax.set_ylabel(unit)
        ax.set_title(title)
        ax.grid(True, which="both", alpha=0.3)
    right.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    return True
