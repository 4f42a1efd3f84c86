"""Run Fusiewijzer as a small cluster on one machine: a Chroma server, N app workers and nginx in
front of them with sticky sessions, all on loopback except nginx's port.

    .venv/bin/python scripts/cluster.py start [--workers N] [--port 8080] [--host 127.0.0.1]
                                               [--chroma-port 8000] [--worker-port 7870]
    .venv/bin/python scripts/cluster.py stop
    .venv/bin/python scripts/cluster.py status

`make cluster` / `make cluster-stop` call it. Defaults come from CLUSTER_WORKERS (the number of
cores), CLUSTER_PORT, CLUSTER_HOST, CLUSTER_CHROMA_PORT and CLUSTER_WORKER_PORT (the first
worker's port; the others follow). The ASSISTANT_* settings (corpus, index, var, database) pass
through to every process.

`start` runs `chroma run --path var/chroma` on loopback, `assistant ingest` against it (it only
writes a new version when the corpus changed), the workers (`ui.py` with ASSISTANT_CHROMA_URL) and
nginx as a foreground process of this user with a configuration generated in var/cluster/nginx/.
Each is started in a session of its own, its pid and start time written to var/cluster/<name>.pid,
and waited for until it answers. `stop` ends exactly those processes (a pid whose start time
differs is another process now and is left alone). If a step fails, what was started is stopped.

Sticky sessions: Gradio keeps a session's queue and its event stream on one worker, so nginx sends
a browser to the same worker every time: the first response sets a cookie `fw_node` with a random
value and nginx hashes it (`hash $fw_key consistent`); a client without the cookie (a script) is
hashed by its address.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

try:
    from scripts.cluster_nginx import nginx_binary, nginx_config
except ModuleNotFoundError:  # run as `python scripts/cluster.py`: its folder is on the path, not the root
    from cluster_nginx import nginx_binary, nginx_config  # type: ignore[no-redef]

ROOT = Path(__file__).resolve().parent.parent
STOP_TIMEOUT_S = 30
START_TIMEOUT_S = 300  # a worker loads e5 and the index; under load this takes a while
ORDER = ("nginx", "worker", "chroma")  # stopped front to back


@dataclass(frozen=True)
class Layout:
    var: Path

    @property
    def dir(self) -> Path:
        return self.var / "cluster"

    @property
    def chroma_data(self) -> Path:
        return self.var / "chroma"

    @property
    def logs(self) -> Path:
        return self.dir / "logs"

    @property
    def nginx(self) -> Path:
        return self.dir / "nginx"

    def pid_file(self, name: str) -> Path:
        return self.dir / f"{name}.pid"

    def pid_files(self) -> list[Path]:
        files = sorted(self.dir.glob("*.pid"))
        return sorted(files, key=lambda p: ORDER.index(p.stem.split("-")[0]) if p.stem.split("-")[0] in ORDER else 9)


def var_dir() -> Path:
    value = os.environ.get("ASSISTANT_VAR")
    return Path(value).expanduser().resolve() if value else ROOT / "var"


# --- processes ---


def start_time(pid: int) -> str | None:
    """The process's start time in clock ticks since boot (/proc/<pid>/stat field 22), or None if
    it is gone or a zombie: with the pid it names one process for good."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return None if fields[0] in ("Z", "X") else fields[19]


def alive(record: dict) -> bool:
    return start_time(int(record["pid"])) == record["start"]


def spawn(layout: Layout, name: str, argv: list[str], env: dict[str, str]) -> subprocess.Popen:
    """Start `argv` in a session of its own (it outlives this script), log to logs/<name>.log,
    and record it in <name>.pid."""
    layout.logs.mkdir(parents=True, exist_ok=True)
    log = open(layout.logs / f"{name}.log", "ab")  # noqa: SIM115 - the child keeps it
    process = subprocess.Popen(
        argv, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    log.close()
    record = {"pid": process.pid, "start": start_time(process.pid), "argv": argv}
    layout.pid_file(name).write_text(json.dumps(record), "utf-8")
    return process


def stop_one(path: Path) -> str:
    try:
        record = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        path.unlink(missing_ok=True)
        return f"{path.stem}: unreadable pid file removed"
    pid = int(record["pid"])
    if not alive(record):
        path.unlink(missing_ok=True)
        return f"{path.stem}: not running"
    # Its own session and process group (spawn): the group holds nginx's workers too.
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(pid, sig)
        except ProcessLookupError:
            break
        deadline = time.monotonic() + STOP_TIMEOUT_S
        while alive(record) and time.monotonic() < deadline:
            time.sleep(0.1)
        if not alive(record):
            break
    path.unlink(missing_ok=True)
    return f"{path.stem}: stopped (pid {pid})"


def stop(layout: Layout) -> list[str]:
    return [stop_one(path) for path in layout.pid_files()]


def running(layout: Layout) -> list[str]:
    out = []
    for path in layout.pid_files():
        try:
            record = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError):
            continue
        if alive(record):
            out.append(f"{path.stem} (pid {record['pid']})")
    return out


# --- waiting for readiness (conditions, with a deadline) ---


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status == 200
    except OSError:
        return False


def wait_until_up(url: str, process: subprocess.Popen, name: str, layout: Layout, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} stopped with exit code {process.returncode}:\n{tail(layout, name)}")
        if answers(url):
            return
        time.sleep(0.2)
    raise RuntimeError(f"{name} did not answer on {url} within {timeout:.0f} s:\n{tail(layout, name)}")


def tail(layout: Layout, name: str, lines: int = 20) -> str:
    try:
        return "\n".join((layout.logs / f"{name}.log").read_text("utf-8", "replace").splitlines()[-lines:])
    except OSError:
        return ""


def port_free(port: int) -> bool:
    """Nobody listens on the loopback `port` (connections of a stopped server in TIME_WAIT do
    not count: the servers bind with SO_REUSEADDR as this check does)."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def chroma_argv(data: Path, port: int) -> list[str]:
    """`chroma run` (the server shipped in the chromadb package) on loopback."""
    bin_dir = Path(sys.executable).parent
    chroma = str(bin_dir / "chroma") if (bin_dir / "chroma").exists() else shutil.which("chroma") or "chroma"
    return [chroma, "run", "--path", str(data), "--host", "127.0.0.1", "--port", str(port)]


# --- start ---


@dataclass(frozen=True)
class Plan:
    workers: int
    host: str
    port: int
    chroma_port: int
    worker_ports: list[int]


def start(layout: Layout, plan: Plan, say: Callable[[str], None] = print) -> None:
    """Start everything, telling `say` each step as it is done."""
    if up := running(layout):
        raise RuntimeError(f"the cluster is already running ({', '.join(up)}); stop it first: make cluster-stop")
    nginx = nginx_binary()
    if nginx is None:
        raise RuntimeError("nginx is missing: `make nginx` installs Debian's package (apt-get install nginx)")
    busy = [p for p in (plan.port, plan.chroma_port, *plan.worker_ports) if not port_free(p)]
    if busy:
        raise RuntimeError(f"port(s) already in use: {', '.join(map(str, busy))}")
    layout.dir.mkdir(parents=True, exist_ok=True)
    for stale in layout.pid_files():
        stale.unlink()
    chroma_url = f"http://127.0.0.1:{plan.chroma_port}"
    env = {
        **os.environ,
        "ASSISTANT_VAR": str(layout.var),
        "ASSISTANT_CHROMA_URL": chroma_url,
        "ASSISTANT_CHROMA_PATH": str(layout.chroma_data),
        "HF_HUB_OFFLINE": "1",
    }
    # Each worker gets its share of the cores for CPU work (ASSISTANT_WORKERS), unless it is set.
    env.setdefault("ASSISTANT_WORKERS", str(max(1, (os.cpu_count() or 1) // plan.workers)))
    if plan.host not in ("127.0.0.1", "localhost", "::1"):
        env["ASSISTANT_LOGIN"] = "1"  # the workers sit on loopback but serve the network through nginx
    try:
        process = spawn(layout, "chroma", chroma_argv(layout.chroma_data, plan.chroma_port), env)
        wait_until_up(f"{chroma_url}/api/v2/heartbeat", process, "chroma", layout, 60)
        say(f"chroma: {chroma_url} (data in {layout.chroma_data})")
        say(f"ingest: assistant ingest against it (progress in {layout.logs / 'ingest.log'})")
        with open(layout.logs / "ingest.log", "ab") as log:
            ingest = subprocess.run(
                [sys.executable, "-m", "assistant.cli", "ingest"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=log
            )
        if ingest.returncode != 0:
            raise RuntimeError(f"assistant ingest failed:\n{tail(layout, 'ingest')}")
        say(f"ingest: {ingest.stdout.decode('utf-8', 'replace').strip() or 'done'}")
        workers = []
        for number, worker_port in enumerate(plan.worker_ports):
            argv = [sys.executable, str(ROOT / "ui.py"), "--host", "127.0.0.1", "--port", str(worker_port)]
            workers.append((spawn(layout, f"worker-{number}", argv, env), worker_port, number))
        for process, worker_port, number in workers:  # they start side by side, then are waited for
            wait_until_up(f"http://127.0.0.1:{worker_port}/", process, f"worker-{number}", layout, START_TIMEOUT_S)
            say(f"worker-{number}: http://127.0.0.1:{worker_port}/")
        layout.nginx.mkdir(parents=True, exist_ok=True)
        for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (layout.nginx / "tmp" / sub).mkdir(parents=True, exist_ok=True)
        max_body = int(2 * float(os.environ.get("ASSISTANT_MAX_UPLOAD_MB", "20")) + 1)
        config = layout.nginx / "nginx.conf"
        config.write_text(nginx_config(layout.nginx, plan.host, plan.port, plan.worker_ports, max_body), "utf-8")
        argv = [nginx, "-p", str(layout.nginx), "-c", str(config), "-e", str(layout.nginx / "error.log")]
        process = spawn(layout, "nginx", [*argv, "-g", "daemon off;"], env)
        shown_host = "127.0.0.1" if plan.host in ("0.0.0.0", "::") else plan.host
        wait_until_up(f"http://{shown_host}:{plan.port}/", process, "nginx", layout, 30)
        say(f"nginx: http://{shown_host}:{plan.port}/ -> {len(plan.worker_ports)} workers")
    except BaseException:
        stop(layout)
        raise


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["start", "stop", "status"])
    env = os.environ.get
    parser.add_argument("--workers", type=int, default=int(env("CLUSTER_WORKERS") or os.cpu_count() or 1))
    parser.add_argument("--host", default=env("CLUSTER_HOST") or "127.0.0.1", help="nginx listens here")
    parser.add_argument("--port", type=int, default=int(env("CLUSTER_PORT") or 8080))
    parser.add_argument("--chroma-port", type=int, default=int(env("CLUSTER_CHROMA_PORT") or 8000))
    parser.add_argument("--worker-port", type=int, default=int(env("CLUSTER_WORKER_PORT") or 7870))
    parser.add_argument(
        "--worker-ports", help="comma-separated ports, one per worker (instead of --worker-port and up)"
    )
    args = parser.parse_args(argv)
    layout = Layout(var_dir())
    if args.command == "stop":
        for line in stop(layout) or ["nothing was running"]:
            print(line)
        return 0
    if args.command == "status":
        print("\n".join(running(layout)) or "not running")
        return 0
    if args.workers < 1:
        parser.error("--workers must be at least 1")
    ports = (
        [int(p) for p in args.worker_ports.split(",")]
        if args.worker_ports
        else [args.worker_port + i for i in range(args.workers)]
    )
    plan = Plan(len(ports), args.host, args.port, args.chroma_port, ports)
    try:
        start(layout, plan, lambda line: print(line, flush=True))
    except RuntimeError as error:
        print(f"cluster: {error}", file=sys.stderr)
        return 1
    print(f"stop with: make cluster-stop (pid files in {layout.dir})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
