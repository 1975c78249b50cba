"""Throughput and peak memory of dealstream against the loop a user would write instead.

On >= 2,000 documents built from the real pages of ``../shared/corpus/html-extraction/`` (every
document with its own URL, so dedup cannot skip work), in one run so the ratios compare:

  (a) a plain loop of ``trafilatura.extract(html, url=url, with_metadata=True)``;
  (b) a plain loop of all of dealstream's stages (read .jsonl line -> RawDocument, extract text,
      classify, extract deals), the same code the DoFns run, without a Beam runner;
  (c) ``dealstream run`` with 1 worker, writing Parquet, timed as a whole process;
  (d) the same with ``--direct_num_workers=2 --direct_running_mode=multi_processing``.

Each variant runs in its own process; docs/s is documents / wall time of that process (start-up
included), peak RSS is the highest sum of RSS over the process and its children and "cores" the
CPU time of that process tree / wall time, both sampled from /proc. The machine's load average is
printed with each line: other processes competing for the CPUs make (d) look worse than it is;
docs per CPU-second is the figure that competition changes least. Targets: (c)/(a) >= 0.85 and (d)/(c) >= 1.7.

The corpus holds 1,469 distinct pages; to reach --docs, pages are repeated under new URLs (the
output says how many are repeats). The documents are written as .jsonl shards (``url`` +
``html``, decoded with the pipeline's own decoder) so the two workers of (d) can split them.

    .venv/bin/python -m bench.bench_pipeline [--docs 2000] [--shards 16] [--only abcd] [--profile DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


# ---- corpus --------------------------------------------------------------------------------


def build_corpus(target_docs: int, shards: int, folder: Path) -> tuple[int, int]:
    """Write ``target_docs`` documents as .jsonl shards; returns (documents, distinct pages)."""
    from bench.corpus_warc import html_extraction_pages
    from transforms.text.decode import InputRejected, decode_html, doc_id_for

    pages, seen = [], set()
    for page in html_extraction_pages(SHARED / "corpus"):
        try:
            html, _ = decode_html(page.html)
        except InputRejected:
            continue
        key = doc_id_for(page.url, html)
        if key not in seen:  # two corpus entries with one URL would be one document
            seen.add(key)
            pages.append((page.url, html))
    distinct = len(pages)
    docs = pages[:target_docs]
    copy = 1
    while len(docs) < target_docs:
        copy += 1
        for url, html in pages[: target_docs - len(docs)]:
            docs.append((f"https://copy{copy}.bench.invalid/{url.split('://', 1)[-1]}", html))
    ids = {doc_id_for(url, html) for url, html in docs}
    assert len(ids) == len(docs), "every document must have its own doc_id"
    folder.mkdir(parents=True, exist_ok=True)
    handles = [open(folder / f"docs-{i:03d}.jsonl", "w", encoding="utf-8") for i in range(shards)]
    try:
        for i, (url, html) in enumerate(docs):
            handles[i % shards].write(json.dumps({"url": url, "html": html}, ensure_ascii=False) + "\n")
    finally:
        for h in handles:
            h.close()
    return len(docs), min(distinct, len(docs))


def iter_lines(folder: Path):
    for path in sorted(folder.glob("*.jsonl")):
        with open(path, "rb") as handle:
            yield from handle


# ---- the in-process loops ((a) and (b)), run as `--stage a|b` in a child process ------------


def loop_trafilatura(folder: Path) -> dict:
    import trafilatura

    started = time.monotonic()
    docs = with_text = 0
    for line in iter_lines(folder):
        obj = json.loads(line)
        docs += 1
        if trafilatura.extract(obj["html"], url=obj["url"], with_metadata=True):
            with_text += 1
    return {"docs": docs, "with_text": with_text, "loop_seconds": time.monotonic() - started}


def loop_dealstream(folder: Path) -> dict:
    from datetime import UTC, datetime

    from pipeline import __version__
    from pipeline.seed_files import ReadSeedFileFn
    from transforms.records import DocResult, ErrorRecord, InputRef
    from transforms.stages import ClassifyFn, ExtractDealsFn, ExtractTextFn

    started = time.monotonic()
    run_id = "bench"
    read = ReadSeedFileFn(run_id, 5 * 1024 * 1024)
    extract = ExtractTextFn(run_id)
    extract.setup()
    classify = ClassifyFn(run_id, datetime.now(UTC), __version__)
    deals = ExtractDealsFn(run_id)
    counts = {"docs": 0, "articles": 0, "investments": 0, "errors": 0}

    def value(item):
        return getattr(item, "value", item)  # unwrap TaggedOutput

    for path in sorted(folder.glob("*.jsonl")):
        for doc in read.process(InputRef("seed_file", str(path))):
            doc = value(doc)
            counts["docs"] += 1
            if isinstance(doc, ErrorRecord):
                counts["errors"] += 1
                continue
            for text in extract.process(doc):
                text = value(text)
                if isinstance(text, ErrorRecord):
                    counts["errors"] += 1
                    continue
                for article in classify.process(text):
                    for result in deals.process(value(article)):
                        result = value(result)
                        if isinstance(result, DocResult):
                            counts["articles"] += 1
                            counts["investments"] += len(result.investments)
    counts["loop_seconds"] = time.monotonic() - started
    return counts


# ---- measuring child processes --------------------------------------------------------------


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            found += [int(x) for x in task.read_text().split()]
        except OSError:
            pass
    return found


_TICKS = os.sysconf("SC_CLK_TCK")


def _tree_sample(pid: int, cpu_by_pid: dict[int, float]) -> int:
    """Summed RSS (KiB) of ``pid`` and its descendants; records each one's CPU seconds so far."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            stat = Path(f"/proc/{p}/stat").read_text()
            fields = stat[stat.rindex(")") + 2 :].split()
            cpu_by_pid[p] = (int(fields[11]) + int(fields[12])) / _TICKS  # utime + stime
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
                    break
        except (OSError, ValueError):
            continue
        todo += _children(p)
    return total


@dataclass
class Measured:
    seconds: float
    cpu_seconds: float  # user + sys of the process tree, sampled (the last 50 ms are missed)
    peak_tree_mib: float
    stdout: str
    stderr: str
    returncode: int


def measure(cmd: list[str], env: dict | None = None) -> Measured:
    """Run ``cmd``; wall time and the peak summed RSS of its process tree (sampled every 50 ms)."""
    started = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=REPO)
    peak = 0
    cpu_by_pid: dict[int, float] = {}
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_sample(proc.pid, cpu_by_pid))
            done.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    seconds = time.monotonic() - started
    done.set()
    sampler.join()
    return Measured(seconds, sum(cpu_by_pid.values()), peak / 1024, out, err, proc.returncode)


def _maybe_profiled(cmd: list[str], profile_dir: Path | None, name: str) -> list[str]:
    if profile_dir is None:
        return cmd
    spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    out = profile_dir / f"{name}.txt"
    return [spy, "record", "--subprocesses", "--format", "raw", "--rate", "50", "-o", str(out), "--", *cmd]


def run_loop(stage: str, folder: Path, profile_dir: Path | None) -> tuple[Measured, dict]:
    cmd = _maybe_profiled(
        [sys.executable, "-m", "bench.bench_pipeline", "--stage", stage, "--input", str(folder)],
        profile_dir,
        stage,
    )
    m = measure(cmd)
    if m.returncode != 0:
        raise SystemExit(f"stage {stage} failed:\n{m.stderr[-3000:]}")
    result = json.loads(m.stdout.strip().splitlines()[-1])
    return m, result


def run_pipeline(folder: Path, out: Path, workers: int, profile_dir: Path | None) -> tuple[Measured, dict]:
    cmd = [
        sys.executable,
        "-m",
        "pipeline",
        "run",
        "--input",
        f"{folder}/*.jsonl",
        "--output",
        str(out),
        "--quiet",
    ]
    if workers > 1:
        cmd += [f"--direct_num_workers={workers}", "--direct_running_mode=multi_processing"]
    m = measure(_maybe_profiled(cmd, profile_dir, f"pipeline-{workers}w"))
    if m.returncode != 0:
        raise SystemExit(f"pipeline ({workers} workers) failed:\n{m.stdout[-2000:]}\n{m.stderr[-3000:]}")
    (manifest_path,) = (out / "_runs").glob("*.json")
    return m, json.loads(manifest_path.read_text(encoding="utf-8"))


def check_accounting(manifest: dict, docs: int) -> dict:
    """Every document read came out as an article, an error or a skip: rows written == docs read."""
    import pyarrow.parquet as pq

    outcomes = manifest["outcomes"]
    rows = {"articles": 0, "errors": 0, "skips": 0}
    for rel in manifest["files"]:
        table = rel.split("/", 1)[0]
        if table in rows:
            rows[table] += pq.ParquetFile(Path(manifest["options"]["output"]) / rel).metadata.num_rows
    assert manifest["inputs"]["read"] == docs, (manifest["inputs"], docs)
    assert outcomes["articles"] + outcomes["errors"] + outcomes["skipped"] == docs, outcomes
    assert rows["articles"] == outcomes["articles"], (rows, outcomes)
    assert outcomes["skipped"] == 0, f"nothing may be skipped (every URL is unique): {outcomes}"
    return {**rows, "investments": outcomes["investments"]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=2000, help="documents to process (default: 2000)")
    parser.add_argument("--shards", type=int, default=16, help=".jsonl files the documents are split into")
    parser.add_argument("--only", default="abcd", help="variants to run (default: abcd)")
    parser.add_argument("--profile", type=Path, default=None, help="py-spy raw profiles into this folder")
    parser.add_argument("--keep", type=Path, default=None, help="keep corpus and outputs here")
    parser.add_argument("--stage", choices=["a", "b"], help=argparse.SUPPRESS)
    parser.add_argument("--input", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.stage:  # child process of one loop variant
        result = (loop_trafilatura if args.stage == "a" else loop_dealstream)(args.input)
        result["maxrss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(result))
        return 0

    if not (SHARED / "corpus" / "html-extraction").is_dir():
        print(f"needs ../shared/corpus/html-extraction (looked in {SHARED})", file=sys.stderr)
        return 2
    work = args.keep or Path(tempfile.mkdtemp(prefix="dealstream-bench-"))
    if args.profile:
        args.profile.mkdir(parents=True, exist_ok=True)
    corpus = work / "corpus"
    shutil.rmtree(corpus, ignore_errors=True)
    docs, distinct = build_corpus(args.docs, args.shards, corpus)
    print(
        f"corpus: {docs} documents ({distinct} distinct real pages, {docs - distinct} repeated under new URLs), "
        f"{args.shards} .jsonl shards, {sum(p.stat().st_size for p in corpus.iterdir()) / 1e6:.0f} MB; "
        f"{os.cpu_count()} CPUs"
    )
    rates: dict[str, float] = {}
    labels = {
        "a": "plain loop: trafilatura.extract(with_metadata=True)",
        "b": "plain loop: all dealstream stages (no runner)",
        "c": "dealstream run, 1 worker, Parquet (whole process)",
        "d": "dealstream run, 2 workers multi_processing",
    }
    for key in args.only:
        if key in "ab":
            m, res = run_loop(key, corpus, args.profile)
            assert res["docs"] == docs, (res, docs)
            extra = ", ".join(
                f"{k}={v}" for k, v in res.items() if k not in {"docs", "loop_seconds", "maxrss_mib"}
            )
            loop_rate = docs / res["loop_seconds"]
            note = f"loop alone {loop_rate:.1f} docs/s; {extra}"
        else:
            out = work / f"out-{key}"
            shutil.rmtree(out, ignore_errors=True)
            m, manifest = run_pipeline(corpus, out, 1 if key == "c" else 2, args.profile)
            rows = check_accounting(manifest, docs)
            note = "rows: " + ", ".join(f"{k}={v}" for k, v in rows.items()) + " (== docs read)"
        rates[key] = docs / m.seconds
        print(
            f"({key}) {labels[key]:<52} {rates[key]:6.1f} docs/s  {m.seconds:6.1f} s  "
            f"cpu {m.cpu_seconds / m.seconds:4.2f} cores ({docs / max(m.cpu_seconds, 1e-9):5.1f} docs/cpu-s)  peak RSS {m.peak_tree_mib:6.0f} MiB   {note}  "
            f"[load avg {os.getloadavg()[0]:.1f}]",
            flush=True,
        )
    ratios = [("c", "a", 0.85), ("d", "c", 1.7), ("b", "a", None)]
    for num, den, target in ratios:
        if num in rates and den in rates:
            ratio = rates[num] / rates[den]
            verdict = (
                "" if target is None else f"  (target >= {target}: {'met' if ratio >= target else 'NOT met'})"
            )
            print(f"({num})/({den}) = {ratio:.2f}{verdict}")
    if args.profile:
        print(f"profiles (py-spy raw, collapsed stacks): {args.profile}")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
