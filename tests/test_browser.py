"""A student in a real JupyterLab in a real browser (Debian's chromium, driven by Playwright).

Opens a copy of the released relu notebook, types a wrong and then a right `relu_backward`
into its solution cell, runs the test cell and reads what the page shows: the check's
message alone (no check-library frames), then the one pass line. Run it alone with
`python -m pytest -m browser`; it needs /usr/bin/chromium (`apt-get install chromium`), and
skips without it unless BACKPROP_LAB_REQUIRE_BROWSER=1 (CI) makes that a failure.
"""
from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
from conftest import CHROMIUM, CHROMIUM_ARGS, need_browser


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab on 127.0.0.1 with a random token, serving a folder with relu.ipynb."""
    need_browser()
    base = tmp_path_factory.mktemp("lab")
    work, home = base / "work", base / "home"
    work.mkdir()
    home.mkdir()
    shutil.copy(ROOT / "autograder" / "released" / "relu.ipynb", work / "relu.ipynb")
    # Every cell rendered (no windowing), so the test reads the page as a student sees it.
    settings = home / "lab-settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    (settings / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    token = secrets.token_hex(16)
    env = dict(os.environ, HOME=str(home), JUPYTER_CONFIG_DIR=str(home / "config"),
               JUPYTER_RUNTIME_DIR=str(home / "runtime"),
               JUPYTERLAB_SETTINGS_DIR=str(home / "lab-settings"),
               JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"),
               PATH=os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]]))
    log = open(base / "lab.log", "w")
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--allow-root",
         "--ip=127.0.0.1", f"--port={port}", f"--ServerApp.token={token}",
         "--ServerApp.port_retries=0", "--LabApp.news_url=", "--LabApp.check_for_updates_class="
         "jupyterlab.NeverCheckForUpdate"],
        cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=5):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("JupyterLab did not start:\n" + (base / "lab.log").read_text())
                time.sleep(0.5)
        yield {"url": url, "token": token, "work": work, "profile": base / "chromium-profile"}
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def _cell(page, text: str):
    return page.locator(".jp-Notebook .jp-CodeCell").filter(
        has=page.locator(".jp-InputArea", has_text=text)).first


def _close_dialogs(page) -> None:
    """A dialog JupyterLab opens on its own (once, under load, one covered the notebook in CI:
    a kernel or a notice to answer) is answered with its default button, as a student would."""
    for _ in range(3):
        dialog = page.locator(".jp-Dialog")
        if dialog.count() == 0 or not dialog.first.is_visible():
            return
        accept = dialog.first.locator(".jp-Dialog-button.jp-mod-accept")
        if accept.count():
            accept.first.click()
        else:
            page.keyboard.press("Escape")
        time.sleep(0.5)


def _run(page, cell) -> str:
    """Run one cell (Shift+Enter in its editor), wait for it to finish, return its output."""
    before = cell.locator(".jp-InputPrompt").inner_text().strip()
    deadline = time.monotonic() + 180
    pressed = 0.0
    while True:
        prompt = cell.locator(".jp-InputPrompt").inner_text().strip()
        if prompt not in (before, "[ ]:") and "*" not in prompt:
            return cell.locator(".jp-OutputArea").inner_text()
        assert time.monotonic() < deadline, f"the cell did not finish: {prompt}"
        if prompt in (before, "[ ]:") and time.monotonic() - pressed > 20:
            # not started (yet): focus its editor and press Shift+Enter (again, if the
            # first press came before the page was ready for it)
            _close_dialogs(page)
            cell.locator(".cm-content").click()
            page.keyboard.press("Shift+Enter")
            pressed = time.monotonic()
        time.sleep(0.2)


def _replace(page, cell, code: str) -> None:
    """Select the editor's text and type `code` over it, as a student would."""
    _close_dialogs(page)
    cell.locator(".cm-content").click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.type(code)
    assert " ".join(cell.locator(".cm-content").inner_text().split()) == " ".join(code.split())


def test_a_student_sees_the_message_alone_then_the_pass_line(lab):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(lab["profile"]), executable_path=str(CHROMIUM), headless=True,
            args=CHROMIUM_ARGS)
        page = context.pages[0] if context.pages else context.new_page()
        try:
            page.goto(f"{lab['url']}/lab/tree/relu.ipynb?token={lab['token']}")
            page.wait_for_selector(".jp-Notebook .jp-CodeCell", timeout=120_000)
            page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']",
                                   timeout=120_000)

            _run(page, _cell(page, "import numpy as np"))
            _run(page, _cell(page, "def relu_forward(a):"))
            solution = _cell(page, "def relu_backward(dout, cache):")
            test = _cell(page, "check_relu_backward(relu_backward, relu_forward)")

            # The stub, untouched: one sentence saying what to do.
            _run(page, solution)
            shown = _run(page, test)
            assert " ".join(shown.split()) == (
                "`relu_backward` is not implemented yet: replace `raise NotImplementedError()` "
                "in its cell with your code.")

            # A wrong answer: the check's message, in plain words, and nothing else.
            _replace(page, solution, "def relu_backward(dout, cache): return dout * 1.0")
            _run(page, solution)
            shown = _run(page, test)
            assert shown.startswith("`relu_backward`: da is wrong for a of shape"), shown
            assert "entries are off" in shown
            # what differs, said as a relation (the explainer), and the method to find it
            assert "What differs: da equals the upstream gradient `dout`" in " ".join(shown.split())
            assert "ReLU's slope on each side of 0" in " ".join(shown.split())
            for frame in ("Traceback", "autograder", "backprop_lab", "File ", ".py", "core.py", "----> ",
                          "CheckFailure", "Cell In["):
                assert frame not in shown, (frame, shown)
            assert len(shown.splitlines()) <= 12

            # The student's own code raises: their line and what the function received.
            _replace(page, solution,
                     "def relu_backward(dout, cache): return dout * (cache > 0)[:, :2]")
            _run(page, solution)
            shown = _run(page, test)
            assert "`relu_backward` raised ValueError" in shown
            assert "line 1, in relu_backward" in shown and "Cell In[" in shown
            assert "return dout * (cache > 0)[:, :2]" in shown
            assert "`dout` = array of shape" in shown and "autograder" not in shown
            assert "backprop_lab" not in shown

            # The right answer: one short line.
            _replace(page, solution,
                     "def relu_backward(dout, cache): return np.where(cache > 0, dout, 0.0)")
            _run(page, solution)
            shown = _run(page, test)
            assert shown.strip() == "\u2713 test_relu_backward passed (2 points)"
        except BaseException:
            page.screenshot(path=str(lab["work"].parent / "failure.png"))
            print("screenshot:", lab["work"].parent / "failure.png")
            raise
        finally:
            context.close()
