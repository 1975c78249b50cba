"""examples/: every dealstream command in the cron file and the Airflow DAG parses with the CLI's
own parser (Airflow is not installed: the DAG file is read with ``ast``)."""

from __future__ import annotations

import ast
import re
import shlex
from pathlib import Path

import pytest
from apache_beam.options.pipeline_options import PipelineOptions

from pipeline.config import parse_run_args

REPO = Path(__file__).resolve().parents[2]
DAG = REPO / "examples" / "airflow_dag.py"
CRONTAB = REPO / "examples" / "crontab"
# Sample values for the Jinja placeholders the examples use; an unknown one fails the test.
TEMPLATE_VALUES = {
    "ds": "2024-01-31",
    "ds_nodash": "20240131",
    "params.start": "2024-01-01",
    "params.end": "2024-01-31",
}


def _render(template: str) -> str:
    def sub(m: re.Match[str]) -> str:
        name = m.group(1).strip()
        assert name in TEMPLATE_VALUES, f"unknown template variable {{{{ {name} }}}}: add a sample value"
        return TEMPLATE_VALUES[name]

    return re.sub(r"\{\{(.*?)\}\}", sub, template)


def _const(node: ast.AST, names: dict[str, ast.AST]) -> str:
    """Evaluate the string expressions the DAG uses: literals, + concatenation, module names."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _const(node.left, names) + _const(node.right, names)
    if isinstance(node, ast.Name) and node.id in names:
        return _const(names[node.id], names)
    raise AssertionError(f"bash_command must be built from string constants, got {ast.dump(node)}")


def dag_commands() -> list[str]:
    tree = ast.parse(DAG.read_text(encoding="utf-8"))
    names = {
        target.id: stmt.value
        for stmt in tree.body
        if isinstance(stmt, ast.Assign)
        for target in stmt.targets
        if isinstance(target, ast.Name)
    }
    commands = [
        _const(kw.value, names)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        for kw in node.keywords
        if kw.arg == "bash_command"
    ]
    return commands


def cron_commands() -> list[str]:
    commands = []
    for line in CRONTAB.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#") or re.match(r"^[A-Z_]+=", line):
            continue
        fields = line.split(None, 5)
        assert len(fields) == 6, f"not a cron line: {line!r}"
        for field in fields[:5]:
            assert re.fullmatch(r"[\d*/,-]+", field), f"bad cron field {field!r} in {line!r}"
        commands.append(fields[5])
    return commands


def dealstream_invocations(command: str) -> list[list[str]]:
    """Every `... dealstream <args>` inside a shell command line (split on && ; >> etc.)."""
    tokens = shlex.split(command, comments=False)
    found, current = [], None
    for tok in tokens:
        if tok in {"&&", "||", ";", "|"} or tok.startswith((">", "2>")):
            current = None
            continue
        if tok == "dealstream" or tok.endswith("/bin/dealstream"):
            current = []
            found.append(current)
        elif current is not None:
            current.append(tok)
    return found


def _beam_option_names() -> set[str]:
    import pipeline.config  # noqa: F401 - registers dealstream's own options too

    return set(PipelineOptions([]).get_all_options().keys())


def check_invocation(argv: list[str]) -> None:
    assert argv and argv[0] == "run", f"expected `dealstream run`, got {argv[:1]}"
    args, beam_args = parse_run_args(argv[1:])  # argparse exits on a bad flag value
    assert args.output, "every scheduled run needs --output"
    sources = ("input", "feeds", "feed", "warc", "from_index")
    assert any(getattr(args, name, None) for name in sources), "no input"
    known = _beam_option_names()
    for flag in beam_args:
        assert flag.startswith("--"), f"stray argument {flag!r}"
        name = flag[2:].split("=", 1)[0].replace("-", "_")
        assert name in known, f"{flag!r} is neither a dealstream nor a Beam option"


@pytest.mark.parametrize("command", dag_commands(), ids=lambda c: c[-40:])
def test_dag_commands_parse(command: str) -> None:
    invocations = dealstream_invocations(_render(command))
    assert len(invocations) == 1
    check_invocation(invocations[0])


def test_dag_has_daily_and_backfill_commands() -> None:
    commands = dag_commands()
    assert len(commands) == 3
    per_day = [c for c in commands if "--input" in c]
    assert len(per_day) == 2 and all("{{ ds }}" in c for c in per_day), (
        "each run must read its own day's folder"
    )
    (archive,) = [c for c in commands if "--warc" in c]
    assert "--from {{ params.start }} --to {{ params.end }}" in archive


@pytest.mark.parametrize("command", cron_commands(), ids=lambda c: c[-40:])
def test_cron_commands_parse(command: str) -> None:
    invocations = dealstream_invocations(command)
    assert invocations
    for argv in invocations:
        check_invocation(argv)


def test_checker_rejects_bad_commands() -> None:
    with pytest.raises(AssertionError):
        check_invocation(["run", "--input", "x/*.jsonl", "--output", "o", "--num_workerz=2"])
    with pytest.raises(SystemExit):
        check_invocation(["run", "--input", "x/*.jsonl", "--output", "o", "--max-error-rate", "7"])
    with pytest.raises(AssertionError):
        check_invocation(["rnu", "--output", "o"])
    with pytest.raises(AssertionError):
        _render("{{ macros.ds_add(ds, 1) }}")
