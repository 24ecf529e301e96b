"""The bubblewrap sandbox and the zygote: what student code can see and what is left after it."""
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from backprop_lab.isolation import launcher as launcher_module, sandbox, wire
from backprop_lab.isolation.launcher import Launcher, LauncherError, drops_to_nobody, isolation_mode

from conftest import ROOT, requires_sandbox, wall_bound


def run_inside(code: str, hide=(ROOT,)) -> subprocess.CompletedProcess:
    """`code` run in the sandbox as student code is: as SANDBOX_USER when the grader is root."""
    if os.geteuid() == 0:
        code = (f"import os\nos.setgroups([])\nos.setgid({sandbox.SANDBOX_USER})\n"
                f"os.setuid({sandbox.SANDBOX_USER})\n" + code)
    cmd = sandbox.command([sys.executable, "-c", code], sandbox.environment({}), list(hide))
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60)


@requires_sandbox
def test_the_sandbox_shows_python_and_the_package_but_not_the_course():
    proc = run_inside(
        "import os, numpy, backprop_lab.isolation.wire\n"
        f"print(os.path.exists({str(ROOT / 'source')!r}))\n"
        f"print(sorted(os.listdir({str(ROOT)!r})) if os.path.exists({str(ROOT)!r}) else [])\n"
        "print(backprop_lab.isolation.wire.__file__)\n"
        "print(os.getcwd(), sorted(os.environ))\n")
    assert proc.returncode == 0, proc.stderr
    source_seen, course_listing, package, environ = proc.stdout.splitlines()
    assert source_seen == "False"
    # at most the mount point of a virtual environment kept inside the course
    venv = Path(sys.prefix).resolve()
    allowed = [venv.relative_to(ROOT).parts[0]] if ROOT in venv.parents else []
    assert eval(course_listing) in ([], allowed)
    assert package.startswith(sandbox.PACKAGE_PARENT)
    assert environ.startswith(sandbox.SCRATCH)
    assert "PATH" in environ and "VIRTUAL_ENV" not in environ


@requires_sandbox
def test_only_the_scratch_directory_is_writable():
    proc = run_inside(
        "import os\n"
        f"open({sandbox.SCRATCH!r} + '/ok', 'w').write('x')\n"
        f"for path in ('/etc/x', '/x', {sys.prefix!r} + '/x', '/opt/backprop-lab/x'):\n"
        "    try:\n        open(path, 'w')\n        print('wrote', path)\n"
        "    except OSError as exc:\n        print(type(exc).__name__)\n")
    assert proc.returncode == 0, proc.stderr
    assert "wrote" not in proc.stdout
    assert len(proc.stdout.split()) == 4


@requires_sandbox
def test_no_network_no_capabilities_and_no_other_processes():
    proc = run_inside(
        "import os, socket\n"
        "try:\n    socket.create_connection(('127.0.0.1', 22), timeout=1)\n    print('net')\n"
        "except OSError:\n    print('no net')\n"
        "status = open('/proc/self/status').read()\n"
        "print(status.split('CapEff:')[1].split()[0])\n"
        "print(sorted(int(p) for p in os.listdir('/proc') if p.isdigit()))\n")
    assert proc.returncode == 0, proc.stderr
    net, caps, pids = proc.stdout.splitlines()
    assert net == "no net"
    assert int(caps, 16) == 0
    assert len(eval(pids)) <= 3   # bubblewrap's init, this python, and nothing of the host's


def test_a_course_inside_a_mounted_directory_is_covered_up():
    course = Path(sys.prefix) / "a-course"
    args = sandbox.command(["true"], {}, [course, ROOT])
    assert args[args.index(str(course.resolve())) - 1] == "--tmpfs"
    # the course itself is never mounted: where it shows at all, it is an empty folder
    # (covered by --tmpfs, or made by bubblewrap as the parent of something else)
    root = str(ROOT.resolve())
    assert not [i for i, a in enumerate(args)
                if a in ("--ro-bind", "--bind", "--dev-bind") and args[i + 1] == root]
    assert all(args[i - 1] in ("--tmpfs", "--dir") for i, a in enumerate(args) if a == root)


def test_isolation_modes():
    assert isolation_mode("process") == "process"
    assert isolation_mode("auto") == ("sandbox" if sandbox.available() else "process")
    with pytest.raises(ValueError):
        isolation_mode("none")
    if not sandbox.available():
        with pytest.raises(LauncherError, match="not available"):
            isolation_mode("sandbox")


def spawn(launcher: Launcher, output: Path):
    fd = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        return launcher.spawn(512 * 1024 * 1024, fd)
    finally:
        os.close(fd)


@pytest.mark.parametrize("isolation", [
    "process", pytest.param("sandbox", marks=requires_sandbox)])
def test_each_child_starts_clean_and_leaves_nothing_behind(isolation, tmp_path):
    with Launcher(isolation) as launcher:   # even after a child locked what it wrote
        for round_ in range(2):
            output = tmp_path / f"out{round_}.txt"
            pid, req_w, rep_r = spawn(launcher, output)
            wire.send(req_w, {"op": "exec", "label": "cell", "source":
                              "import os, numpy as np\n"
                              "print('leftover' if os.path.exists('../mark') else 'clean',\n"
                              "      'patched' if np.add is None else 'numpy')\n"
                              "os.makedirs('../mark/inner')\n"
                              "open('../mark/inner/file', 'w').write('x')\n"
                              "os.chmod('../mark', 0)\n"
                              "np.add = None\n"})
            assert wire.receive(rep_r, deadline=None)["ok"]
            assert launcher.end(pid) is None   # still running: killed
            os.close(req_w)
            os.close(rep_r)
            assert output.read_text().strip() == "clean numpy"   # scratch wiped, numpy whole


@pytest.mark.parametrize("isolation", [
    pytest.param("process", marks=pytest.mark.skipif(
        os.geteuid() == 0 and not drops_to_nobody(),
        reason="student code runs as root here, which may trace anything")),
    pytest.param("sandbox", marks=requires_sandbox)])
def test_a_child_cannot_read_or_write_the_zygotes_memory(isolation, tmp_path):
    output = tmp_path / "out.txt"
    with Launcher(isolation) as launcher:
        pid, req_w, rep_r = spawn(launcher, output)
        wire.send(req_w, {"op": "exec", "label": "cell", "source":
                          "import os\n"
                          "for mode in ('rb', 'r+b'):\n"
                          "    try:\n"
                          "        open(f'/proc/{os.getppid()}/mem', mode)\n"
                          "        print('opened')\n"
                          "    except OSError as exc:\n"
                          "        print(type(exc).__name__)\n"})
        assert wire.receive(rep_r)["ok"]
        launcher.end(pid)
        os.close(req_w)
        os.close(rep_r)
    assert output.read_text().split() == ["PermissionError", "PermissionError"]


def _state(pid: int) -> str:
    """A process's state letter from /proc (T: stopped, Z: a zombie); "" when it is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return ""


@requires_sandbox
def test_a_zygote_stopped_by_its_child_is_given_up_at_once_and_replaced(tmp_path):
    """In the sandbox the child's parent is the zygote, which its code can stop (SIGSTOP):
    a stopped zygote answers nothing, so the grader gives it up as soon as it sees it
    stopped, not after its reply timeout and a wait for it to exit; the next child comes
    from a new zygote."""
    with Launcher("sandbox") as launcher:
        pid, req_w, rep_r = spawn(launcher, tmp_path / "out.txt")
        wire.send(req_w, {"op": "exec", "label": "cell", "source":
                          "import os, signal\nos.kill(os.getppid(), signal.SIGSTOP)\n"})
        assert wire.receive(rep_r)["ok"]
        deadline = time.monotonic() + wall_bound(5)   # the signal is delivered in a moment
        while not (stopped := [p for p in launcher_module._tree(launcher._proc.pid)
                               if _state(p) == "T"]):
            assert time.monotonic() < deadline, "the child could not stop the zygote"
            time.sleep(0.01)
        start = time.monotonic()
        assert launcher.end(pid, grace=1.0) is None
        seconds = time.monotonic() - start
        os.close(req_w)
        os.close(rep_r)
        assert seconds < launcher_module.REPLY_TIMEOUT, f"ending the child took {seconds:.1f} s"
        # killed with the sandbox (the kernel ends a PID namespace with its first process)
        deadline = time.monotonic() + wall_bound(5)
        while any(_state(p) not in ("", "Z") for p in stopped):
            assert time.monotonic() < deadline, "the stopped zygote outlived its sandbox"
            time.sleep(0.01)
        pid, req_w, rep_r = spawn(launcher, tmp_path / "again.txt")
        wire.send(req_w, {"op": "exec", "label": "cell", "source": "print('again')\n"})
        assert wire.receive(rep_r)["ok"]
        launcher.end(pid)
        os.close(req_w)
        os.close(rep_r)
    assert (tmp_path / "again.txt").read_text().strip() == "again"


@requires_sandbox
def test_an_installed_copy_of_the_package_is_not_readable_inside(monkeypatch):
    """A grader installed with pip has its check library in site-packages, which the sandbox
    shows: that copy is covered up, and only the runtime files are seen under PACKAGE_PARENT."""
    fake_site = Path(sys.prefix) / f"site-for-test-{os.getpid()}"
    checks = fake_site / sandbox.PACKAGE / "checks"   # as a wheel installs it
    checks.mkdir(parents=True)
    try:
        (checks / "core.py").write_text("def complex_step_gradient(): pass\n")
        monkeypatch.setattr(sandbox.site, "getsitepackages",
                            lambda real=sandbox.site.getsitepackages: [*real(), str(fake_site)])
        proc = run_inside(
            "import os\n"
            f"print(os.path.exists({str(checks / 'core.py')!r}))\n"
            f"root = {sandbox.PACKAGE_PARENT + '/' + sandbox.PACKAGE!r}\n"
            "print(sorted(os.path.relpath(os.path.join(d, f), root)"
            " for d, _, fs in os.walk(root) for f in fs))\n")
        assert proc.returncode == 0, proc.stderr
        seen, runtime = proc.stdout.splitlines()
        assert seen == "False"
        assert eval(runtime) == sorted(sandbox.RUNTIME_FILES)
    finally:
        import shutil
        shutil.rmtree(fake_site)


@requires_sandbox
def test_an_interpreter_reached_through_links_in_unmounted_folders_starts(tmp_path,
                                                                           monkeypatch):
    """A virtual environment made by a `python3` link of the user's own (the kit's set-up
    run with such a python3 first on PATH): its bin/python points through that link, in a
    folder the sandbox does not mount. The links are made again inside, as links."""
    import tempfile
    top = Path(tempfile.mkdtemp(prefix="backprop-links-"))
    try:
        top.chmod(0o755)
        (top / "mine").mkdir()
        (top / "mine" / "python3").symlink_to(os.path.realpath(sys.executable))
        (top / "env" / "bin").mkdir(parents=True)
        (top / "env" / "bin" / "python3").symlink_to(top / "mine" / "python3")
        (top / "env" / "bin" / "python").symlink_to("python3")
        (top / "mine" / "secret.txt").write_text("not for the sandbox")
        python = str(top / "env" / "bin" / "python")
        monkeypatch.setattr(sys, "executable", python)
        code = ("import os\nprint('started')\n"
                f"print(sorted(os.listdir({str(top / 'mine')!r})))")
        cmd = sandbox.command([python, "-c", code], sandbox.environment({}), [])
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout.split("\n")[:2] == ["started", "['python3']"]   # links, no files
    finally:
        import shutil
        shutil.rmtree(top, ignore_errors=True)
