"""What a database restart costs the archive's readers: requests in a loop while a
throwaway PostgreSQL cluster is stopped and started under gunicorn.

A primary is made with tests/standby.py (initdb on a free port in a temporary folder; the
machine's own cluster is never touched), migrated and loaded with the demo collection;
gunicorn (production settings, debug off, `--workers` sync workers) serves the catalog
and `--clients` threads request it without pause. For each mode the cluster is stopped
(`fast`: pg_ctl -m fast, `immediate`: a crash) and, after the seconds the mode names
(`immediate10`: down for 10 s), started again. Printed per mode: the requests answered
while and after it was down, by status (200, 503, anything else), the sequence of
statuses around the restart, and the log's size, tracebacks and one-line outage reports.

    python bench/outage_restart.py --modes fast immediate immediate10 --clients 4 --workers 4
"""

import argparse
import collections
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser_server import _archive_env, _free_port  # noqa: E402
from tests.standby import Workspace, migrate_and_load  # noqa: E402


def request_forever(url: str, stop: threading.Event, results: list) -> None:
    while not stop.is_set():
        try:
            with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 (loopback)
                results.append(response.status)
        except urllib.error.HTTPError as error:
            results.append(error.code)
        except OSError:
            results.append("no answer")


def measure(primary, url: str, mode: str, clients: int) -> dict:
    stop, results = threading.Event(), []
    threads = [threading.Thread(target=request_forever, args=(url, stop, results)) for _ in range(clients)]
    for thread in threads:
        thread.start()
    time.sleep(3)
    before = len(results)
    kind = mode.rstrip("0123456789")
    down = int(mode[len(kind) :] or 0)
    started = time.monotonic()
    primary.stop(kind)
    time.sleep(down)
    primary.start()
    restart = time.monotonic() - started
    time.sleep(3)
    stop.set()
    for thread in threads:
        thread.join()
    after = results[before:]
    return {
        "mode": mode,
        "restart_s": round(restart, 2),
        "answered": len(after),
        "statuses": dict(collections.Counter(map(str, after))),
        "sequence": "".join("." if r == 200 else "5" if r == 503 else "X" for r in after),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modes", nargs="+", default=["fast", "immediate", "immediate10"])
    parser.add_argument("--clients", type=int, default=4, help="Threads requesting the catalog (default 4).")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers (default 4).")
    parser.add_argument("--port", type=int, default=0, help="gunicorn's port (default: a free one).")
    options = parser.parse_args()
    with Workspace() as space:
        primary = space.primary()
        database_url = primary.create_database("archive")
        work = Path(tempfile.mkdtemp(dir=space.directory))
        migrate_and_load(database_url, work)
        production = {
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "outage-bench-" + "x" * 50,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DATABASE_CONNECT_TIMEOUT": "2",
        }
        env = _archive_env(database_url, work, production)
        subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput"], cwd=ROOT, env=env, check=True)
        port = options.port or _free_port()
        command = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--workers", str(options.workers)]
        with open(work / "gunicorn.log", "w") as log:
            server = subprocess.Popen(
                [*command, "--bind", f"127.0.0.1:{port}", "artifacts.wsgi"],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            try:
                url = f"http://127.0.0.1:{port}/artifacts/"
                for _ in range(100):
                    try:
                        urllib.request.urlopen(url, timeout=5).read()  # noqa: S310 (loopback)
                        break
                    except OSError:
                        time.sleep(0.2)
                for mode in options.modes:
                    result = measure(primary, url, mode, options.clients)
                    print(
                        f"{result['mode']}: cluster back after {result['restart_s']} s; {result['answered']} requests "
                        f"answered during and after: {result['statuses']}"
                    )
                    print("  ", result["sequence"])
            finally:
                server.terminate()
                server.wait()
        text = (work / "gunicorn.log").read_text()
        print(
            f"log: {len(text.splitlines())} lines, {text.count('Traceback')} tracebacks, "
            f"{text.count('Database unavailable')} one-line outage reports"
        )


if __name__ == "__main__":
    main()
