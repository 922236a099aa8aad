"""The .deb of the onedir bundle: its file tree, its control file, and its dependencies read from the bundle.

Layout: the bundle in /opt/trialviewer, trialviewer and trialviewer-cli linked into /usr/bin, the desktop
entry, hicolor icons (16-512 px and the SVG), the MIME type of the JSON Lines export, and the copyright
file with the licences. No maintainer scripts: dpkg's triggers of desktop-file-utils, shared-mime-info and
the icon theme cache refresh their databases on install and on removal. Depends come from the bundle
itself: every library one of its ELF files links and the bundle does not hold is looked up in
packaging/deb/libraries.txt (an unknown one is an error), and the C library by its newest GLIBC_ version.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PACKAGE = "trialviewer"
PREFIX = Path("opt") / PACKAGE
COMMANDS = ("trialviewer", "trialviewer-cli")
# The C library's own parts: covered by libc6 (>= newest GLIBC_ symbol version the bundle uses).
LIBC = frozenset({"libc.so.6", "libm.so.6", "libdl.so.2", "librt.so.1", "libpthread.so.0", "ld-linux-x86-64.so.2",
                  "ld-linux-aarch64.so.1", "libutil.so.1", "libresolv.so.2"})  # fmt: skip


def read_libraries(path: Path = HERE / "deb" / "libraries.txt") -> dict[str, tuple[str, bool]]:
    """Library file name -> (Debian package, only recommended)."""
    table: dict[str, tuple[str, bool]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        words = line.split("#", 1)[0].split()
        if len(words) >= 2:
            table[words[0]] = (words[1], "recommends" in words[2:])
    return table


def elf_files(root: Path) -> list[Path]:
    """Every ELF file (executable or library) under `root`, symbolic links left out."""
    found = []
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as handle:
                if handle.read(4) == b"\x7fELF":
                    found.append(path)
    return found


def host_needs(root: Path) -> tuple[set[str], tuple[int, ...]]:
    """(libraries the bundle's ELF files link that it does not hold, newest GLIBC_ version they use)."""
    held = {path.name for path in root.rglob("*")}
    needed: set[str] = set()
    newest: tuple[int, ...] = (2, 17)
    for path in elf_files(root):
        dump = subprocess.run(["objdump", "-p", "-T", str(path)], capture_output=True, text=True, check=True).stdout
        for line in dump.splitlines():
            words = line.split()
            if len(words) == 2 and words[0] == "NEEDED" and words[1] not in held:
                needed.add(words[1])
        for version in re.findall(r"\bGLIBC_(\d+(?:\.\d+)+)\b", dump):
            newest = max(newest, tuple(int(part) for part in version.split(".")))
    return needed, newest


def relations(
    needed: set[str], glibc: tuple[int, ...], table: dict[str, tuple[str, bool]]
) -> tuple[list[str], list[str], list[str]]:
    """(Depends, Recommends, libraries not in the table)."""
    depends = {f"libc6 (>= {'.'.join(map(str, glibc))})"}
    recommends: set[str] = set()
    unknown = []
    for name in sorted(needed):
        if name in LIBC:
            continue
        if name not in table:
            unknown.append(name)
            continue
        package, optional = table[name]
        (recommends if optional else depends).add(package)
    return sorted(depends), sorted(recommends - depends), unknown


def architecture() -> str:
    return subprocess.run(["dpkg", "--print-architecture"], capture_output=True, text=True, check=True).stdout.strip()


def stage(dist: Path, staging: Path, version: str, depends: list[str], recommends: list[str]) -> Path:
    """The package's file tree under `staging` (DEBIAN/control and md5sums included)."""
    if staging.exists():
        shutil.rmtree(staging)
    shutil.copytree(dist, staging / PREFIX, symlinks=True)
    bin_dir = staging / "usr" / "bin"
    bin_dir.mkdir(parents=True)
    for command in COMMANDS:
        (bin_dir / command).symlink_to(Path("/") / PREFIX / command)
    share = staging / "usr" / "share"
    _copy(HERE / "linux" / "trialviewer.desktop", share / "applications" / "trialviewer.desktop")
    _copy(HERE / "linux" / "trialviewer.xml", share / "mime" / "packages" / "trialviewer.xml")
    icons = HERE / "icons" / "hicolor"
    for png in sorted(icons.glob("*/apps/trialviewer.png")):
        _copy(png, share / "icons" / "hicolor" / png.relative_to(icons))
    _copy(
        ROOT / "resources" / "icons" / "app.svg", share / "icons" / "hicolor" / "scalable" / "apps" / "trialviewer.svg"
    )
    doc = share / "doc" / PACKAGE
    _copy(HERE / "deb" / "copyright", doc / "copyright")
    control = (HERE / "deb" / "control.in").read_text(encoding="utf-8")
    size_kib = sum(p.lstat().st_size for p in staging.rglob("*") if not p.is_dir()) // 1024 + 1
    fields = {"@VERSION@": version, "@ARCH@": architecture(), "@INSTALLED_SIZE@": str(size_kib),
              "@DEPENDS@": ", ".join(depends), "@RECOMMENDS@": ", ".join(recommends)}  # fmt: skip
    for key, value in fields.items():
        control = control.replace(key, value)
    if not recommends:
        control = re.sub(r"^Recommends: \n", "", control, flags=re.M)
    debian = staging / "DEBIAN"
    debian.mkdir()
    (debian / "control").write_text(control, encoding="utf-8")
    sums = []
    for path in sorted(p for p in staging.rglob("*") if p.is_file() and not p.is_symlink() and "DEBIAN" not in p.parts):
        sums.append(f"{hashlib.md5(path.read_bytes()).hexdigest()}  {path.relative_to(staging).as_posix()}")
    (debian / "md5sums").write_text("\n".join(sums) + "\n", encoding="utf-8")
    for path in staging.rglob("*"):  # dpkg-deb wants sane modes: 0755 folders and programs, 0644 the rest
        if path.is_symlink():
            continue
        executable = path.is_dir() or os.access(path, os.X_OK)
        path.chmod(0o755 if executable else 0o644)
    return staging


def _copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, target)


def build(staging: Path, out: Path, epoch: int | None = None) -> Path:
    """dpkg-deb --build, owned by root whoever builds it, xz like Debian's own packages; with `epoch`, no
    file in it is newer than that (SOURCE_DATE_EPOCH: the commit's time gives the same package twice)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, **({"SOURCE_DATE_EPOCH": str(epoch)} if epoch is not None else {})}
    command = ["dpkg-deb", "--root-owner-group", "-Zxz", "--build", str(staging), str(out)]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, env=env)
    return out
