"""Build the release from a clean checkout and check it: `python scripts/build_release.py [--install-check]`.

1. A clean copy of the committed tree (`git archive HEAD`; `--worktree` takes the working tree instead).
2. `pyinstaller build.spec --noconfirm` there, into a temporary build folder, timed.
3. Checks of the frozen app, each against a source run of the same copy, measured in the same run: its
   JSON export of a seed equals the source run's byte for byte; `--smoke-test` on the bundled protocols
   passes offscreen (and on X11 under Xvfb, and in a network namespace, when those are to be had);
   `--version` is the package's; every library it links is in the bundle or on the host's list; its
   cold start (time to `--smoke-test` exit, and to `--version` exit) next to the source run's, medians of
   `--runs` runs taken in turn. The bundle's size and its largest parts.
4. The packages: a .tar.gz of the onedir and the .deb (packaging/debian.py); `--install-check` installs
   the .deb with dpkg, runs the installed app, removes it (`dpkg -P`) and compares the file lists before
   and after (root and dpkg needed; `--apt` first installs missing dependencies with apt-get).

Prints a report and writes it as JSON to OUT/report.json (default dist/release). Exit 1 when a check failed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import tomllib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "packaging"))
import debian  # noqa: E402  (packaging/debian.py)

SEED = "protocols/01_NCT01165008_ctgov-page.txt"
BUNDLE_LIMIT = 100_000_000  # bytes: the "under 100 MB"
# Largest parts of the bundle, by where they sit (first match wins); the rest is "other".
PARTS = (
    ("ICU (libicu*, data cut to what Qt uses)", ("_internal/PySide6/Qt/lib/libicu",)),
    ("Qt libraries (Core, Gui, Widgets, PrintSupport, Svg, DBus, XcbQpa)", ("_internal/PySide6/Qt/lib/",)),
    ("Qt plugins (xcb, offscreen, svg, cups, input methods)", ("_internal/PySide6/Qt/plugins/",)),
    ("PySide6 and shiboken6 bindings", ("_internal/PySide6/", "_internal/shiboken6/")),
    ("Python runtime (libpython, extension modules, base library)",
     ("_internal/libpython", "_internal/python3", "_internal/base_library.zip")),
    ("rapidfuzz (the diff's similarity, C++)", ("_internal/rapidfuzz/",)),
    ("pydantic-core (the model, Rust)", ("_internal/pydantic_core/",)),
    ("tantivy (the search index, Rust)", ("_internal/tantivy/",)),
    ("executable (bootloader and the compiled Python code)", ("trialviewer",)),
    ("libraries of the standard library (sqlite, zstd, lzma, ...)", ("_internal/lib",)),
    ("viewer resources and sample protocols", ("_internal/viewer/",)),
)  # fmt: skip


class Report:
    """What was checked and measured: printed as it goes, and kept for report.json."""

    def __init__(self) -> None:
        self.data: dict[str, Any] = {}
        self.checks: dict[str, dict[str, Any]] = {}
        self.notes: dict[str, str] = {}
        self.failures: list[str] = []
        self.depends: list[str] = []
        self.recommends: list[str] = []

    def check(self, name: str, ok: bool, detail: str = "") -> bool:
        print(f"  {'ok  ' if ok else 'FAIL'} {name}{': ' + detail if detail else ''}", flush=True)
        self.checks[name] = {"ok": ok, "detail": detail}
        if not ok:
            self.failures.append(name)
        return ok

    def note(self, name: str, detail: str) -> None:
        print(f"  --   {name}: {detail}", flush=True)
        self.notes[name] = detail

    def as_json(self) -> str:
        return json.dumps({**self.data, "checks": self.checks, "notes": self.notes, "depends": self.depends,
                           "recommends": self.recommends}, indent=1)  # fmt: skip


def run(
    cmd: Sequence[str | Path], cwd: Path, env: dict[str, str] | None = None, timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout,
                          check=False)  # fmt: skip


def clean_copy(target: Path, worktree: bool) -> Path:
    """The committed tree (or, with `worktree`, the tracked and untracked-but-not-ignored files) in `target`."""
    target.mkdir(parents=True)
    if worktree:
        listed = run(["git", "ls-files", "-co", "--exclude-standard", "-z"], ROOT).stdout.split("\0")
        for name in filter(None, listed):
            source = ROOT / name
            if source.is_file():
                (target / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, target / name)
        return target
    archive = subprocess.run(["git", "archive", "--format=tar", "HEAD"], cwd=ROOT, capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive.stdout, check=True)
    return target


def headless_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"}}
    env["TRIALVIEWER_HOME"] = str(home)
    return env


def source_env(src: Path, home: Path, pycache: Path) -> dict[str, str]:
    """A source run as an installed one runs: this copy's code first, with its bytecode cached."""
    env = headless_env(home)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(pycache)
    env["PYTHONPATH"] = str(src)
    return env


def median_seconds(commands: dict[str, Callable[[], subprocess.CompletedProcess[str]]], runs: int) -> dict[str, float]:
    """Medians of `runs` runs of each command, taken in turn (after one warm-up each), in seconds."""
    for command in commands.values():
        command()
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            start = time.perf_counter()
            done = command()
            times[name].append(time.perf_counter() - start)
            if done.returncode != 0:
                raise RuntimeError(f"{name} failed while timed: {done.stdout}{done.stderr}")
    return {name: statistics.median(values) for name, values in times.items()}


def bundle_parts(dist: Path) -> tuple[int, list[tuple[str, int]], list[tuple[str, int]]]:
    """(total bytes, [(part, bytes)] largest first, [(file, bytes)] the 12 largest); links count as nothing."""
    files = [
        (p.relative_to(dist).as_posix(), p.lstat().st_size)
        for p in dist.rglob("*")
        if p.is_file() and not p.is_symlink()
    ]
    parts: dict[str, int] = {}
    for name, size in files:
        part = next((label for label, prefixes in PARTS if name.startswith(prefixes)), "other")
        parts[part] = parts.get(part, 0) + size
    total = sum(size for _, size in files)
    return total, sorted(parts.items(), key=lambda kv: -kv[1]), sorted(files, key=lambda kv: -kv[1])[:12]


def unshare_prefix() -> list[str] | None:
    tool = shutil.which("unshare")
    if tool is None:
        return None
    prefix = [tool, "-n"] if os.geteuid() == 0 else [tool, "-rn"]
    return prefix if subprocess.run([*prefix, "true"], capture_output=True, check=False).returncode == 0 else None


def check_app(report: Report, src: Path, app: Path, scratch: Path, runs: int, version: str) -> None:
    cli, gui = app / "trialviewer-cli", app / "trialviewer"
    home, pycache = scratch / "home", scratch / "pycache"
    frozen_env, py_env = headless_env(home), source_env(src, home, pycache)

    done = run([cli, "--version"], src, frozen_env)
    report.check("--version", done.stdout.strip() == f"trialviewer {version}", done.stdout.strip() or done.stderr)

    frozen = run([cli, "export", SEED, "--to", "json"], src, frozen_env)
    source = run([sys.executable, "-m", "viewer", "export", SEED, "--to", "json"], src, py_env)
    same = frozen.returncode == 0 and source.returncode == 0 and frozen.stdout == source.stdout and frozen.stdout
    digest = hashlib.sha256(frozen.stdout.encode()).hexdigest()[:16]
    detail = f"{len(frozen.stdout)} bytes, sha256 {digest}" if same else (frozen.stderr or source.stderr)[-400:]
    report.check("export of a seed to JSON equals the source run's", bool(same), detail)

    pdf = scratch / "seed.pdf"
    done = run([cli, "export", SEED, "--to", "pdf", "-o", pdf], src, frozen_env)
    made = done.returncode == 0 and pdf.is_file() and pdf.read_bytes()[:5] == b"%PDF-"
    detail = f"{pdf.stat().st_size} bytes" if made else (done.stderr or done.stdout)[-400:]
    report.check("export of a seed to PDF (Qt lays the pages out)", made, detail)

    # Search in the frozen app: indexing spawns worker processes (multiprocessing under PyInstaller needs
    # freeze_support), and tantivy and msgspec are compiled modules the bundle must carry.
    records = src / "tests" / "corpus" / "A_ctgov_api_v2_json"
    indexed = run([cli, "index", records, "--index", scratch / "index", "--workers", "2"], src, frozen_env)
    found = run([cli, "search", "certolizumab OR pregnan*", "--index", scratch / "index", "--to", "json"], src,
                frozen_env)  # fmt: skip
    mine = run([sys.executable, "-m", "viewer", "index", records, "--index", scratch / "index-source"], src, py_env)
    theirs = run([sys.executable, "-m", "viewer", "search", "certolizumab OR pregnan*", "--index",
                  scratch / "index-source", "--to", "json"], src, py_env)  # fmt: skip
    try:
        totals = (json.loads(found.stdout)["total"], json.loads(theirs.stdout)["total"])
    except (ValueError, KeyError):
        totals = (-1, -2)
    failed = (indexed.stderr or found.stderr)[-400:]
    report.check("index (2 worker processes) and search in the frozen app, as the source run finds",
                 indexed.returncode == mine.returncode == 0 and totals[0] == totals[1] > 0,
                 f"{totals[0]} hits, source {totals[1]}" if totals[0] >= 0 else failed)  # fmt: skip

    smoke = run([gui, "--smoke-test"], src, frozen_env)
    passed = smoke.returncode == 0 and "problems: ok" in smoke.stdout
    report.check(
        "--smoke-test on the bundled protocols, offscreen", passed, smoke.stdout.strip() or smoke.stderr[-400:]
    )
    xvfb = shutil.which("xvfb-run")
    if xvfb:
        on_x11 = run([xvfb, "-a", gui, "--smoke-test"], src, {**frozen_env, "QT_QPA_PLATFORM": "xcb"})
        report.check("--smoke-test on X11 (Xvfb, the xcb plugin)", on_x11.returncode == 0, on_x11.stdout.strip()
                     or on_x11.stderr[-400:])  # fmt: skip
    else:
        report.note("--smoke-test on X11", "skipped: no xvfb-run (apt-get install xvfb)")
    prefix = unshare_prefix()
    if prefix:
        offline = run([*prefix, gui, "--smoke-test"], src, frozen_env)
        report.check("--smoke-test in a network namespace without interfaces", offline.returncode == 0,
                     offline.stdout.strip() or offline.stderr[-400:])  # fmt: skip
    else:
        report.note("--smoke-test offline", "skipped: unshare -n is not permitted here")

    needed, glibc = debian.host_needs(app)
    depends, recommends, unknown = debian.relations(needed, glibc, debian.read_libraries())
    report.check(
        "every library is in the bundle or on the host list",
        not unknown,
        f"host: {', '.join(depends + recommends)}" if not unknown else f"not listed: {', '.join(unknown)}",
    )
    report.depends, report.recommends = depends, recommends

    timed = median_seconds({
        "frozen --smoke-test": lambda: run([gui, "--smoke-test"], src, frozen_env),
        "source --smoke-test": lambda: run([sys.executable, "-m", "viewer", "--smoke-test"], src, py_env),
        "frozen --version": lambda: run([cli, "--version"], src, frozen_env),
        "source --version": lambda: run([sys.executable, "-m", "viewer", "--version"], src, py_env),
    }, runs)  # fmt: skip
    report.data["cold_start_s"] = timed
    for what in ("--smoke-test", "--version"):
        f, s = timed[f"frozen {what}"], timed[f"source {what}"]
        report.note(f"cold start, {what}", f"frozen {f * 1000:.0f} ms, source {s * 1000:.0f} ms ({f / s:.2f}x), "
                                           f"medians of {runs}")  # fmt: skip


def commit_time() -> int:
    return int(run(["git", "log", "-1", "--format=%ct"], ROOT).stdout.strip() or time.time())


def tarball(app: Path, out: Path, version: str) -> Path:
    """trialviewer-VERSION-linux-ARCH.tar.gz of the onedir (links kept, owned by root, mtimes of the commit)."""
    stamp = commit_time()
    target = out / f"trialviewer-{version}-linux-{platform.machine()}.tar.gz"

    def normal(info: tarfile.TarInfo) -> tarfile.TarInfo:
        info.uid = info.gid = 0
        info.uname = info.gname = "root"
        info.mtime = stamp
        return info

    with tarfile.open(target, "w:gz", compresslevel=9) as archive:
        archive.add(app, arcname=f"trialviewer-{version}", filter=normal)
    return target


WATCHED = ("/opt", "/usr/bin", "/usr/share/applications", "/usr/share/icons/hicolor", "/usr/share/mime",
           "/usr/share/doc", "/etc", "/var/lib/dpkg/info")  # fmt: skip
CACHES = ("/usr/share/applications/mimeinfo.cache", "/usr/share/mime/globs2", "/usr/share/mime/mime.cache",
          "/usr/share/icons/hicolor/icon-theme.cache")  # fmt: skip


def snapshot() -> tuple[set[str], dict[str, str]]:
    paths = {str(p) for top in WATCHED if Path(top).exists() for p in Path(top).rglob("*")}
    digests = {c: hashlib.sha256(Path(c).read_bytes()).hexdigest() for c in CACHES if Path(c).is_file()}
    return paths, digests


def install_check(report: Report, deb: Path, src: Path, scratch: Path, apt: bool) -> None:
    if os.geteuid() != 0 or not shutil.which("dpkg"):
        report.note("install check", "skipped: needs root and dpkg")
        return
    if run(["dpkg-query", "-W", "-f", "${Status}", debian.PACKAGE], ROOT).stdout.startswith("install ok"):
        report.check("install check", False, "trialviewer is installed already: remove it first")
        return
    # What a desktop has and a bare container may not: their dpkg triggers build the caches checked below.
    wanted = [d.split()[0] for d in report.depends] + ["desktop-file-utils", "shared-mime-info"]
    missing = [
        p for p in wanted if not run(["dpkg-query", "-W", "-f", "${Status}", p], ROOT).stdout.startswith("install ok")
    ]
    if missing and apt:
        run(["apt-get", "update", "-qq"], ROOT, timeout=900)
        got = run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing], ROOT,
                  {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}, timeout=900)  # fmt: skip
        report.note(
            "dependencies installed with apt-get", ", ".join(missing) if got.returncode == 0 else got.stderr[-300:]
        )
    elif missing:
        report.check("install check", False, f"missing dependencies: {', '.join(missing)} (--apt installs them)")
        return
    before, caches_before = snapshot()
    try:
        installed = run(["dpkg", "-i", deb], ROOT)
        if not report.check("dpkg -i", installed.returncode == 0, installed.stderr.strip()[-400:]):
            return
        env = headless_env(scratch / "installed-home")
        version = run(["/usr/bin/trialviewer-cli", "--version"], src, env)
        smoke = run(["/usr/bin/trialviewer", "--smoke-test"], src, env)
        passed = smoke.returncode == 0 and "problems: ok" in smoke.stdout
        detail = f"{version.stdout.strip()}; {smoke.stdout.strip() or smoke.stderr[-300:]}"
        report.check("installed /usr/bin/trialviewer --smoke-test", passed, detail)
        cache = Path("/usr/share/applications/mimeinfo.cache")
        registered = (
            cache.is_file()
            and "application/jsonl=" in cache.read_text(encoding="utf-8")
            and Path("/usr/share/mime/application/jsonl.xml").is_file()
        )
        report.check("desktop entry and MIME type registered (dpkg triggers)", registered)
    finally:
        removed = run(["dpkg", "-P", debian.PACKAGE], ROOT)
        report.check("dpkg -P", removed.returncode == 0, removed.stderr.strip()[-300:])
    after, caches_after = snapshot()
    added, gone = sorted(after - before), sorted(before - after)
    changed = sorted(c for c in set(caches_before) | set(caches_after) if caches_before.get(c) != caches_after.get(c))
    clean = not (added or gone or changed)
    detail = f"{len(before)} paths compared under {', '.join(WATCHED)}; caches identical"
    report.check("dpkg -i then -P leaves nothing behind", clean,
                 detail if clean else f"added {added[:8]}, gone {gone[:8]}, caches changed {changed}")  # fmt: skip


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=ROOT / "dist" / "release", help="where packages and report go")
    parser.add_argument("--runs", type=int, default=5, help="runs per cold-start median (default 5)")
    parser.add_argument("--worktree", action="store_true", help="build the working tree, not HEAD")
    parser.add_argument("--no-packages", action="store_true", help="stop after checking the bundle")
    parser.add_argument("--install-check", action="store_true", help="dpkg -i, run, dpkg -P, compare file lists")
    parser.add_argument("--apt", action="store_true", help="install the .deb's missing dependencies with apt-get first")
    parser.add_argument("--keep", action="store_true", help="keep the temporary build folder")
    args = parser.parse_args(argv)

    report = Report()
    scratch = Path(tempfile.mkdtemp(prefix="trialviewer-release-"))
    try:
        src = clean_copy(scratch / "src", args.worktree)
        version = tomllib.loads((src / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
        commit = run(["git", "rev-parse", "--short", "HEAD"], ROOT).stdout.strip()
        print(f"trialviewer {version} from {'the working tree' if args.worktree else 'HEAD ' + commit}, in {src}")
        start = time.perf_counter()
        built = run([sys.executable, "-m", "PyInstaller", "build.spec", "--noconfirm", "--log-level", "WARN",
                     "--distpath", scratch / "dist", "--workpath", scratch / "build"], src, timeout=1800)  # fmt: skip
        seconds = time.perf_counter() - start
        app = scratch / "dist" / "trialviewer"
        report.data.update(version=version, commit=commit, build_s=round(seconds, 1))
        if not report.check("pyinstaller build.spec", built.returncode == 0 and app.is_dir(), f"{seconds:.0f} s"):
            print(built.stdout[-3000:], built.stderr[-3000:])
            return 1
        total, parts, largest = bundle_parts(app)
        report.data.update(bundle_bytes=total, parts=parts, largest=largest)
        report.check(
            "onedir bundle under 100 MB", total < BUNDLE_LIMIT, f"{total / 1e6:.1f} MB ({total / 2**20:.1f} MiB)"
        )
        for label, size in parts:
            print(f"       {size / 1e6:6.1f} MB  {label}")
        print("       largest files: " + ", ".join(f"{Path(n).name} {s / 1e6:.1f}" for n, s in largest[:8]))
        check_app(report, src, app, scratch, args.runs, version)
        if not args.no_packages:
            args.out.mkdir(parents=True, exist_ok=True)
            tar = tarball(app, args.out, version)
            report.note("tar.gz", f"{tar} ({tar.stat().st_size / 1e6:.1f} MB)")
            if shutil.which("dpkg-deb"):
                staging = debian.stage(app, scratch / "deb", version, report.depends, report.recommends)
                target = args.out / f"trialviewer_{version}_{debian.architecture()}.deb"
                deb = debian.build(staging, target, commit_time())
                report.note(".deb", f"{deb} ({deb.stat().st_size / 1e6:.1f} MB)")
                if args.install_check:
                    install_check(report, deb, src, scratch, args.apt)
            else:
                report.note(".deb", "skipped: no dpkg-deb")
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "report.json").write_text(report.as_json(), encoding="utf-8")
        print(f"  --   report: {args.out / 'report.json'}")
    finally:
        if args.keep:
            print(f"kept {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)
    if report.failures:
        print(f"failed: {', '.join(report.failures)}")
    # The closing line in the form CI reads from any runner.
    print(f"release: {len(report.checks) - len(report.failures)} passed, {len(report.failures)} failed")
    return 1 if report.failures else 0


if __name__ == "__main__":
    sys.exit(main())
