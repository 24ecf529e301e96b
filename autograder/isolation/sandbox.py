"""The Linux sandbox around student code: bubblewrap with its own filesystem view, PIDs and network.

Inside, the student process sees the system directories, the Python installation and the
grader's runtime (RUNTIME_FILES of this package: not the check library, not the grader), all
read-only, one small writable scratch directory and a small /dev/shm. The course directory
(source/, solutions/, the grader's working directory) is simply not there, other processes are
not visible, and there is no network. On a root grader the zygote starts as root without
capabilities but the two it needs to become SANDBOX_USER, which it does before any student
code runs. Where bubblewrap is missing or cannot run (macOS, Windows,
locked-down kernels) the grader falls back to a limited child process (see launcher.py).
"""
from __future__ import annotations

import functools
import os
import shutil
import site
import subprocess
import sys
from pathlib import Path

SCRATCH = "/scratch"                   # the only writable directory inside
SCRATCH_BYTES = 64 * 1024 * 1024
SHM_BYTES = 16 * 1024 * 1024           # /dev/shm inside
PACKAGE_PARENT = "/opt/backprop-lab"   # where the runtime is seen inside
SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/etc")
# The files of this package that the student process gets: what the zygote and the child run,
# and the probe functions tests hand to student code. Nothing that computes expected values.
PACKAGE = __name__.partition(".")[0]   # the import name (the source folder may be named otherwise)
RUNTIME_FILES = ("__init__.py", "isolation/__init__.py", "isolation/child.py", "probes.py",
                 "text.py", "watch.py", "isolation/wire.py", "isolation/zygote.py")
SANDBOX_USER = 65534   # nobody: the user student code runs as when the grader is root


def bwrap() -> str | None:
    return shutil.which("bwrap") if sys.platform.startswith("linux") else None


def _python_dirs() -> list[Path]:
    dirs = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix,
            *site.getsitepackages()}
    if site.ENABLE_USER_SITE:
        dirs.add(site.getusersitepackages())
    return sorted({Path(d).resolve() for d in dirs if d and Path(d).is_dir()})


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def command(argv: list[str], env: dict[str, str], hide: list[Path]) -> list[str]:
    """The bubblewrap command that runs `argv` in the sandbox with exactly `env`.

    `hide` are folders that must stay out of sight even if they lie inside a directory the
    sandbox needs (a course kept under the Python installation, say).
    """
    args = [bwrap() or "bwrap"]
    if os.geteuid() == 0:
        # Root needs no user namespace (bubblewrap's would map its uid 0 to the real root,
        # who owns /etc/shadow): the zygote keeps only what it takes to become SANDBOX_USER.
        args += ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts",
                 "--unshare-cgroup-try", "--cap-drop", "ALL",
                 "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
    else:
        args += ["--unshare-all", "--cap-drop", "ALL"]
    args += ["--die-with-parent", "--new-session", "--hostname", "sandbox",
             "--perms", "0777", "--size", str(SCRATCH_BYTES), "--tmpfs", SCRATCH]
    bound: list[Path] = []
    for name in SYSTEM_DIRS:
        path = Path(name)
        if path.is_symlink():   # /bin -> usr/bin on merged-/usr systems
            args += ["--symlink", os.readlink(path), name]
        elif path.is_dir():
            args += ["--ro-bind", name, name]
            bound.append(path)
    made: set[Path] = set()

    def parents(path: Path) -> list[str]:   # folders bubblewrap would make root-only
        new = [p for p in reversed(path.parents) if p != Path("/") and p not in made]
        made.update(new)
        return [arg for p in new for arg in ("--perms", "0755", "--dir", str(p))]

    for path in _python_dirs():
        if not any(_inside(path, b) for b in bound):
            args += [*parents(path), "--ro-bind", str(path), str(path)]
            bound.append(path)
    # The interpreter may be reached through a link in a folder that is not mounted (a
    # virtual environment made by a `python3` link of the user's own): such links are made
    # again inside, as links, so nothing else of that folder shows.
    link = Path(sys.executable)
    for _ in range(40):
        if not link.is_symlink():
            break
        target = os.readlink(link)
        if not any(_inside(link, b) for b in bound):
            args += [*parents(link), "--symlink", target, str(link)]
        link = Path(os.path.normpath(link.parent / target))
    package = Path(__file__).resolve().parent.parent
    for name in RUNTIME_FILES:   # some in a subfolder (isolation/)
        args += parents(Path(PACKAGE_PARENT) / PACKAGE / name)
        args += ["--ro-bind", str(package / name), f"{PACKAGE_PARENT}/{PACKAGE}/{name}"]
    # Copies of the whole package in a mounted folder (installed in site-packages, or the
    # package kept there) are covered up: the runtime above is all there is of it inside.
    installed = [Path(d) / n for d in site.getsitepackages() for n in {PACKAGE, package.name}] + [package]
    for folder in [*hide, *(p for p in installed if p.is_dir())]:
        folder = Path(folder).resolve()
        if any(_inside(folder, b) for b in bound):
            args += ["--tmpfs", str(folder)]   # an empty folder over it
    args += ["--proc", "/proc", "--dev", "/dev",
             "--perms", "1777", "--size", str(SHM_BYTES), "--tmpfs", "/dev/shm",
             "--remount-ro", "/dev", "--remount-ro", "/", "--chdir", SCRATCH, "--clearenv"]
    for key, value in env.items():
        args += ["--setenv", key, value]
    return args + ["--", *argv]


def environment(base: dict[str, str]) -> dict[str, str]:
    """`base` adapted to the sandbox: its paths, nothing from the grader's environment."""
    env = dict(base)
    env.update(PATH="/usr/bin:/bin", HOME=SCRATCH, TMPDIR=SCRATCH, MPLCONFIGDIR=SCRATCH,
               PYTHONPATH=PACKAGE_PARENT)
    return env


@functools.lru_cache(maxsize=1)
def problem() -> str | None:
    """Why the sandbox cannot be used here, or None when it works (tried once per process)."""
    if bwrap() is None:
        return ("bubblewrap (bwrap) is not installed" if sys.platform.startswith("linux")
                else "the sandbox needs Linux")
    # A trivial program, not Python: a few milliseconds. Should Python itself fail inside,
    # the zygote's start says why.
    probe = command([shutil.which("true") or "/bin/true"], environment({}), [])
    try:
        proc = subprocess.run(probe, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"bubblewrap could not be started ({exc})"
    if proc.returncode != 0:
        return "bubblewrap failed: " + (proc.stderr.strip().splitlines() or ["no message"])[-1]
    return None


def available() -> bool:
    return problem() is None
