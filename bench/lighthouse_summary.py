"""Median Lighthouse scores per page and category, and the audits that cost points.

    python bench/lighthouse_summary.py artifacts/lighthouse home section article

Reads <dir>/<page>-<run>.json as written by bench/lighthouse.sh.
"""

import json
import statistics
import sys
from pathlib import Path

CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
METRICS = ("first-contentful-paint", "largest-contentful-paint", "total-blocking-time",
           "cumulative-layout-shift", "speed-index")


def _runs(directory: Path, page: str) -> list[dict]:
    paths = sorted(directory.glob(f"{page}-*.json"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
    return [json.loads(p.read_text(encoding="utf-8")) for p in paths]


def _score(report: dict, category: str) -> int | None:
    score = report["categories"][category]["score"]
    return None if score is None else round(score * 100)


def _losing_audits(report: dict) -> list[str]:
    """Audits that count towards a category score and did not pass."""
    lines = []
    for category in CATEGORIES:
        for ref in report["categories"][category]["auditRefs"]:
            audit = report["audits"][ref["id"]]
            if ref.get("weight", 0) > 0 and audit.get("score") is not None and audit["score"] < 1:
                value = audit.get("displayValue", "")
                lines.append(f"{category}: {ref['id']} score={audit['score']} {value}".rstrip())
    return lines


def main(directory: str, *pages: str) -> int:
    root = Path(directory)
    short = False
    losing: dict[str, dict[str, str]] = {}
    rows = []
    for page in pages:
        reports = _runs(root, page)
        if not reports:
            rows.append([page, *["-"] * len(CATEGORIES)])
            short = True
            continue
        cells = [page]
        for category in CATEGORIES:
            scores = [s for s in (_score(r, category) for r in reports) if s is not None]
            median = round(statistics.median(scores)) if scores else None
            short |= median is None or median < 95
            cells.append(f"{median if median is not None else '-'} "
                         f"[{','.join(str(s) for s in scores)}]")
        rows.append(cells)
        for report in reports:
            for line in _losing_audits(report):
                # One line per audit: the first run that lost points on it.
                key = line.split(" score=")[0]
                losing.setdefault(page, {}).setdefault(key, line)
    header = ["page", *CATEGORIES]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    print("\nLighthouse, mobile preset: median of the runs [each run's score]")
    for row in [header, None, *rows]:
        if row is None:
            print("  ".join("-" * w for w in widths))
        else:
            print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
    print()
    for page in pages:
        reports = _runs(root, page)
        if reports:
            metrics = []
            for metric in METRICS:
                values = [r["audits"][metric].get("numericValue") for r in reports]
                values = [v for v in values if v is not None]
                if values:
                    unit = "" if metric == "cumulative-layout-shift" else " ms"
                    value = statistics.median(values)
                    metrics.append(f"{metric}={value:.3f}" if not unit else
                                   f"{metric}={value:.0f}{unit}")
            print(f"{page}: " + ", ".join(metrics))
    indexes = [r["environment"]["benchmarkIndex"] for p in pages for r in _runs(root, p)]
    if indexes:
        # Lighthouse's own CPU benchmark; below ~1000 it warns that the machine is slow.
        print(f"benchmarkIndex median {statistics.median(indexes):.0f} "
              f"(min {min(indexes):.0f}, max {max(indexes):.0f})")
    if losing:
        print("\nAudits that cost points in at least one run:")
        for page, lines in losing.items():
            for line in lines.values():
                print(f"  {page}: {line}")
    return 1 if short else 0


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], *sys.argv[2:]))
