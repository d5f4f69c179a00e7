"""A witness keeps an archive's signed heads and notices when its history changes.

Two archives run as real servers (tests/browser_server.py), each on a fresh database with
the demo collection, both calling their log by the same name and signing with the same
key: only their histories differ, as they would if an archive showed one history to some
readers and another to others. The witness is run both ways a reader can run it:
`manage.py witness` and the checker the archive serves, `python3 bfa-verify.pyz witness`.
"""

import io
import json
import re
import shutil
import subprocess
import sys
import urllib.request

import pytest
from django.core.management import CommandError, call_command

from artifacts.custody import signing
from tests.browser_server import archive_instance

ORIGIN = "witness-test.archive.example"


@pytest.fixture(scope="module")
def key_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("keys") / "shared-signing.pem"
    signing.make_key_file(path)
    return path


@pytest.fixture(scope="module")
def instances(key_file):
    env = {"ARCHIVE_SIGNING_KEY_FILE": str(key_file), "ARCHIVE_LOG_ORIGIN": ORIGIN}
    with archive_instance(env) as a, archive_instance(env) as b:
        yield a, b


@pytest.fixture(scope="module")
def checker(instances, tmp_path_factory):
    """The checker as the first archive serves it."""
    path = tmp_path_factory.mktemp("checker") / "bfa-verify.pyz"
    with urllib.request.urlopen(instances[0].url + "/transparency/bfa-verify.pyz", timeout=60) as response:  # noqa: S310
        path.write_bytes(response.read())
    return path


def publish(instance) -> dict:
    result = instance.manage("publish_tree_head", "--no-stamp")
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"Head \d+: \d+ leaves, root [0-9a-f]{64}, signed by key", result.stdout), result.stdout
    with urllib.request.urlopen(instance.url + "/transparency/heads/latest.json", timeout=30) as response:  # noqa: S310
        head = json.loads(response.read())
    assert head["origin"] == ORIGIN
    return head


def grow(instance) -> None:
    """New entries in the log: verify_integrity records a fixity check on every artifact."""
    result = instance.manage("verify_integrity")
    assert result.returncode == 0, result.stdout + result.stderr


def manage_witness(instance, store) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("witness", instance.url + "/transparency/", "--store", str(store), stdout=out)
    except SystemExit as exc:
        return exc.code, out.getvalue()
    return 0, out.getvalue()


def pyz_witness(checker, instance, store) -> tuple[int, str]:
    result = subprocess.run(
        [sys.executable, "-I", str(checker), "witness", instance.url + "/transparency/", "--store", str(store)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return result.returncode, result.stdout + result.stderr


def both_witnesses(checker, instance, stores) -> list[tuple[int, str]]:
    """The same check by manage.py and by the served checker, each with its own store."""
    return [manage_witness(instance, stores[0]), pyz_witness(checker, instance, stores[1])]


def kept(store) -> dict:
    return json.loads((store / "latest.json").read_text(encoding="utf-8"))


def test_witness_detects_a_fork_and_a_shrink_between_two_running_instances(instances, checker, tmp_path):
    a, b = instances
    stores = [tmp_path / "manage-store", tmp_path / "pyz-store"]

    # Before A publishes a head there is nothing to witness, and the witnesses say why.
    with pytest.raises(CommandError, match="HTTP 404: The archive has published no signed tree head yet"):
        manage_witness(a, stores[0])
    code, out = pyz_witness(checker, a, stores[1])
    assert code == 2
    assert "HTTP 404: The archive has published no signed tree head yet" in out
    assert not any(store.exists() for store in stores)

    # A publishes; both witnesses keep its head.
    first = publish(a)
    for code, out in both_witnesses(checker, a, stores):
        assert code == 0, out
        assert "Ed25519 signature verified" in out
        assert f"kept head {first['number']}: {first['tree_size']} leaves" in out
        assert out.rstrip().endswith("OK")
    assert all(kept(store)["root_hash"] == first["root_hash"] for store in stores)

    # A grows and publishes again: the new head extends the kept one.
    grow(a)
    second = publish(a)
    assert second["tree_size"] > first["tree_size"]
    for code, out in both_witnesses(checker, a, stores):
        assert code == 0, out
        assert f"consistent: {first['tree_size']} → {second['tree_size']} leaves" in out
    assert all(kept(store)["number"] == second["number"] for store in stores)
    # Nothing new: still OK, the same head kept.
    for code, out in both_witnesses(checker, a, stores):
        assert code == 0, out

    # B: the same log name and key, a shorter history. The witnesses see the log shrink.
    fork_stores = [tmp_path / "manage-store-2", tmp_path / "pyz-store-2"]
    for store, copy in zip(stores, fork_stores, strict=True):
        shutil.copytree(store, copy)
    short = publish(b)
    assert short["tree_size"] < second["tree_size"]
    for code, out in both_witnesses(checker, b, stores):
        assert code == 1, out
        assert f"SHRINK: the log had {second['tree_size']} leaves" in out
        assert "FAILED" in out
    # A failed check keeps nothing: the witness still holds A's head.
    assert all(kept(store)["root_hash"] == second["root_hash"] for store in stores)

    # B grows past A with entries of its own: a longer log that does not extend A's.
    grow(b)
    grow(b)
    longer = publish(b)
    assert longer["tree_size"] > second["tree_size"]
    for code, out in both_witnesses(checker, b, fork_stores):
        assert code == 1, out
        assert f"FORK: the head of {longer['tree_size']} leaves does not extend the kept head" in out
        assert "history was rewritten" in out
    assert all(kept(store)["root_hash"] == second["root_hash"] for store in fork_stores)

    # A itself is still fine for the witnesses that saw the fork.
    grow(a)
    publish(a)
    for code, out in both_witnesses(checker, a, fork_stores):
        assert code == 0, out
        assert "consistent:" in out


def test_witness_of_an_address_that_is_not_an_archive_fails_clearly(instances, checker, tmp_path):
    a, _ = instances
    out = io.StringIO()
    with pytest.raises(CommandError, match="cannot read"):
        call_command("witness", a.url + "/no-such-log/", "--store", str(tmp_path / "store"), stdout=out)
    result = subprocess.run(
        [sys.executable, "-I", str(checker), "witness", a.url + "/no-such-log/", "--store", str(tmp_path / "s")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert result.stdout.startswith("FAILED: cannot read")
    assert not (tmp_path / "store").exists()
