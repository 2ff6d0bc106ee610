"""The command line: help with examples, one-line errors with non-zero exits, show/list/validate."""
import json
import shutil
import subprocess
import sys

import pytest

from mmsynth.cli import main


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "mmsynth", *args], capture_output=True, text=True)


def assert_one_line_error(proc, fragment):
    assert proc.returncode != 0
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert fragment in lines[0], lines[0]


def test_every_subcommand_has_help_with_an_example(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    listing = capsys.readouterr().out
    commands = [c for c in ("generate", "list", "show", "validate", "export", "report") if c in listing]
    assert len(commands) == 6
    for cmd in commands:
        with pytest.raises(SystemExit):
            main([cmd, "--help"])
        assert f"example:\n  mmsynth {cmd}" in capsys.readouterr().out


@pytest.mark.parametrize("args,fragment", [
    (["generate", "-g", "chart.bra", "-n", "5", "-o", "/tmp/never"], "did you mean chart.bar"),
    (["generate", "-g", "chart.bar", "-n", "0", "-o", "/tmp/never"], "-n must be a positive"),
    (["generate", "-g", "chart.bar", "-n", "-2", "-o", "/tmp/never"], "-n must be a positive"),
    (["generate", "-g", "chart.bar", "-n", "five", "-o", "/tmp/never"], "invalid int value"),
    (["generate", "-g", "chart.bar", "-n", "1", "-o", "/dev/null/x"], "/dev/null"),
    (["validate", "/no/such/corpus"], "no such corpus folder"),
    (["export", "/no/such/corpus", "--format", "llava", "-o", "/tmp/x"], "no such corpus folder"),
    (["frobnicate"], "invalid choice"),
])
def test_user_mistakes_get_one_line(args, fragment):
    assert_one_line_error(run_cli(*args), fragment)


def test_corrupt_shard_is_named_with_its_line(tmp_path, small_corpus):
    bad = tmp_path / "bad"
    shutil.copytree(small_corpus, bad)
    shard = sorted((bad / "data").glob("*.jsonl"))[0]
    lines = shard.read_text().splitlines()
    lines[2] = lines[2][: len(lines[2]) // 2]
    shard.write_text("\n".join(lines) + "\n")
    proc = run_cli("validate", str(bad), "-q")
    assert proc.returncode == 1 and f"{shard.name}:3: not valid JSON" in proc.stderr
    assert_one_line_error(run_cli("export", str(bad), "--format", "llava", "-o", str(tmp_path / "e")),
                          f"{shard.name}:3: not valid JSON")


def test_validate_fails_on_tampered_answer_and_missing_image(tmp_path, small_corpus, capsys):
    bad = tmp_path / "bad"
    shutil.copytree(small_corpus, bad)
    shard = sorted((bad / "data").glob("chart.bar-*.jsonl"))[0]
    recs = [json.loads(line) for line in shard.read_text().splitlines()]
    qa = recs[0]["qa"][0]
    if qa["options"]:
        qa["answer"] = next(o for o in qa["options"] if o != qa["answer"])
    elif qa["answer_type"] == "number":
        qa["answer"] = qa["answer"] + 1000
    elif qa["answer_type"] == "yesno":
        qa["answer"] = "no" if qa["answer"] == "yes" else "yes"
    else:
        qa["answer"] = "surely not this"
    shard.write_text("".join(json.dumps(r) + "\n" for r in recs))
    (bad / recs[1]["images"][0]).unlink()
    assert main(["validate", str(bad), "-q"]) == 1
    out, err = capsys.readouterr()
    assert "missing image" in err and "recomputed" in err


def test_show_list_and_validate_ok(small_corpus, capsys):
    assert main(["validate", str(small_corpus), "-q"]) == 0
    assert "OK: 12 records valid" in capsys.readouterr().out
    assert main(["show", str(small_corpus), "--id", "dashboard.clock-3-000001"]) == 0
    out = capsys.readouterr().out
    assert '"id": "dashboard.clock-3-000001"' in out and "images/dashboard.clock/000001.png" in out
    assert main(["list", "--json"]) == 0
    infos = json.loads(capsys.readouterr().out)
    bar = next(i for i in infos if i["name"] == "chart.bar")
    assert bar["task"] == "chart" and len(bar["families"]) >= 8


def test_report_page_has_plots_and_gallery(small_corpus, tmp_path, capsys):
    out = tmp_path / "r.html"
    assert main(["report", str(small_corpus), "-o", str(out)]) == 0
    page = out.read_text()
    assert page.count("data:image/png;base64,") == 4  # generators, skills, answer types, answer concentration
    assert "chart.bar-3-000000" in page and str((small_corpus / "images/chart.bar/000000.png").resolve()) in page
