"""One `kg: error:` line, exit 2, for inputs that gave tracebacks or hangs (issue 17 item 7)."""
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.sample import SAMPLE_DIR

LISTING = next(p for p in sorted(SAMPLE_DIR.iterdir()) if p.suffix == ".txt")


def one_error_line(args, cwd):
    old = os.getcwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(main, args, catch_exceptions=False)
    finally:
        os.chdir(old)
    assert result.exit_code == 2, result.output
    assert len(result.output.splitlines()) == 1 and result.output.startswith("kg: error: "), result.output
    return result.output


@pytest.mark.parametrize("inside_folder", [False, True])
def test_a_file_name_that_is_not_utf8_is_one_error_line(tmp_path, inside_folder):
    (tmp_path / "in").mkdir()
    bad = os.fsdecode(b"bad\xffname.txt")
    shutil.copy(LISTING, tmp_path / "in" / bad)
    output = one_error_line(["build", "in" if inside_folder else f"in/{bad}", "--out", "out", "-q"], tmp_path)
    assert "bad\\xffname.txt: expected a file name in UTF-8" in output
    assert not (tmp_path / "out").exists()


def test_a_fifo_is_refused_without_being_opened(tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")  # opening it for reading would block forever: no writer
    output = one_error_line(["build", "pipe.txt", "--out", "out", "-q"], tmp_path)
    assert output == "kg: error: pipe.txt: expected a regular listing file, found a FIFO\n"


def test_a_device_is_refused(tmp_path):
    output = one_error_line(["build", "/dev/zero", "--out", "out", "-q"], tmp_path)
    assert output == "kg: error: /dev/zero: expected a regular listing file, found a device\n"


@pytest.mark.parametrize("content", ["ASK { ?s ?p ?o }".encode("utf-16"), bytes(range(128, 256))])
def test_a_query_file_that_is_not_utf8_is_one_error_line(tmp_path, content):
    (tmp_path / "q.rq").write_bytes(content)
    exports = Path(__file__).resolve().parents[1] / "exports"
    output = one_error_line(["query", "q.rq", "--graph", str(exports)], tmp_path)
    assert "q.rq: expected a UTF-8 query file" in output
