"""`make fuzz`: hostile seed files through the real CLI, in batches mixed with good inputs.

Inputs come from hypothesis strategies (drawn deterministically from --seed) and from the
hand-made files in tests/fixtures/hostile/. Each batch is one `dealstream run --max-error-rate 1`
in a subprocess; per batch it checks: exit 0, no traceback, every input accounted for by path
(and by line for .jsonl), peak RSS and wall time under the bounds, and the good inputs written
exactly as in a clean run. Prints attack class -> inputs -> outcome (held / lost / crashed /
hung). Network and archive inputs are fuzzed by the netwarc tools (docs/reliability.md).
"""

from __future__ import annotations

import argparse
import bz2
import gzip
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path

import duckdb
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

REPO = Path(__file__).resolve().parents[1]
HOSTILE = REPO / "tests" / "fixtures" / "hostile"
SEED = REPO / "seeds" / "000_ffccc2825a3c1863.txt"
MAX_RSS_MB = 1500  # peak RSS of one batch's CLI process
MAX_BATCH_SECONDS = 300
CHARSETS = ["hex", "rot13", "base64", "zlib", "utf-16", "utf-32", "bogus", "", "latin-1", "utf-7", "cp1252", "x" * 300]


def _json_values():
    leaf = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=40)
    return st.recursive(leaf, lambda kids: st.lists(kids, max_size=4) | st.dictionaries(st.text(max_size=8), kids, max_size=4), max_leaves=30)


def _story(seed: str, rnd: random.Random) -> str:
    words = seed.split()
    start = rnd.randrange(max(1, len(words) - 80))
    return " ".join(words[start : start + 80])


# Each attack class: (file suffix, strategy of bytes). Strategies only get `draw` and a Random.
def attack_classes(seed: str) -> dict[str, tuple[str, Callable]]:
    def page(draw, body: str, head: str = "") -> str:
        return f"<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>"

    def txt_bytes(draw, rnd):
        return draw(st.binary(max_size=4000))

    def txt_text(draw, rnd):
        text = draw(st.text(max_size=2000))
        return text.encode("utf-8", "surrogatepass") + rnd.choice([b"", b"\x00", b"\xef\xbb\xbf", b"\xff\xfe"])

    def html_charset(draw, rnd):
        cs = rnd.choice(CHARSETS)
        body = page(draw, f"<p>{_story(seed, rnd)}</p>", f'<meta charset="{cs}">')
        enc = rnd.choice(["utf-8", "utf-16", "latin-1", "cp1252"])
        return body.encode(enc, "replace")

    def html_nested(draw, rnd):
        n = draw(st.integers(1, 30_000))
        tag = rnd.choice(["div", "b", "table", "p", "a href=x", "svg"])
        closed = rnd.random() < 0.5
        return page(draw, f"<{tag}>" * n + _story(seed, rnd) + (f"</{tag.split()[0]}>" * n if closed else "")).encode()

    def html_entities(draw, rnd):
        ent = rnd.choice(["&amp;", "&#xFFFFFF;", "&#0;", "&nbsp;", "&lol;", "&#x110000;", "&#99999999999;"])
        return page(draw, "<p>" + ent * draw(st.integers(1, 50_000)) + _story(seed, rnd) + "</p>").encode()

    def html_xml_bomb(draw, rnd):
        lol = '<!DOCTYPE lolz [<!ENTITY lol "lol">' + "".join(
            f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i else "&lol;" * 10}">' for i in range(9)
        ) + "]>"
        prefix = rnd.choice(["", "<!-- <a -->", '<?xml version="1.0"?>'])
        body = prefix + lol + f"<html><body><p>&lol8;{_story(seed, rnd)}</p></body></html>"
        return body.encode(rnd.choice(["utf-8", "utf-16"]))

    def html_huge_line(draw, rnd):
        return page(draw, "<p>" + "x" * draw(st.integers(100_000, 3_000_000)) + "</p>").encode()

    def html_attrs(draw, rnd):
        n = draw(st.integers(1000, 250_000))
        return page(draw, "<div " + " ".join(f"a{i}=v" for i in range(n)) + ">" + _story(seed, rnd) + "</div>").encode()

    def jsonl_lines(draw, rnd):
        lines = []
        for _ in range(draw(st.integers(1, 6))):
            kind = rnd.random()
            if kind < 0.3:
                lines.append(json.dumps(draw(_json_values())).encode())
            elif kind < 0.5:
                d = draw(st.integers(100, 30_000))
                lines.append(b"[" * d + b"]" * (d if rnd.random() < 0.5 else 0))
            elif kind < 0.7:
                lines.append(b'{"url": "https://fuzz.test/' + str(rnd.random()).encode() + b'", "text": "'
                             + _story(seed, rnd).encode() + rnd.choice([b"\\ud83d", b"\\udfff", b"\\u0000", b""]) + b'"}')
            elif kind < 0.85:
                lines.append(draw(st.binary(max_size=300)).replace(b"\n", b" "))
            else:
                lines.append(json.dumps({"url": "https://fuzz.test/d", "text": _story(seed, rnd),
                                         "published": draw(st.text(max_size=30))}).encode())
        data = b"\n".join(lines) + rnd.choice([b"", b"\n"])
        return (b"\xef\xbb\xbf" if rnd.random() < 0.2 else b"") + data

    def compressed(draw, rnd):
        inner = jsonl_lines(draw, rnd) if rnd.random() < 0.5 else _story(seed, rnd).encode()
        packed = gzip.compress(inner) if rnd.random() < 0.6 else bz2.compress(inner)
        cut = rnd.random()
        if cut < 0.3:
            packed = packed[: max(1, int(len(packed) * rnd.random()))]
        elif cut < 0.45:
            packed = packed + packed
        elif cut < 0.55:
            packed = packed + draw(st.binary(max_size=100))
        elif cut < 0.65:
            packed = gzip.compress(b"{}\n" * draw(st.integers(1000, 2_000_000)))
        return packed

    return {
        "txt random bytes": (".txt", txt_bytes),
        "txt unicode/BOM/NUL": (".txt", txt_text),
        "html lying charset": (".html", html_charset),
        "html deep/unclosed nesting": (".html", html_nested),
        "html entity storm": (".html", html_entities),
        "html XML bomb": (".html", html_xml_bomb),
        "html huge line": (".html", html_huge_line),
        "html many attributes": (".html", html_attrs),
        "jsonl hostile lines": (".jsonl", jsonl_lines),
        "gz/bz2 truncated/concat/bomb": (".jsonl.gz", compressed),
    }


def _draw_class(name: str, suffix: str, make: Callable, drawn: list, examples: int, seed: int) -> Callable:
    @settings(max_examples=examples, database=None, derandomize=True, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(st.data())
    def draw_one(data):
        rnd = random.Random(data.draw(st.integers(0, 2**32), label="seed") ^ seed)
        kind = suffix
        if name.startswith("gz") and rnd.random() < 0.5:
            kind = ".txt.bz2" if rnd.random() < 0.5 else ".jsonl.bz2"
        drawn.append((name, kind, make(data.draw, rnd)))

    return draw_one


def generate(count: int, seed: int, story: str) -> list[tuple[str, str, bytes]]:
    """count (class, suffix, bytes) inputs, drawn deterministically from seed."""
    classes = list(attack_classes(story).items())
    out: list[tuple[str, str, bytes]] = []
    per_class = -(-count // len(classes))
    for name, (suffix, make) in classes:
        drawn: list[tuple[str, str, bytes]] = []
        _draw_class(name, suffix, make, drawn, per_class, seed)()
        rnd = random.Random(seed)
        while len(drawn) < per_class:  # hypothesis stops early once a strategy is exhausted
            drawn.append((name, suffix, make(lambda s, r=rnd: s.example(), rnd)))
        out += drawn[:per_class]
    rnd = random.Random(seed)
    rnd.shuffle(out)
    out = out[:count]
    for path in sorted(p for p in HOSTILE.iterdir() if p.is_file()):
        out.append(("hand-made seeds", "-" + path.name, path.read_bytes()))
    return out


def _rows(out: Path, table: str, cols: str) -> list[tuple]:
    if not list((out / table).glob("*/*.parquet")):
        return []
    return duckdb.connect().sql(f"SELECT {cols} FROM read_parquet('{out / table}/*/*.parquet')").fetchall()


def run_cli(inputs: Path, out: Path) -> tuple[int, str, float, float]:
    """(exit code, output, seconds, peak RSS in MB of this one process; -9 when it hung)."""
    env = {**os.environ, "DEALSTREAM_STRICT": "0", "PYTHONWARNINGS": "ignore"}
    started = time.monotonic()
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen([sys.executable, "-m", "pipeline", "run", "--input", str(inputs / "*"),
                                 "--output", str(out), "--max-error-rate", "1"],
                                stdout=log, stderr=subprocess.STDOUT, env=env, cwd=REPO)
        timer = threading.Timer(MAX_BATCH_SECONDS, proc.kill)
        timer.start()
        try:
            # wait4, not communicate(): RUSAGE_CHILDREN is the maximum over every child so far,
            # so it would report the worst earlier batch for all later ones.
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.monotonic() - started
        log.seek(0)
        text = log.read().decode("utf-8", "replace")
    if proc.returncode == -9 and seconds >= MAX_BATCH_SECONDS:
        return -9, "hung", seconds, 0.0
    return proc.returncode, text, seconds, usage.ru_maxrss / 1024


def good_inputs(directory: Path, n: int, story: str) -> dict[str, str]:
    names = {}
    for i in range(n):
        name = f"good-{i:03d}.txt"
        (directory / name).write_text(f"Good story {i}\n\n{story} (copy {i})\n", encoding="utf-8")
        names[name] = name
    return names


def jsonl_inputs(data: bytes) -> int:
    """Inputs in an uncompressed .jsonl, counted as the reader counts them: every line that is
    not blank (bytes.strip) is one. A BOM is not whitespace: a first line holding only a BOM is
    an input (the reader gives it a row), and it must not be stripped byte by byte
    (``lstrip(BOM)`` also ate a following 0xEF/0xBB/0xBF byte and hid the BOM-only line)."""
    return sum(1 for line in data.split(b"\n") if line.strip())


def run_batch(batch: list[tuple[str, str, bytes]], work: Path, story: str, n_good: int) -> dict:
    inputs, out = work / "in", work / "out"
    shutil.rmtree(work, ignore_errors=True)
    inputs.mkdir(parents=True)
    goods = good_inputs(inputs, n_good, story)
    cls_of: dict[str, str] = {}
    lines_of: dict[str, int] = {}
    for i, (cls, suffix, data) in enumerate(batch):
        name = f"h{i:05d}{suffix}"
        (inputs / name).write_bytes(data)
        cls_of[name] = cls
        if name.endswith(".jsonl"):
            lines_of[name] = jsonl_inputs(data)
    code, text, seconds, rss = run_cli(inputs, out)
    outcome: dict[str, list] = {name: [] for name in cls_of}
    for source, kind in _rows(out, "errors", "source, error_type") + _rows(out, "skips", "source, reason"):
        outcome.setdefault(Path(source).name, []).append(kind)
    for (source,) in _rows(out, "articles", "source"):
        outcome.setdefault(Path(source).name, []).append("article")
    manifests = [json.loads(p.read_text()) for p in (out / "_runs").glob("*.json")]
    reconciled = bool(manifests) and all(m.get("reconciled") for m in manifests)
    good_text = sorted(t for s, t in _rows(out, "articles", "source, text") if Path(s).name in goods)
    return {"code": code, "text": text, "seconds": seconds, "rss": rss, "classes": cls_of, "lines": lines_of,
            "outcome": outcome, "reconciled": reconciled, "good_text": good_text, "goods": goods}


def judge(result: dict, clean_text: list[str]) -> dict[str, str]:
    """Per input: held / lost / crashed / hung."""
    if result["code"] == -9:
        return {name: "hung" for name in result["classes"]}
    crashed = result["code"] != 0 or "Traceback" in result["text"]
    verdict = {}
    for name in result["classes"]:
        got = result["outcome"].get(name, [])
        expected = result["lines"].get(name)
        whole_file = {"amplification_limit", "unreadable", "empty", "too_large"} & set(got)
        accounted = bool(got) if expected is None else (len(got) == expected or bool(whole_file))
        verdict[name] = "crashed" if crashed else ("held" if accounted else "lost")
    return verdict


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--good", type=int, default=10, help="good inputs mixed into each batch")
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args(argv)
    story = SEED.read_text(encoding="utf-8").split("\n", 1)[1]
    inputs = generate(args.inputs, args.seed, story)
    table: dict[str, Counter] = defaultdict(Counter)
    failures: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        clean = run_batch([], work / "clean", story, args.good)
        clean_text = clean["good_text"]
        worst_rss = worst_s = 0.0
        for start in range(0, len(inputs), args.batch):
            batch = inputs[start : start + args.batch]
            result = run_batch(batch, work / "batch", story, args.good)
            verdict = judge(result, clean_text)
            for name, v in verdict.items():
                table[result["classes"][name]][v] += 1
            worst_rss, worst_s = max(worst_rss, result["rss"]), max(worst_s, result["seconds"])
            problems = []
            if result["good_text"] != clean_text:
                problems.append("good inputs differ from the clean run")
            if result["rss"] > MAX_RSS_MB:
                problems.append(f"peak RSS {result['rss']:.0f} MB > {MAX_RSS_MB}")
            if result["seconds"] > MAX_BATCH_SECONDS:
                problems.append("over the time bound")
            if result["code"] != 0 or "Traceback" in result["text"]:
                problems.append(f"exit {result['code']}: {result['text'][-800:]}")
            if not result["reconciled"]:
                problems.append("manifest not reconciled")
            lost = [n for n, v in verdict.items() if v != "held"]
            if lost:
                problems.append(f"not held: {lost[:5]}")
            status = "ok" if not problems else "; ".join(problems)
            print(f"batch {start // args.batch:3d}: {len(batch)} inputs, {result['seconds']:.1f} s, "
                  f"peak RSS {result['rss']:.0f} MB: {status}", flush=True)
            failures += problems
    print(f"\n{'attack class':<32}{'inputs':>8}{'held':>7}{'lost':>6}{'crashed':>9}{'hung':>6}")
    for cls, counts in sorted(table.items()):
        print(f"{cls:<32}{sum(counts.values()):>8}{counts['held']:>7}{counts['lost']:>6}"
              f"{counts['crashed']:>9}{counts['hung']:>6}")
    print(f"\nworst batch: {worst_s:.1f} s (bound {MAX_BATCH_SECONDS}), peak RSS {worst_rss:.0f} MB (bound {MAX_RSS_MB})")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
