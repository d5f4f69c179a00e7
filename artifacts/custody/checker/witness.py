"""Witnessing another archive's log, as Certificate Transparency monitors do.

Each run fetches the log's latest signed head, checks its signature, and asks the log to
prove that it is a consistent extension of the last head this witness kept. A log that
shrank, or whose new head does not extend the old one (a fork: two versions of history
shown to different people, or history rewritten), makes the run fail; otherwise the new
head is kept. Run daily, the kept heads are what `verify_integrity --head` and the
checker's --saved-head compare an archive against.
"""

import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from . import heads, merkle

TIMEOUT = 30


class FetchError(Exception):
    """The log could not be read: no verdict about its honesty."""


def fetcher(base_url: str):
    """A function that GETs a JSON document under the log's /transparency/ URL."""
    base = base_url if base_url.endswith("/") else base_url + "/"

    def fetch(path: str) -> dict:
        url = urllib.parse.urljoin(base, path)
        try:
            with urllib.request.urlopen(url, timeout=TIMEOUT) as response:  # noqa: S310 (http(s) URLs only)
                return json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as exc:
            raise FetchError(f"cannot read {url}: HTTP {exc.code}{_explained(exc)}") from None
        except (urllib.error.URLError, OSError, ValueError) as exc:
            raise FetchError(f"cannot read {url}: {exc}") from None

    if urllib.parse.urlsplit(base).scheme not in ("http", "https"):
        raise FetchError(f"{base_url} is not an http(s) URL")
    return fetch


def _explained(error) -> str:
    """The log's own explanation of an HTTP error, when it gave one as JSON."""
    try:
        message = json.loads(error.read(4096).decode("utf-8")).get("error")
    except (OSError, ValueError, AttributeError):
        return f" {error.reason}"
    return f": {message}" if isinstance(message, str) and message else f" {error.reason}"


@dataclass
class Outcome:
    ok: bool
    messages: list[str] = field(default_factory=list)


def _stored(store: Path) -> dict | None:
    path = store / "latest.json"
    if not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def _keep(store: Path, head: dict, keys: dict[str, str]) -> None:
    store.mkdir(parents=True, exist_ok=True)
    text = json.dumps(head, indent=2, sort_keys=True)
    origin = "".join(c if c.isalnum() else "_" for c in head["origin"])[:60]
    (store / f"head-{origin}-{head['number']:08d}.json").write_text(text, encoding="utf-8")
    (store / "latest.json").write_text(text, encoding="utf-8")
    known = _known_keys(store)
    known.update(keys)
    (store / "keys.json").write_text(json.dumps(known, indent=2, sort_keys=True), encoding="utf-8")


def _known_keys(store: Path) -> dict[str, str]:
    path = store / "keys.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def witness(base_url: str, store: Path, fetch=None) -> Outcome:
    fetch = fetch or fetcher(base_url)
    latest = fetch("heads/latest.json")
    if not latest or "tree_size" not in latest:
        return Outcome(False, ["the log has published no head yet"])
    keys = {k["key_id"]: k["public_key"] for k in fetch("keys.json").get("keys", [])}
    known = _known_keys(store)
    outcome = Outcome(True)
    for key, value in known.items():
        if keys.get(key, value) != value or key not in keys:
            outcome.ok = False
            outcome.messages.append(f"the log no longer publishes key {key} (or publishes another key under its id)")
    verified, note = heads.check_signature(latest, {**keys, **known})
    if verified is False:
        outcome.ok = False
    outcome.messages.append(note)
    previous = _stored(store)
    if previous is not None:
        _compare(previous, latest, fetch, outcome)
    if outcome.ok:
        _keep(store, latest, keys)
        outcome.messages.append(
            f"kept head {latest['number']}: {latest['tree_size']} leaves, root {latest['root_hash']}"
        )
    return outcome


def _compare(previous: dict, latest: dict, fetch, outcome: Outcome) -> None:
    if previous.get("origin") != latest.get("origin"):
        outcome.ok = False
        outcome.messages.append(f"the log calls itself {latest.get('origin')!r}, not {previous.get('origin')!r}")
        return
    old, new = previous["tree_size"], latest["tree_size"]
    if new < old:
        outcome.ok = False
        outcome.messages.append(f"SHRINK: the log had {old} leaves (head {previous['number']}) and now has {new}")
        return
    if new == old:
        if previous["root_hash"] != latest["root_hash"]:
            outcome.ok = False
            outcome.messages.append(f"FORK: two heads of {new} leaves with different roots")
        return
    proof = [bytes.fromhex(h) for h in fetch(f"proof/consistency.json?first={old}&second={new}").get("hashes", [])]
    if not merkle.verify_consistency(
        old, new, bytes.fromhex(previous["root_hash"]), bytes.fromhex(latest["root_hash"]), proof
    ):
        outcome.ok = False
        outcome.messages.append(
            f"FORK: the head of {new} leaves does not extend the kept head of {old} leaves "
            f"(head {previous['number']} of {previous.get('timestamp')}): history was rewritten"
        )
    else:
        outcome.messages.append(f"consistent: {old} → {new} leaves")
