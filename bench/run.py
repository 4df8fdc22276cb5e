"""Speed and memory budgets of SPEC §10, measured as whole processes.

Run from the repository with kilocli installed:  python bench/run.py  [--runs N]

Builds a throwaway KILOCLI_HOME, generates cached catalogs of 2,000 and 20,000 models in the
gateway's shape, and times each command over several runs (after a warm-up), alternating with
``python -c "import typer"`` in the same run, so that ratios compare like with like on this
machine. Peak RSS is read from the kernel (``wait4``) per process. Exits 1 when a budget is
missed.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

KEY = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJiZW5jaG1hcmsifQ.YmVuY2htYXJrLXNpZ25hdHVyZS1ieXRlcw"


@dataclass(frozen=True)
class Budget:
    """``ratio``: at most this many times ``import typer``; ``seconds``/``mib``: absolute."""

    ratio: float | None = None
    seconds: float | None = None
    mib: float | None = None
    strict_ratio: bool = True  # "under" (strict) or "within" (at most)


@dataclass
class Measure:
    name: str
    argv: list[str]
    env: dict[str, str]
    budget: Budget
    fresh_home: bool = False
    times: list[float] | None = None
    peak_mib: float = 0.0


def gateway_row(index: int, rng: random.Random) -> dict[str, object]:
    """One model in the shape ``GET /api/gateway/models`` sends."""
    vendor = rng.choice(["anthropic", "openai", "google", "meta-llama", "mistralai", "qwen"])
    prompt = rng.choice(["0", "0.0000003", "0.000003", "0.000015", "-1"])
    row: dict[str, object] = {
        "id": f"{vendor}/model-{index:05d}" + (":free" if index % 17 == 0 else ""),
        "name": f"{vendor.title()}: Model {index}",
        "created": 1767000000 + index,
        "description": "A generated model for the benchmark. " * 3,
        "context_length": rng.choice([32768, 128000, 200000, 1000000]),
        "architecture": {
            "modality": "text+image->text",
            "input_modalities": rng.choice([["text"], ["text", "image"]]),
            "output_modalities": ["text"],
            "tokenizer": "Other",
        },
        "pricing": {"prompt": prompt, "completion": prompt, "input_cache_read": "0"},
        "top_provider": {"context_length": 200000, "max_completion_tokens": 64000},
        "supported_parameters": ["max_tokens", "tools", "reasoning"],
        "preferredIndex": index,
    }
    return row


def gateway_body(count: int) -> bytes:
    rng = random.Random(count)
    return json.dumps({"data": [gateway_row(i, rng) for i in range(count)]}).encode()


def write_cached_catalog(home: Path, body: bytes) -> tuple[float, int]:
    """Parse a gateway answer and write the cache as kilocli does; returns (seconds, models)."""
    from kilocli.catalog.cache import CachedCatalog, write_cache
    from kilocli.catalog.parse import parse_models_payload
    from kilocli.paths import resolve_paths
    from kilocli.providers.registry import get_provider

    paths = resolve_paths({"KILOCLI_HOME": str(home)})
    started = time.perf_counter()
    parsed = parse_models_payload(json.loads(body))
    base_url = get_provider("kilocode").base_url
    write_cache(paths.models_cache("kilocode"), CachedCatalog(base_url, time.time(), parsed.models))
    return time.perf_counter() - started, len(parsed.models)


def serve_models(count: int, stack: contextlib.ExitStack) -> str:
    """A gateway on 127.0.0.1 that answers ``GET /api/gateway/models`` with ``count`` models,
    in a child process (so that the measured processes do not inherit its memory: wait4 counts
    what a fork shares); returns its base URL. The child stops with ``stack``."""
    server = subprocess.Popen(
        [sys.executable, __file__, "--serve", str(count)], stdout=subprocess.PIPE, text=True
    )
    stack.callback(server.kill)
    assert server.stdout is not None
    port = int(server.stdout.readline())
    return f"http://127.0.0.1:{port}/api/gateway/"


def serve_forever(count: int) -> None:
    """The child of :func:`serve_models`: prints its port, then serves until killed."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    body = gateway_body(count)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:  # quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()


def run_once(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall time and peak RSS (MiB) of one process."""
    started = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"benchmark command failed ({proc.returncode}): {' '.join(argv)}")
    return elapsed, usage.ru_maxrss / 1024  # Linux reports KiB


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11, help="timed runs per command (default 11)")
    parser.add_argument("--generate", nargs=2, metavar=("HOME", "COUNT"), help=argparse.SUPPRESS)
    parser.add_argument("--serve", type=int, metavar="COUNT", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve_forever(args.serve)
        return 0
    if args.generate:  # in a child, so that the parent stays small (wait4 counts the fork)
        home, count = Path(args.generate[0]), int(args.generate[1])
        body = gateway_body(count)
        seconds, models = write_cached_catalog(home, body)
        print(json.dumps({"seconds": seconds, "models": models, "bytes": len(body)}))
        return 0
    kilocli = shutil.which("kilocli", path=str(Path(sys.executable).parent)) or shutil.which(
        "kilocli"
    )
    if kilocli is None:
        raise SystemExit("kilocli is not installed in this environment: pip install -e .")

    workdir = Path(tempfile.mkdtemp(prefix="kilocli-bench-"))
    try:
        with contextlib.ExitStack() as stack:
            return bench(kilocli, workdir, args.runs, stack)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def bench(kilocli: str, workdir: Path, runs: int, stack: contextlib.ExitStack) -> int:
    import compileall

    import kilocli as package

    # As after "pip install": bytecode is compiled (an editable install compiles on first
    # import, unless PYTHONDONTWRITEBYTECODE forbids it, and then every run compiles anew).
    compileall.compile_dir(Path(package.__file__).parent, quiet=1)
    base_env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("KILO", "OPENROUTER")) and k != "PYTHONDONTWRITEBYTECODE"
    }
    base_env.update(NO_COLOR="1", COLUMNS="120")
    homes = {}
    print("Parsing a gateway answer and writing the cache (in-process):")
    for count in (2_000, 20_000):
        home = workdir / f"home-{count}"
        child = subprocess.run(
            [sys.executable, __file__, "--generate", str(home), str(count)],
            capture_output=True,
            text=True,
            check=True,
        )
        result = json.loads(child.stdout)
        seconds, models = result["seconds"], result["models"]
        homes[count] = home
        print(
            f"  {count:>6} models  {result['bytes'] / 2**20:6.1f} MiB  {seconds * 1000:7.1f} ms"
            f"  ({seconds / models * 1e6:.1f} us per model)"
        )
    gateway_url = serve_models(20_000, stack)
    env_2k = {**base_env, "KILOCLI_HOME": str(homes[2_000])}
    env_20k = {**base_env, "KILOCLI_HOME": str(homes[20_000])}
    for env in (env_2k, env_20k):  # a set-up home: config, a stored key, a default model
        onboard = [
            kilocli,
            "onboard",
            "--non-interactive",
            "--kilocode-api-key",
            KEY,
            "--no-verify",
        ]
        subprocess.run(onboard, env=env, check=True, capture_output=True)

    baseline = Measure(
        "python -c 'import typer'", [sys.executable, "-c", "import typer"], base_env, Budget()
    )
    measures = [
        Measure("kilocli --version", [kilocli, "--version"], env_2k, Budget(ratio=0.5)),
        Measure(
            "kilocli --help", [kilocli, "--help"], env_2k, Budget(ratio=1.3, strict_ratio=False)
        ),
        Measure(
            "models kilocode --json --offline (2k)",
            [kilocli, "models", "kilocode", "--json", "--offline"],
            env_2k,
            Budget(ratio=4.0, mib=100, strict_ratio=False),
        ),
        Measure(
            "models kilocode --json --offline (20k)",
            [kilocli, "models", "kilocode", "--json", "--offline"],
            env_20k,
            Budget(seconds=1.0, mib=100),
        ),
        Measure(
            "models kilocode --offline (table, 2k)",
            [kilocli, "models", "kilocode", "--offline"],
            env_2k,
            Budget(mib=100),
        ),
        Measure(
            "models kilocode --offline (table, 20k)",
            [kilocli, "models", "kilocode", "--offline"],
            env_20k,
            Budget(mib=100),
        ),
        Measure(
            "onboard --non-interactive --no-verify (fresh home)",
            [kilocli, "onboard", "--non-interactive", "--kilocode-api-key", KEY, "--no-verify"],
            base_env,
            Budget(ratio=4.0, mib=100, strict_ratio=False),
            fresh_home=True,
        ),
        Measure(
            "auth status --json",
            [kilocli, "auth", "status", "--json"],
            {**env_2k, "KILOCODE_API_KEY": KEY},
            Budget(ratio=4.0, mib=100, strict_ratio=False),
        ),
        Measure(
            "models status --json",
            [kilocli, "models", "status", "--json"],
            env_2k,
            Budget(ratio=4.0, mib=100, strict_ratio=False),
        ),
        Measure(
            "env (to a pipe)",
            [kilocli, "env"],
            env_2k,
            Budget(ratio=4.0, mib=100, strict_ratio=False),
        ),
        Measure(
            "exec -- true",
            [kilocli, "exec", "--", "true"],
            env_2k,
            Budget(ratio=4.0, mib=100, strict_ratio=False),
        ),
        Measure(
            "models kilocode --refresh --json (20k from a local gateway)",
            [kilocli, "models", "kilocode", "--refresh", "--json"],
            {**env_20k, "KILOCODE_BASE_URL": gateway_url},
            Budget(mib=150),
        ),
    ]
    for measure in [baseline, *measures]:  # warm-up: page cache, .pyc files
        run_once(measure.argv, _env_for(measure, workdir, -1))
    for measure in [baseline, *measures]:
        measure.times = []
    for run in range(runs):
        for measure in measures:
            elapsed, _ = run_once(baseline.argv, baseline.env)
            assert baseline.times is not None
            baseline.times.append(elapsed)
            elapsed, peak = run_once(measure.argv, _env_for(measure, workdir, run))
            assert measure.times is not None
            measure.times.append(elapsed)
            measure.peak_mib = max(measure.peak_mib, peak)
    return report(baseline, measures)


def _env_for(measure: Measure, workdir: Path, run: int) -> dict[str, str]:
    if not measure.fresh_home:
        return measure.env
    home = workdir / f"fresh-{run}-{random.random():.6f}"
    return {**measure.env, "KILOCLI_HOME": str(home)}


def report(baseline: Measure, measures: list[Measure]) -> int:
    assert baseline.times is not None
    base = statistics.median(baseline.times)
    print(
        f"\nBaseline {baseline.name}: median {base * 1000:.1f} ms over {len(baseline.times)} runs\n"
    )
    header = f"{'command':<52} {'median':>9} {'ratio':>6} {'peak':>9}  budget"
    print(header)
    print("-" * len(header))
    missed = 0
    for m in measures:
        assert m.times is not None
        median = statistics.median(m.times)
        ratio = median / base
        verdicts = []
        b = m.budget
        if b.ratio is not None:
            ok = ratio < b.ratio if b.strict_ratio else ratio <= b.ratio
            verdicts.append(
                f"{'<' if b.strict_ratio else '<='}{b.ratio}x {'ok' if ok else 'MISSED'}"
            )
            missed += not ok
        if b.seconds is not None:
            ok = median < b.seconds
            verdicts.append(f"<{b.seconds:g} s {'ok' if ok else 'MISSED'}")
            missed += not ok
        if b.mib is not None:
            ok = m.peak_mib < b.mib
            verdicts.append(f"<{b.mib:g} MiB {'ok' if ok else 'MISSED'}")
            missed += not ok
        print(
            f"{m.name:<52} {median * 1000:7.1f}ms {ratio:5.2f}x {m.peak_mib:6.1f}MiB  {', '.join(verdicts)}"
        )
    print(f"\n{'All budgets met.' if not missed else f'{missed} budget(s) missed.'}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
