"""The render pool: renders start when they are submitted, run in a bounded pool of
renderer processes, are shared with the writers through the cache (never rendered twice),
and leave no process or file behind. No timing is asserted: a render is held back by a gate
file the test removes, and waits have generous deadlines only against a hang."""

from __future__ import annotations

from collections.abc import Callable, Iterator
import io
import json
import os
from pathlib import Path
import subprocess
import sys
import time

from helpers import fake_renderers
from helpers.markers import needs_renderer
import pytest

from sphinx_k8sarch.core import render as render_module
from sphinx_k8sarch.core.dot import to_dot
from sphinx_k8sarch.core.graph import build_graph
from sphinx_k8sarch.core.i18n import Translator
from sphinx_k8sarch.core.pipeline import analyse
from sphinx_k8sarch.core.render import (
    PENDING_FOLDER,
    RenderError,
    RenderPool,
    find_renderer,
    obtain,
    render,
    serve,
    target_for,
)

pytestmark = needs_renderer

#: Against a broken implementation that never finishes; never reached otherwise.
PATIENCE = 60.0


def _dot(workers: int, title: str = "Pool") -> str:
    cluster = analyse(f"control-plane: 3\nworkers: {workers}\n", title)[0]
    assert cluster is not None
    return to_dot(build_graph(cluster, Translator("en")))


def gated(tmp_path: Path, log: Path, gate: Path) -> str:
    """A renderer that logs each render it starts (``start <n>`` with the DOT's worker
    count) and holds back the DOT titled ``Slow`` while ``gate`` exists; then it runs
    graphviz-pure."""
    return fake_renderers.write(tmp_path, (
        "import os, re, subprocess, sys, time\n"
        f"real = {fake_renderers.GRAPHVIZ_PURE!r}\n"
        "if '-V' in sys.argv: os.execv(real, [real, *sys.argv[1:]])\n"
        "data = sys.stdin.buffer.read()\n"
        f"with open({str(log)!r}, 'a') as out: out.write('start\\n')\n"
        f"while b'Slow' in data and os.path.exists({str(gate)!r}): time.sleep(0.01)\n"
        "sys.exit(subprocess.run([real, *sys.argv[1:]], input=data).returncode)\n"),
        "gated-dot")


def wait_for(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + PATIENCE
    while not condition():
        assert time.monotonic() < deadline, f"still waiting for {what}"
        time.sleep(0.01)


def _claim(cache: Path, target: Path) -> Path:
    return cache / PENDING_FOLDER / f"{target.name}.claim"


def _dispatchers() -> list[str]:
    """Command lines of this process's children that are render dispatchers (Linux)."""
    found = []
    for children in Path(f"/proc/{os.getpid()}/task").glob("*/children"):
        for pid in children.read_text().split():
            try:
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
            except OSError:
                continue
            if b"core.render import serve" in cmdline:
                found.append(cmdline.decode(errors="replace"))
    return found


@pytest.fixture
def cache(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "cache"
    yield folder
    # Whatever a test did: no temporary file, no claim or failure file is left.
    if folder.is_dir():
        assert not list(folder.glob(".tmp-*"))
        assert not (folder / PENDING_FOLDER).exists()


def test_submitted_renders_are_shared_with_the_writers_never_repeated(
        tmp_path: Path, cache: Path) -> None:
    log = tmp_path / "renders.log"
    renderer = fake_renderers.counting(tmp_path, log)
    sources = [_dot(n, f"Pool {n}") for n in range(6)]
    with RenderPool(cache, renderer) as pool:
        assert [pool.submit(s, "svg") for s in sources] == [True] * 6
        # Submitting again queues nothing: the render is known.
        assert not pool.submit(sources[0], "svg")
        paths = [obtain(s, "svg", cache, renderer)[0] for s in sources]
    assert [p.read_bytes() for p in paths] == [
        render(s, "svg", tmp_path / "serial")[0].read_bytes() for s in sources]
    # Each DOT was rendered once, by the pool or by the writer that got to it first.
    assert fake_renderers.renders(log) == 6
    with RenderPool(cache, renderer) as pool:
        assert not pool.submit(sources[0], "svg")  # cached: nothing to do
    assert _dispatchers() == []


def test_a_writer_waits_only_for_its_own_render(tmp_path: Path, cache: Path) -> None:
    log, gate = tmp_path / "starts.log", tmp_path / "gate"
    gate.touch()
    renderer = gated(tmp_path, log, gate)
    slow, fast = _dot(3, "Slow"), _dot(2, "Fast")
    path = find_renderer(renderer)
    assert path is not None
    slow_target = target_for(slow, "svg", cache, path)
    with RenderPool(cache, renderer, workers=1) as pool:
        pool.submit(slow, "svg")
        pool.submit(fast, "svg")
        # The pool's only worker is busy with the slow render, held back by the gate ...
        wait_for(lambda: _claim(cache, slow_target).exists(), "the pool to start")
        # ... and the writer of the other diagram does not wait for it, nor for the queue.
        fast_path, new = obtain(fast, "svg", cache, renderer)
        assert fast_path.is_file() and new
        assert not slow_target.exists() and _claim(cache, slow_target).exists()
        gate.unlink()
        # The writer of the slow one waits for the pool's render instead of repeating it.
        slow_path, new = obtain(slow, "svg", cache, renderer)
        assert slow_path == slow_target and slow_path.is_file() and not new
    assert log.read_text().count("start") == 2


@pytest.mark.slow
def test_a_hung_render_in_the_pool_times_out_with_the_usual_reason(tmp_path: Path,
                                                                   cache: Path) -> None:
    renderer = fake_renderers.make(tmp_path, "hang")
    source = _dot(3)
    with pytest.raises(RenderError) as alone:
        render(source, "svg", tmp_path / "alone", renderer, timeout=1)
    path = find_renderer(renderer)
    assert path is not None
    target = target_for(source, "svg", cache, path)
    with RenderPool(cache, renderer, timeout=1) as pool:
        pool.submit(source, "svg")
        wait_for(lambda: _claim(cache, target).exists(), "the pool to start")
        with pytest.raises(RenderError) as pooled:
            obtain(source, "svg", cache, renderer, timeout=1)
    assert str(pooled.value) == str(alone.value)
    assert "did not finish within 1 s" in str(pooled.value)
    assert _dispatchers() == []


def test_a_failure_is_recorded_once_and_shared(tmp_path: Path, cache: Path) -> None:
    log = tmp_path / "runs.log"
    renderer = fake_renderers.write(tmp_path, (
        "import sys\n"
        "if '-V' in sys.argv: sys.exit(0)\n"
        f"open({str(log)!r}, 'a').write('run\\n')\n"
        "sys.stderr.write('Segmentation fault\\n'); sys.exit(139)\n"))
    source = _dot(3)
    with RenderPool(cache, renderer) as pool:
        pool.submit(source, "svg")
        reasons = []
        for _writer in range(3):
            with pytest.raises(RenderError) as failed:
                obtain(source, "svg", cache, renderer)
            reasons.append(str(failed.value))
    assert reasons == [f"{renderer!r} exited with status 139: Segmentation fault"] * 3
    assert log.read_text().count("run") == 1
    # The next build tries again.
    with RenderPool(cache, renderer), pytest.raises(RenderError):
        obtain(source, "svg", cache, renderer)
    assert log.read_text().count("run") == 2


def test_a_claim_left_by_a_dead_process_is_taken_over(tmp_path: Path, cache: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(render_module, "CLAIM_GRACE", 0.0)
    source = _dot(3)
    path = find_renderer(None)
    assert path is not None
    target = target_for(source, "svg", cache, path)
    with RenderPool(cache):
        claim = _claim(cache, target)
        claim.parent.mkdir(parents=True, exist_ok=True)
        claim.touch()  # as a writer process killed in the middle of a render leaves it
        rendered, new = obtain(source, "svg", cache, timeout=0.2)
        assert rendered == target and rendered.is_file() and new


def test_a_forked_copy_of_the_pool_does_nothing(tmp_path: Path, cache: Path) -> None:
    with RenderPool(cache) as pool:
        pool.owner = -1  # as in a process that sphinx-build -j forked
        assert not pool.submit(_dot(3), "svg")
        pool.close()
        pool.owner = os.getpid()
    assert pool.submitted == 0


def test_without_a_renderer_nothing_is_queued(tmp_path: Path, cache: Path) -> None:
    with RenderPool(cache, "/nonexistent/dot") as pool:
        assert not pool.submit(_dot(3), "svg")
    with pytest.raises(RenderError, match="was not found"):
        obtain(_dot(3), "svg", cache, "/nonexistent/dot")


def test_the_dispatcher_drops_jobs_nobody_started_at_the_end_of_its_input(
        tmp_path: Path, cache: Path) -> None:
    """Its input ends with the build: what was not started then is not needed."""
    log = tmp_path / "renders.log"
    renderer = fake_renderers.counting(tmp_path, log)
    jobs = "".join(json.dumps({"source": s, "fmt": "svg", "target": str(
        target_for(s, "svg", cache, renderer))}) + "\n" for s in [_dot(n) for n in range(20)])
    cache.mkdir()
    serve(renderer, 30.0, 1, io.BytesIO(jobs.encode()))
    done = len(list(cache.glob("k8sarch-*.svg")))
    assert done == (fake_renderers.renders(log))
    assert done <= 1  # at most the one its single worker had started
    pending = cache / PENDING_FOLDER
    if pending.exists():
        assert not any(pending.iterdir())  # no claim left behind
        pending.rmdir()


def test_the_dispatcher_runs_from_a_fresh_interpreter(tmp_path: Path, cache: Path) -> None:
    """The pool starts it with ``python -I``: it must import from wherever this copy of
    the package lives, not from the environment."""
    source = _dot(3)
    path = find_renderer(None)
    assert path is not None
    target = target_for(source, "svg", cache, path)
    (cache / PENDING_FOLDER).mkdir(parents=True)
    job = json.dumps({"source": source, "fmt": "svg", "target": str(target)}) + "\n"
    with subprocess.Popen([sys.executable, "-I", "-c", render_module._DISPATCHER,
                           render_module._PACKAGE_ROOT, path, "30", "1"],
                          stdin=subprocess.PIPE, cwd=tmp_path) as process:
        assert process.stdin is not None
        process.stdin.write(job.encode())
        process.stdin.flush()
        wait_for(target.is_file, "the dispatcher's render")
        process.stdin.close()
        assert process.wait(PATIENCE) == 0
    (cache / PENDING_FOLDER).rmdir()
