"""The command line: help everywhere, clear one-line errors, nothing written on failure."""
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from kg.cli import main

ROOT = Path(__file__).resolve().parents[1]
COMMANDS = sorted(main.commands)


def invoke(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_top_level_help_lists_every_command():
    result = invoke("--help")
    assert result.exit_code == 0
    for name in COMMANDS:
        assert name in result.output


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help_and_a_readme_section(name):
    command = main.commands[name]
    assert command.help and len(command.help) > 40, f"kg {name} lacks help text"
    assert "Example:" in command.help, f"kg {name} help lacks an example"
    for param in command.params:
        if isinstance(param, click.Option):
            assert param.help, f"kg {name} {param.opts[0]} lacks help text"
    assert f"kg {name}" in (ROOT / "README.md").read_text(encoding="utf-8"), f"README does not mention `kg {name}`"


def test_build_and_query_round_trip(tmp_path):
    listing = tmp_path / "day.txt"
    listing.write_text("Mar 1\n\nFooNet: Faster Nets\n\nWe propose FooNet. Experiments on ImageNet. "
                       "Code: https://github.com/a/foonet.\n", encoding="utf-8")
    out = tmp_path / "out"
    result = invoke("build", str(listing), "--out", str(out), "--quiet")
    assert result.exit_code == 0, result.output
    result = invoke("query", "SELECT ?r WHERE { ?p kg:releasesCode ?r }", "--graph", str(out), "--format", "csv")
    assert result.output.splitlines() == ["r", "https://github.com/a/foonet"]
    result = invoke("query", str(ROOT / "queries" / "papers-on-dataset.rq"), "--graph", str(out), "--param", "dataset=ImageNet")
    assert "FooNet: Faster Nets" in result.output


@pytest.mark.parametrize(
    "content, expected",
    [
        (None, "expected an existing file or folder"),
        (b"\x00\x01\x02binary", "expected a UTF-8 text file, found binary data"),
        (b"Mar 1\n\nA title\n\nAn abstract.\n\nA dangling title\n", "bad.txt:7: expected an abstract after the title"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_nothing_written(tmp_path, content, expected):
    path = tmp_path / "bad.txt"
    if content is not None:
        path.write_bytes(content)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(path), "--out", str(out)])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("kg: error: ") and expected in lines[0]
    assert not out.exists()


def test_query_errors_are_one_line(tmp_path):
    result = CliRunner().invoke(main, ["query", "SELECT nonsense", "--graph", str(ROOT / "exports")])
    assert result.exit_code == 2 and result.output.startswith("kg: error: SPARQL query failed")
    result = CliRunner().invoke(main, ["query", "SELECT * WHERE {?s ?p ?o}", "--graph", str(tmp_path)])
    assert result.exit_code == 2 and "no graph there" in result.output
    result = CliRunner().invoke(main, ["query", "SELECT * WHERE {?s ?p ?o}", "--graph", str(ROOT / "exports"), "--param", "x"])
    assert result.exit_code == 2 and "expected NAME=VALUE" in result.output
