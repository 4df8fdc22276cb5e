"""Speed and memory budgets of SPEC §10, measured as whole processes.

Run from the repository with kilocli installed:  python bench/run.py  [--runs N] [--instructions]

Every row runs in a home of its own that no other row touches (each cached catalog is generated
for its row alone; onboarding gets a fresh home on every run). Every run of every row is
checked before its time counts: the 20k listing must print 20,000 generated models, onboarding
must write its profile, ``auth token`` must print the key. A row that did not do its work is a
failure, not a figure.

Times are medians of whole processes, alternating with ``python -c "import typer"`` in the same
run, so that ratios compare like with like on this machine. The processes are started by a small
runner process, and their peak RSS read from the kernel (``wait4``): a child started by vfork
inherits its parent's high-water mark, so the parent (which reads 20,000-model outputs) never
starts a measured process itself. ``--instructions`` also counts instructions under callgrind,
which load does not move (slow: about a minute). Exits 1 when a budget is missed or a row
failed.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

KEY = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJiZW5jaG1hcmsifQ.YmVuY2htYXJrLXNpZ25hdHVyZS1ieXRlcw"
GENERATED_ID = re.compile(r"/model-\d{5}")  # the ids gateway_row makes (never a fallback's)

# The runner: reads one JSON request a line, starts it, answers with its wall time, CPU time,
# peak RSS and exit code. Tiny, so that its own high-water mark is below any measured process's.
RUNNER = r"""
import json, os, subprocess, sys, time
for line in sys.stdin:
    job = json.loads(line)
    with open(job["out"], "wb") as out, open(job["err"], "wb") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(job["argv"], env=job["env"], stdout=out, stderr=err,
                                stdin=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - started
    print(json.dumps({"seconds": elapsed, "cpu": usage.ru_utime + usage.ru_stime,
                      "mib": usage.ru_maxrss / 1024, "rc": os.waitstatus_to_exitcode(status)}),
          flush=True)
"""


@dataclass(frozen=True)
class Budget:
    """``ratio``: at most this many times ``import typer``; ``seconds``/``mib``: absolute."""

    ratio: float | None = None
    seconds: float | None = None
    mib: float | None = None
    strict_ratio: bool = True  # "under" (strict) or "within" (at most)


@dataclass(frozen=True)
class Output:
    """What one run left behind: its exit code, its output, and its home."""

    rc: int
    stdout: Path
    stderr: Path
    home: Path

    def text(self) -> str:
        return self.stdout.read_text(encoding="utf-8", errors="replace")

    def errors(self) -> str:
        return self.stderr.read_text(encoding="utf-8", errors="replace")


Check = Callable[[Output], str | None]  # None when the run did its work, else why not


@dataclass
class Row:
    name: str
    args: list[str]
    home: Path
    check: Check
    budget: Budget = field(default_factory=Budget)
    env: dict[str, str] = field(default_factory=dict)
    fresh_home: bool = False  # a new, empty home on every run (onboarding)
    skip: str | None = None  # why this row is not measured (a command that does not exist yet)
    instructions: bool = True  # counted under --instructions (not the slow 50k/refresh rows)
    times: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    peak_mib: float = 0.0
    failure: str | None = None
    ir: int | None = None


# --- the checks ------------------------------------------------------------------------------


def listed_json(models: int, source: str = "cache") -> Check:
    """A ``models … --json`` document from ``source`` that lists exactly ``models`` generated
    models (the fallback and configured models come on top, whatever their number)."""

    def check(run: Output) -> str | None:
        try:
            document = json.loads(run.stdout.read_bytes())
        except ValueError:
            return "stdout is not one JSON document"
        generated = sum(bool(GENERATED_ID.search(m["id"])) for m in document["models"])
        if document["source"] != source:
            return f"source is {document['source']!r}, not {source!r}"
        if generated != models or document["count"] != len(document["models"]):
            return f"listed {generated:,} generated models, not {models:,}"
        return None

    return check


def listed_table(models: int) -> Check:
    """A table with the header and one line per generated model (lines are cut to the width,
    so a row is one line), and the count on stderr."""

    def check(run: Output) -> str | None:
        lines = run.text().splitlines()
        if not lines or not lines[0].startswith("Model") or "$/M in/out" not in lines[0]:
            return "no table header on stdout"
        generated = sum(bool(GENERATED_ID.search(line)) for line in lines[1:])
        if generated != models:
            return f"the table has {generated:,} generated models, not {models:,}"
        if "model(s), cached" not in run.errors():
            return "no 'N model(s), cached' line on stderr"
        return None

    return check


def refused(run: Output) -> str | None:
    """A refresh that refused an oversized answer and fell back to the built-in catalog."""
    if "more than" not in run.errors():
        return "no warning that the answer was too large"
    return listed_json(0, source="fallback")(run)


def onboarded(run: Output) -> str | None:
    profiles = run.home / "auth-profiles.toml"
    config = run.home / "config.toml"
    if not profiles.is_file() or KEY not in profiles.read_text():
        return "auth-profiles.toml does not hold the key"
    if not config.is_file() or "kilocode" not in config.read_text():
        return "config.toml does not name kilocode"
    if "Onboarding complete." not in run.text():
        return "no 'Onboarding complete.' summary"
    return None


def auth_status(run: Output) -> str | None:
    text = run.text()
    if '"kilocode"' not in text or KEY[-4:] not in text or KEY in text:
        return "no kilocode key preview in the status (or the raw key)"
    json.loads(text)
    return None


def models_status(models: int) -> Check:
    def check(run: Output) -> str | None:
        document = json.loads(run.stdout.read_bytes())
        kilocode = [p for p in document["providers"] if p["provider"] == "kilocode"]
        if not kilocode or kilocode[0]["cachedModels"] != models:
            return f"the kilocode cache is not reported with {models:,} models"
        if not document["defaultModel"]:
            return "no default model"
        return None

    return check


def printed(*needles: str, exact: str | None = None) -> Check:
    def check(run: Output) -> str | None:
        text = run.text()
        if exact is not None and text != exact:
            return f"stdout is not {exact!r}"
        missing = [needle for needle in needles if needle not in text]
        return f"stdout lacks {missing[0]!r}" if missing else None

    return check


def exited_zero(run: Output) -> str | None:
    return None  # the exit code is checked for every row; exec's says the key was found


# --- the homes -------------------------------------------------------------------------------


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


def write_cached_catalog(home: Path, body: bytes, base_url: str | None) -> tuple[float, int]:
    """Parse a gateway answer and write the cache as kilocli does; returns (seconds, models)."""
    from kilocli.catalog.cache import CachedCatalog, write_cache
    from kilocli.catalog.parse import parse_models_payload
    from kilocli.paths import resolve_paths
    from kilocli.providers.registry import get_provider

    paths = resolve_paths({"KILOCLI_HOME": str(home)})
    started = time.perf_counter()
    parsed = parse_models_payload(json.loads(body))
    base_url = base_url or get_provider("kilocode").base_url
    write_cache(paths.models_cache("kilocode"), CachedCatalog(base_url, time.time(), parsed.models))
    return time.perf_counter() - started, len(parsed.models)


def generate(home: Path, count: int, base_url: str | None = None) -> dict[str, float]:
    """A cached catalog of ``count`` models in ``home``, made in a child process of its own."""
    argv = [sys.executable, __file__, "--generate", str(home), str(count), base_url or ""]
    child = subprocess.run(argv, capture_output=True, text=True, check=True)
    result: dict[str, float] = json.loads(child.stdout)
    if result["models"] != count:
        raise SystemExit(f"generated {result['models']} models, not {count}")
    return result


def serve_models(count: int, stack: contextlib.ExitStack) -> str:
    """A gateway on 127.0.0.1 that answers ``GET /api/gateway/models`` with ``count`` models,
    in a child process; returns its base URL. The child stops with ``stack``."""
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
            with contextlib.suppress(ConnectionError):  # kilocli refused it before the end
                self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:  # quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()


class Homes:
    """Makes one home per row under ``workdir``; none is shared."""

    def __init__(self, kilocli: str, workdir: Path, env: dict[str, str]) -> None:
        self.kilocli, self.workdir, self.env = kilocli, workdir, env
        self.made: list[str] = []

    def new(self, name: str, *, onboard: bool = True) -> Path:
        home = self.workdir / "homes" / name
        if home.exists():
            raise SystemExit(f"two rows share the home {name}")
        home.mkdir(parents=True)
        if onboard:  # a set-up home: config, a stored key (file store), a default model
            argv = [self.kilocli, "onboard", "--non-interactive", "--kilocode-api-key", KEY]
            env = {**self.env, "KILOCLI_HOME": str(home)}
            subprocess.run([*argv, "--no-verify"], env=env, check=True, capture_output=True)
        return home

    def set_up(self, name: str) -> Path:
        """A set-up home whose config records that ``setup`` wrote for aider and opencode (what
        ``shell-init`` wraps), without touching those tools' own files."""
        home = self.new(name)
        with (home / "config.toml").open("a") as config:
            config.write('\n[setup.aider]\nprovider = "kilocode"\n')
            config.write('\n[setup.opencode]\nprovider = "kilocode"\n')
        return home

    def cached(self, name: str, count: int, base_url: str | None = None) -> Path:
        home = self.new(name)
        result = generate(home, count, base_url)
        self.made.append(
            f"  {name:<22} {count:>6} models  {result['bytes'] / 2**20:6.1f} MiB answer  "
            f"parsed and cached in {result['seconds'] * 1000:7.1f} ms"
        )
        return home


# --- running ---------------------------------------------------------------------------------


class Runner:
    """The small child process that starts every measured process (see the module doc)."""

    def __init__(self, stack: contextlib.ExitStack) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-I", "-S", "-c", RUNNER],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        stack.callback(self.proc.kill)

    def run(self, argv: list[str], env: dict[str, str], out: Path, err: Path) -> dict[str, float]:
        assert self.proc.stdin is not None
        assert self.proc.stdout is not None
        job = {"argv": argv, "env": env, "out": str(out), "err": str(err)}
        self.proc.stdin.write(json.dumps(job) + "\n")
        self.proc.stdin.flush()
        answer: dict[str, float] = json.loads(self.proc.stdout.readline())
        return answer


class Bench:
    def __init__(self, runner: Runner, workdir: Path, base_env: dict[str, str]) -> None:
        self.runner, self.workdir, self.base_env = runner, workdir, base_env
        self.out, self.err = workdir / "stdout", workdir / "stderr"
        self.fresh = 0

    def env_of(self, row: Row) -> tuple[dict[str, str], Path]:
        home = row.home
        if row.fresh_home:
            self.fresh += 1
            home = row.home / f"run-{self.fresh}"
        return {**self.base_env, **row.env, "KILOCLI_HOME": str(home)}, home

    def once(self, row: Row) -> None:
        """One checked run of ``row``: its figures count only if it did its work."""
        env, home = self.env_of(row)
        result = self.runner.run(row.args, env, self.out, self.err)
        output = Output(int(result["rc"]), self.out, self.err, home)
        problem = (
            f"exit code {output.rc}: {output.errors().strip()[-300:]}"
            if output.rc
            else row.check(output)
        )
        if problem:
            row.failure = row.failure or problem
            return
        row.times.append(result["seconds"])
        row.cpu.append(result["cpu"])
        row.peak_mib = max(row.peak_mib, result["mib"])
        if row.fresh_home:
            shutil.rmtree(home, ignore_errors=True)

    def baseline(self, baseline: Row) -> None:
        result = self.runner.run(baseline.args, self.base_env, self.out, self.err)
        if result["rc"]:
            raise SystemExit("python -c 'import typer' failed")
        baseline.times.append(result["seconds"])
        baseline.cpu.append(result["cpu"])
        baseline.peak_mib = max(baseline.peak_mib, result["mib"])

    def instructions(self, row: Row) -> int | None:
        """Instructions of one run under callgrind (None when valgrind is missing)."""
        valgrind = shutil.which("valgrind")
        if valgrind is None:
            return None
        log = self.workdir / "callgrind.log"
        argv = [
            valgrind,
            "--tool=callgrind",
            "--callgrind-out-file=/dev/null",
            f"--log-file={log}",
            *row.args,
        ]
        env = self.env_of(row)[0]
        self.runner.run(argv, env, self.out, self.err)
        found = re.search(r"Collected : (\d+)", log.read_text())
        return int(found.group(1)) if found else None


def rows(kilocli: str, homes: Homes, stack: contextlib.ExitStack) -> list[Row]:
    """Every row of SPEC §10, each with its own home."""
    k = kilocli
    version = "kilocli " + _version()
    within3 = Budget(ratio=3.0, strict_ratio=False)
    within2 = Budget(ratio=2.0, strict_ratio=False)
    listing_20k = Budget(seconds=0.5, mib=80)
    json_args = [k, "models", "kilocode", "--json", "--offline"]
    table_args = [k, "models", "kilocode", "--offline"]
    commands = _commands(kilocli)
    gateway_20k, gateway_50k = serve_models(20_000, stack), serve_models(50_000, stack)
    return [
        Row("kilocli --version", [k, "--version"], homes.new("version", onboard=False),
            printed(exact=version + "\n"), Budget(ratio=0.5)),
        Row("kilocli --help", [k, "--help"], homes.new("help", onboard=False),
            printed("Usage: kilocli", "onboard", "models"), Budget(ratio=1.3, strict_ratio=False)),
        Row("models kilocode --json --offline (2k)", json_args, homes.cached("json-2k", 2_000),
            listed_json(2_000), within3),
        Row("models kilocode --offline (table, 2k)", table_args, homes.cached("table-2k", 2_000),
            listed_table(2_000), within3),
        Row("models kilocode --json --offline (20k)", json_args, homes.cached("json-20k", 20_000),
            listed_json(20_000), listing_20k),
        Row("models kilocode --offline (table, 20k)", table_args,
            homes.cached("table-20k", 20_000), listed_table(20_000), listing_20k),
        Row("models kilocode --json --offline (50k)", json_args, homes.cached("json-50k", 50_000),
            listed_json(50_000), instructions=False),
        Row("models kilocode --offline (table, 50k)", table_args,
            homes.cached("table-50k", 50_000), listed_table(50_000), instructions=False),
        Row("models kilocode --refresh --json (20k, local gateway)",
            [k, "models", "kilocode", "--refresh", "--json"],
            homes.cached("refresh-20k", 20_000, gateway_20k), listed_json(20_000, "gateway"),
            Budget(mib=120), env={"KILOCODE_BASE_URL": gateway_20k}, instructions=False),
        Row("models kilocode --refresh --json (50k: refused)",
            [k, "models", "kilocode", "--refresh", "--json"],
            homes.new("refresh-50k"), refused, Budget(mib=120),
            env={"KILOCODE_BASE_URL": gateway_50k}, instructions=False),
        Row("onboard --non-interactive --no-verify (fresh home)",
            [k, "onboard", "--non-interactive", "--kilocode-api-key", KEY, "--no-verify"],
            homes.new("onboard", onboard=False), onboarded, within3, fresh_home=True),
        Row("auth status --json", [k, "auth", "status", "--json"], homes.new("auth-status"),
            auth_status, within3),
        Row("models status --json", [k, "models", "status", "--json"],
            homes.cached("models-status", 2_000), models_status(2_000), within3),
        Row("env (to a pipe)", [k, "env"], homes.new("env"),
            printed(f"KILOCODE_API_KEY='{KEY}'"), within3),
        Row("exec -- true", [k, "exec", "--", "true"], homes.new("exec"), exited_zero, within3),
        Row("auth token kilocode (file store)", [k, "auth", "token", "kilocode"],
            homes.new("token-file"), printed(exact=KEY + "\n"), within2,
            skip=None if "auth token" in commands else "not implemented (no auth token)"),
        keyring_row(k, homes, stack, within2),
        Row("shell-init bash", [k, "shell-init", "bash"], homes.set_up("shell-init"),
            printed("kilocli", "aider", "opencode"), within2,
            skip=None if "shell-init" in commands else "not implemented (no shell-init)"),
    ]  # fmt: skip


def keyring_row(k: str, homes: Homes, stack: contextlib.ExitStack, budget: Budget) -> Row:
    """``auth token`` with the key in a real Secret Service (SPEC §14), started on a private
    bus of its own (as the tests do); skipped where gnome-keyring or dbus is missing."""
    name, args = "auth token kilocode (keyring)", [k, "auth", "token", "kilocode"]
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from tests.secret_service import missing_programs, secret_service

    missing = missing_programs()
    if missing:
        home = homes.new("token-keyring", onboard=False)
        return Row(name, args, home, printed(exact=KEY + "\n"), budget,
                   skip=f"no Secret Service here ({', '.join(missing)} missing)")  # fmt: skip
    bus = stack.enter_context(secret_service(homes.workdir / "secret-service"))
    env = {**bus, "KILOCLI_STORE": "keyring"}
    home = homes.new("token-keyring", onboard=False)
    argv = [k, "onboard", "--non-interactive", "--kilocode-api-key", KEY, "--no-verify"]
    subprocess.run(argv, env={**homes.env, **env, "KILOCLI_HOME": str(home)}, check=True,
                   capture_output=True)  # fmt: skip
    if KEY in (home / "auth-profiles.toml").read_text():
        raise SystemExit("the keyring row's key went to the file")
    return Row(name, args, home, printed(exact=KEY + "\n"), budget, env=env)


def _version() -> str:
    from kilocli import __version__

    return __version__


def _commands(kilocli: str) -> set[str]:
    """The commands this kilocli has (``auth token``, ``shell-init`` came later)."""
    found = set()
    for group, prefix in (([kilocli, "--help"], ""), ([kilocli, "auth", "--help"], "auth ")):
        text = subprocess.run(group, capture_output=True, text=True, check=False).stdout
        names = re.findall(r"^  (\S+)", text.split("Commands:")[-1], re.MULTILINE)
        found.update(prefix + name for name in names)
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11, help="timed runs per command (default 11)")
    parser.add_argument(
        "--instructions", action="store_true", help="count instructions under callgrind too"
    )
    parser.add_argument("--only", help="measure only the rows whose name contains this")
    parser.add_argument("--generate", nargs=3, metavar=("HOME", "COUNT", "URL"), help="-")
    parser.add_argument("--serve", type=int, metavar="COUNT", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve_forever(args.serve)
        return 0
    if args.generate:  # in a child, so that the parent stays small
        home, count, url = Path(args.generate[0]), int(args.generate[1]), args.generate[2]
        body = gateway_body(count)
        seconds, models = write_cached_catalog(home, body, url or None)
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
            return bench(kilocli, workdir, args, stack)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def bench(
    kilocli: str, workdir: Path, args: argparse.Namespace, stack: contextlib.ExitStack
) -> int:
    import compileall

    import kilocli as package

    # As after "pip install": bytecode is compiled (an editable install compiles on first
    # import, unless PYTHONDONTWRITEBYTECODE forbids it, and then every run compiles anew).
    compileall.compile_dir(Path(package.__file__).parent, quiet=1)
    for name in ("keyring", "secretstorage", "jeepney", "jaraco", "cryptography"):
        with contextlib.suppress(ImportError):  # as pip compiles them at install time
            found = __import__(name).__path__
            for directory in found:
                compileall.compile_dir(directory, quiet=1)
    base_env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("KILO", "OPENROUTER", "FORCE_COLOR", "TTY_"))
        and k not in {"PYTHONDONTWRITEBYTECODE", "CI"}
    }
    # A terminal's width for the tables (COLUMNS), no colour; stdout is a file, where kilocli
    # draws the same table as on a terminal (only --plain or --json change the form).
    base_env.update(NO_COLOR="1", COLUMNS="120", KILOCLI_STORE="file")
    runner = Runner(stack)  # first, while this process is small
    homes = Homes(kilocli, workdir, base_env)
    measured = rows(kilocli, homes, stack)
    if args.only:
        measured = [row for row in measured if args.only in row.name]
    print("Homes (one per row; each catalog parsed and cached by kilocli's own code):")
    print("\n".join(homes.made))
    baseline = Row(
        "python -c 'import typer'",
        [sys.executable, "-c", "import typer"],
        workdir,
        exited_zero,
    )
    bench = Bench(runner, workdir, base_env)
    active = [row for row in measured if row.skip is None]
    for row in active:  # warm-up (page cache, .pyc files), checked like every run
        bench.baseline(baseline)
        bench.once(row)
    baseline.times, baseline.cpu = [], []
    for row in active:
        row.times, row.cpu = [], []
    for _ in range(args.runs):
        for row in active:
            if row.failure is None:
                bench.baseline(baseline)
                bench.once(row)
    if args.instructions:
        baseline.ir = bench.instructions(baseline)
        for row in active:
            if row.instructions and row.failure is None:
                row.ir = bench.instructions(row)
    return report(baseline, measured)


def report(baseline: Row, measured: list[Row]) -> int:
    base, base_cpu = statistics.median(baseline.times), statistics.median(baseline.cpu)
    print(
        f"\nBaseline {baseline.name}: median {base * 1000:.1f} ms (CPU {base_cpu * 1000:.1f} ms)"
        f" over {len(baseline.times)} runs"
        + (f", {baseline.ir / 1e6:.0f}M instructions" if baseline.ir else "")
        + "\n"
    )
    header = f"{'command':<55} {'median':>9} {'ratio':>6} {'cpu':>6} {'peak':>9}  budget"
    print(header)
    print("-" * len(header))
    missed = 0
    for row in measured:
        if row.skip:
            print(f"{row.name:<55} skipped: {row.skip}")
            continue
        if row.failure or not row.times:
            print(f"{row.name:<55} FAILED: {row.failure}")
            missed += 1
            continue
        median = statistics.median(row.times)
        ratio = median / base
        verdicts = []
        b = row.budget
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
            ok = row.peak_mib < b.mib
            verdicts.append(f"<{b.mib:g} MiB {'ok' if ok else 'MISSED'}")
            missed += not ok
        cpu_ratio = statistics.median(row.cpu) / base_cpu
        if row.ir and baseline.ir:
            verdicts.append(f"{row.ir / baseline.ir:.2f}x in instructions")
        print(
            f"{row.name:<55} {median * 1000:7.1f}ms {ratio:5.2f}x {cpu_ratio:5.2f}x"
            f" {row.peak_mib:6.1f}MiB  {', '.join(verdicts) or '(for the slope)'}"
        )
    slope(measured)
    print(
        f"\n{'All budgets met.' if not missed else f'{missed} budget(s) missed or row(s) failed.'}"
    )
    return 1 if missed else 0


def slope(measured: list[Row]) -> None:
    """What 1,000 more cached models cost the listing, between 2k and 20k and 20k and 50k."""
    by_name = {row.name: row for row in measured if row.times and not row.failure}
    print("\nPer 1,000 cached models (cost is linear when the two slopes agree):")
    for form in ("--json --offline", "--offline (table"):
        sizes = {}
        for count in (2, 20, 50):
            row = next(
                (r for name, r in by_name.items() if form in name and f"{count}k" in name), None
            )
            if row is not None:
                sizes[count] = (statistics.median(row.times) * 1000, row.peak_mib)
        if len(sizes) < 3:
            continue
        parts = []
        for low, high in ((2, 20), (20, 50)):
            (t0, m0), (t1, m1) = sizes[low], sizes[high]
            parts.append(
                f"{low}k->{high}k {(t1 - t0) / (high - low):5.1f} ms {(m1 - m0) / (high - low):5.2f} MiB"
            )
        label = "models kilocode " + ("--json --offline" if "json" in form else "--offline (table)")
        print(f"  {label:<34} {'   '.join(parts)}")


if __name__ == "__main__":
    sys.exit(main())
