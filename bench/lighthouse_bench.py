"""Lighthouse scores of the reading room: home, catalog, a search and a record page, in
English, Ukrainian and Korean, on a phone and on a desktop.

The archive runs as in production (gunicorn, debug off, static files collected and served
by WhiteNoise) on a database of its own loaded with the demo collection; Lighthouse drives
Debian's Chromium. Lighthouse is a bench tool, not a dependency of the archive: install it
once into bench/out (which git ignores), at the version the results were made with:

    npm install --prefix bench/out/lighthouse lighthouse@13.5.0
    .venv/bin/python bench/lighthouse_bench.py --runs 3

Each page is measured --runs times, one after the other; the median of each category is
reported, with the audits that lost points in the worst run. Results go to
bench/out/lighthouse.json and, as a table, to standard output (copied into
bench/LIGHTHOUSE_RESULTS.md).
"""

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = ROOT / "bench" / "out" / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = "/usr/bin/chromium"
CHROME_FLAGS = "--headless --no-sandbox --disable-gpu --disable-background-networking"
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
PAGES = {"home": "/", "catalog": "/artifacts/", "search": "/artifacts/?q=surrender", "record": "/artifacts/{record}/"}
LANGUAGES = ["", "/uk", "/ko"]
FORM_FACTORS = ["mobile", "desktop"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(env: dict, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return result.stdout


def lighthouse(url: str, form_factor: str, keep: Path | None = None) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        command = [
            str(LIGHTHOUSE),
            url,
            "--quiet",
            f"--chrome-flags={CHROME_FLAGS}",
            "--output=json",
            f"--output-path={out.name}",
            f"--only-categories={','.join(CATEGORIES)}",
        ]
        if form_factor == "desktop":
            command.append("--preset=desktop")
        # Lighthouse now and then fails to attach to a fresh Chromium: try again, twice.
        for attempt in range(3):
            done = subprocess.run(command, env={**os.environ, "CHROME_PATH": CHROMIUM}, capture_output=True, text=True)
            if done.returncode == 0:
                break
            print(f"  (lighthouse failed on {url}, attempt {attempt + 1}: {done.stderr.strip()[-200:]})", flush=True)
        else:
            raise RuntimeError(f"Lighthouse failed three times on {url}")
        report = json.loads(Path(out.name).read_text())
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
        slug = "".join(c if c.isalnum() else "-" for c in url.split("//", 1)[-1].split("/", 1)[-1]).strip("-")
        (keep / f"{form_factor}-{slug or 'home'}-{time.monotonic_ns()}.json").write_text(json.dumps(report))
    scores = {name: round(report["categories"][name]["score"] * 100) for name in CATEGORIES}
    lost = sorted(
        f"{ref['id']} ({report['audits'][ref['id']].get('displayValue', '')})".replace(" ()", "")
        for name in CATEGORIES
        for ref in report["categories"][name]["auditRefs"]
        if ref.get("weight") and (report["audits"][ref["id"]].get("score") or 1) < 0.9
    )
    return {"scores": scores, "lost": lost}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="measurements per page (median reported)")
    parser.add_argument("--pages", nargs="+", choices=list(PAGES), default=list(PAGES), help="pages to measure")
    parser.add_argument(
        "--languages", nargs="+", choices=["en", "uk", "ko"], default=["en", "uk", "ko"], help="languages to measure"
    )
    parser.add_argument("--form-factors", nargs="+", choices=FORM_FACTORS, default=FORM_FACTORS)
    parser.add_argument("--keep", help="folder to keep each run's full Lighthouse report in")
    options = parser.parse_args()
    if not LIGHTHOUSE.exists():
        sys.exit("Lighthouse is not installed: npm install --prefix bench/out/lighthouse lighthouse@13.5.0")
    with tempfile.TemporaryDirectory(prefix="archive-lighthouse-") as workdir:
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "ARCHIVE_"))},
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "lighthouse-bench-only-" + "x" * 40,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DATABASE_URL": f"sqlite:///{workdir}/archive.sqlite3",
            "MEDIA_ROOT": f"{workdir}/media",
            "DJANGO_STATIC_ROOT": f"{workdir}/static",
        }
        manage(env, "migrate", "--noinput")
        manage(env, "load_demo")
        manage(env, "collectstatic", "--noinput")
        shown = manage(
            env, "shell", "-c", "from artifacts.models import Artifact; print(Artifact.objects.order_by('pk')[0])"
        )
        record = shown.strip().splitlines()[-1].split()[0]  # the shell may first say what it imported
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "artifacts.wsgi", "-b", f"127.0.0.1:{port}", "-w", "2"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(50):
                try:
                    urllib.request.urlopen(base + "/", timeout=2)  # noqa: S310 (our own server)
                    break
                except OSError:
                    time.sleep(0.2)
            results = []
            languages = [language for language in LANGUAGES if (language.strip("/") or "en") in options.languages]
            for form_factor in options.form_factors:
                for language in languages:
                    for name, path in PAGES.items():
                        if name not in options.pages:
                            continue
                        url = base + language + path.format(record=record)
                        keep = Path(options.keep) if options.keep else None
                        runs = [lighthouse(url, form_factor, keep) for _ in range(options.runs)]
                        median = {c: statistics.median(r["scores"][c] for r in runs) for c in CATEGORIES}
                        worst = min(runs, key=lambda r: sum(r["scores"].values()))
                        results.append(
                            {
                                "form_factor": form_factor,
                                "language": language.strip("/") or "en",
                                "page": name,
                                "median": median,
                                "lost_in_worst": worst["lost"],
                            }
                        )
                        row = results[-1]
                        print(
                            f"| {form_factor} | {row['language']} | {name} | "
                            + " | ".join(f"{median[c]:.0f}" for c in CATEGORIES)
                            + f" | {', '.join(worst['lost']) or '—'} |",
                            flush=True,
                        )
        finally:
            server.terminate()
            server.wait(timeout=10)
    out = ROOT / "bench" / "out"
    out.mkdir(exist_ok=True)
    (out / "lighthouse.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
