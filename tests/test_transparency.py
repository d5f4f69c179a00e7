"""The transparency log's public endpoints, as a witness or a researcher uses them:
signed heads, the list of heads, leaf hashes, inclusion and consistency proofs, the keys,
the checker download, and the commands that make keys and publish heads.

Every proof is checked with the checker's own code (artifacts.custody.checker), the code
researchers run, against what the endpoints serve; nothing is mocked.
"""

import base64
import io
import json
import os
import socket
import stat
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command

from artifacts.custody import heads, log
from artifacts.custody.checker import heads as head_format
from artifacts.custody.checker import merkle
from artifacts.custody.checker import record as custody_record
from artifacts.custody.checker import tsa as tokens
from artifacts.custody.models import TreeHead
from tests.factories import ArtifactFactory, make_custody_event, make_photo

pytestmark = pytest.mark.django_db


def get_json(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json"), url
    return json.loads(response.content)


def grow(events: int = 1, artifact=None):
    """Append leaves to the log the way the archive does: by recording custody events."""
    artifact = artifact or ArtifactFactory()
    for _ in range(events):
        make_custody_event(artifact, event_type="transfer", note="Moved to the reading room")
    return artifact


def published_sizes(count: int) -> list[dict]:
    """Publish `count` heads, the log growing before each one; return them as served."""
    for number in range(count):
        grow(events=number + 1)
        assert heads.publish().head is not None
    return [heads.document(h) for h in TreeHead.objects.order_by("number")]


def served_keys(client) -> dict[str, str]:
    return {k["key_id"]: k["public_key"] for k in get_json(client, "/transparency/keys.json")["keys"]}


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# Heads


def test_before_any_head_the_latest_head_is_a_json_404(client):
    body = get_json(client, "/transparency/heads/latest.json", status=404)
    assert "no signed tree head" in body["error"]
    assert get_json(client, "/transparency/heads.json") == {"heads": []}
    assert "no signed tree head number 1" in get_json(client, "/transparency/heads/1.json", status=404)["error"]


def test_a_published_head_is_served_signed_with_a_published_key(client, signing_key, settings):
    grow(events=3)
    published = heads.publish().head

    head = get_json(client, "/transparency/heads/latest.json")
    assert head["format"] == head_format.FORMAT
    assert head["origin"] == settings.ARCHIVE_LOG_ORIGIN
    assert head["number"] == 1
    assert head["tree_size"] == log.size() == published.tree_size >= 3
    assert head["root_hash"] == log.root(head["tree_size"]).hex()
    assert head["timestamp"].endswith("Z")
    assert head["previous"] == ""
    assert head["timestamps"] == []
    keys = served_keys(client)
    assert list(keys) == [head["key_id"]]
    assert head_format.check_signature(head, keys)[0] is True
    # The same head by number; and a head altered in transit no longer verifies.
    assert get_json(client, "/transparency/heads/1.json") == head
    forged = dict(head, tree_size=head["tree_size"] - 1)
    assert head_format.check_signature(forged, keys)[0] is False
    assert client.get("/transparency/heads/latest.json")["Access-Control-Allow-Origin"] == "*"


def test_the_page_shows_the_latest_signed_head(client, signing_key):
    grow(events=2)
    head = heads.publish().head
    page = client.get("/transparency/").content.decode()
    assert f"Number {head.number}" in page
    assert head.root_hash in page
    assert head.key.key_id in page
    assert "Unsigned" not in page


def test_heads_are_listed_oldest_first_chained_and_paged(client, signing_key, monkeypatch):
    published = published_sizes(5)
    listed = get_json(client, "/transparency/heads.json")
    assert [h["number"] for h in listed["heads"]] == [1, 2, 3, 4, 5]
    assert "next" not in listed
    assert listed["heads"] == published
    for older, newer in zip(listed["heads"], listed["heads"][1:], strict=False):
        assert newer["previous"] == head_format.head_hash(older)
        assert newer["tree_size"] > older["tree_size"]
    for head in listed["heads"]:
        assert get_json(client, f"/transparency/heads/{head['number']}.json") == head

    from artifacts.custody import views

    monkeypatch.setattr(views, "HEADS_PAGE", 2)
    numbers, url = [], "/transparency/heads.json"
    while url:
        page = get_json(client, url)
        assert len(page["heads"]) <= 2
        numbers += [h["number"] for h in page["heads"]]
        url = page.get("next")
        if url:
            assert url.startswith("http://testserver/transparency/heads.json?start=")
    assert numbers == [1, 2, 3, 4, 5]
    assert [h["number"] for h in get_json(client, "/transparency/heads.json?start=4")["heads"]] == [4, 5]
    assert get_json(client, "/transparency/heads.json?start=99")["heads"] == []


def test_a_head_that_did_not_change_is_not_published_again(signing_key):
    grow()
    assert heads.publish().head.number == 1
    assert heads.publish().head is None
    assert TreeHead.objects.count() == 1


# Proofs


def test_every_leaf_proves_its_inclusion_in_the_head(client, signing_key):
    grow(events=4, artifact=grow(events=3))
    heads.publish()
    head = get_json(client, "/transparency/heads/latest.json")
    size, root = head["tree_size"], bytes.fromhex(head["root_hash"])
    assert size >= 7
    for index in range(size):
        leaf = get_json(client, f"/transparency/leaves/{index}.json")
        assert leaf["leaf_index"] == index
        assert set(leaf) == {"leaf_index", "leaf_hash"}  # a hash only, never the entry's content
        proof = get_json(client, f"/transparency/proof/inclusion.json?leaf={index}&tree_size={size}")
        assert (proof["leaf_index"], proof["tree_size"]) == (index, size)
        hashes = [bytes.fromhex(h) for h in proof["hashes"]]
        assert merkle.verify_inclusion(bytes.fromhex(leaf["leaf_hash"]), index, size, hashes, root), index
        # The proof is for this leaf only.
        other = bytes.fromhex(get_json(client, f"/transparency/leaves/{(index + 1) % size}.json")["leaf_hash"])
        assert not merkle.verify_inclusion(other, index, size, hashes, root)
    body = get_json(client, f"/transparency/leaves/{size + 5}.json", status=404)
    assert "no leaf" in body["error"]


def test_every_pair_of_heads_is_proved_consistent(client, signing_key):
    published = published_sizes(4)
    sizes = [h["tree_size"] for h in published]
    assert sizes == sorted(set(sizes))
    roots = {h["tree_size"]: bytes.fromhex(h["root_hash"]) for h in published}
    for first in sizes:
        for second in sizes:
            if first > second:
                continue
            proof = get_json(client, f"/transparency/proof/consistency.json?first={first}&second={second}")
            assert (proof["first"], proof["second"]) == (first, second)
            hashes = [bytes.fromhex(h) for h in proof["hashes"]]
            assert merkle.verify_consistency(first, second, roots[first], roots[second], hashes), (first, second)
            if first < second:
                # A rewritten past: the old root does not lead to the new one.
                forged = bytes(32) if roots[first] != bytes(32) else b"\x01" * 32
                assert not merkle.verify_consistency(first, second, forged, roots[second], hashes)


BAD_PROOF_QUERIES = [
    ("inclusion.json?leaf=abc&tree_size=3", "'leaf' must be a whole number"),
    ("inclusion.json?leaf=-1&tree_size=3", "'leaf' must be a whole number"),
    ("inclusion.json?leaf=1&tree_size=-3", "'tree_size' must be a whole number"),
    (f"inclusion.json?leaf={10**30}&tree_size=3", "at most 18 digits"),
    (f"inclusion.json?leaf=0&tree_size={10**30}", "at most 18 digits"),
    ("inclusion.json?leaf=0", "'tree_size' must be a whole number"),
    ("inclusion.json?leaf=١&tree_size=3", "'leaf' must be a whole number"),
    ("inclusion.json?leaf=3&tree_size=3", "leaf 3 is not in a tree of 3 leaves"),
    ("inclusion.json?leaf=0&tree_size=0", "leaf 0 is not in a tree of 0 leaves"),
    ("inclusion.json?leaf=0&tree_size=1000", "there is no tree of size 1000"),
    (f"inclusion.json?leaf=0&tree_size={10**18 - 1}", f"there is no tree of size {10**18 - 1}"),
    ("consistency.json?first=abc&second=3", "'first' must be a whole number"),
    ("consistency.json?first=1&second=-3", "'second' must be a whole number"),
    (f"consistency.json?first=1&second={10**30}", "at most 18 digits"),
    ("consistency.json?first=4&second=2", "a tree of 4 leaves cannot be proved consistent with one of 2"),
    ("consistency.json?first=1&second=1000", "there is no tree of size 1000"),
    ("consistency.json", "'first' must be a whole number"),
]


@pytest.mark.parametrize(("query", "message"), BAD_PROOF_QUERIES)
def test_bad_proof_parameters_are_a_clear_400(client, signing_key, query, message):
    grow(events=4)
    heads.publish()
    body = get_json(client, f"/transparency/proof/{query}", status=400)
    assert message in body["error"]


@pytest.mark.parametrize(
    ("url", "status", "message"),
    [
        ("/transparency/heads.json?start=abc", 400, "'start' must be a whole number"),
        ("/transparency/heads.json?start=-1", 400, "'start' must be a whole number"),
        (f"/transparency/heads.json?start={10**30}", 400, "at most 18 digits"),
        (f"/transparency/heads/{10**30}.json", 404, "no signed tree head"),
        (f"/transparency/leaves/{10**30}.json", 404, "no leaf"),
        (f"/transparency/heads/{2**63}.json", 404, "no signed tree head"),
        (f"/transparency/leaves/{2**63}.json", 404, "no leaf"),
    ],
)
def test_bad_head_and_leaf_addresses_are_json_errors(client, signing_key, url, status, message):
    grow()
    heads.publish()
    assert message in get_json(client, url, status=status)["error"]


# Unsigned and timestamped heads


def test_without_a_key_heads_are_unsigned_and_the_page_says_so(client, settings):
    settings.ARCHIVE_SIGNING_KEY_FILE = ""
    grow(events=2)
    heads.publish()
    head = get_json(client, "/transparency/heads/latest.json")
    assert head["signature"] is None
    assert head["key_id"] is None
    assert get_json(client, "/transparency/keys.json") == {"keys": []}
    assert head_format.check_signature(head, {})[0] is False
    page = client.get("/transparency/").content.decode()
    assert "Unsigned" in page
    assert head["root_hash"] in page


def test_a_page_before_any_head_says_none_was_published(client):
    grow(events=2)
    page = client.get("/transparency/").content.decode()
    assert "No signed head has been published yet" in page


def test_a_head_carries_a_verifiable_timestamp(client, signing_key, settings, tsa, tmp_path):
    ca_file = tmp_path / "tsa-ca.pem"
    ca_file.write_bytes(tsa.root_pem)
    settings.ARCHIVE_TSA_URL = tsa.url
    settings.ARCHIVE_TSA_CA_FILE = str(ca_file)
    grow(events=2)
    result = heads.publish()
    assert result.problems == []
    assert len(result.stamped) == 1

    head = get_json(client, "/transparency/heads/latest.json")
    [stamp] = head["timestamps"]
    assert stamp["tsa"] == tsa.url
    verified = tokens.verify_token(base64.b64decode(stamp["token"]), head_format.stamped_bytes(head), tsa.root_pem)
    assert verified.signature_checked
    assert verified.info.gen_time.isoformat().startswith(stamp["gen_time"][:16])
    # The token covers this head and its signature, not another head.
    other = dict(head, tree_size=head["tree_size"] + 1)
    with pytest.raises(tokens.TokenError):
        tokens.verify_token(base64.b64decode(stamp["token"]), head_format.stamped_bytes(other), tsa.root_pem)
    page = client.get("/transparency/").content.decode()
    assert f"RFC 3161 token from {tsa.url}" in page


# Commands


def test_publish_tree_head_reports_what_it_signed_and_stamped(signing_key, settings, tsa, tmp_path):
    ca_file = tmp_path / "tsa-ca.pem"
    ca_file.write_bytes(tsa.root_pem)
    settings.ARCHIVE_TSA_URL = tsa.url
    settings.ARCHIVE_TSA_CA_FILE = str(ca_file)
    grow(events=2)
    out = io.StringIO()
    call_command("publish_tree_head", stdout=out, stderr=io.StringIO())
    head = TreeHead.objects.get()
    text = out.getvalue()
    assert f"Head 1: {head.tree_size} leaves, root {head.root_hash}, signed by key {head.key.key_id[:16]}" in text
    assert f"timestamped by {tsa.url}" in text

    out = io.StringIO()
    call_command("publish_tree_head", stdout=out)
    assert "has not grown since the last head: no new head" in out.getvalue()
    assert TreeHead.objects.count() == 1


def test_publish_tree_head_fails_clearly_when_the_tsa_is_down(signing_key, settings):
    settings.ARCHIVE_TSA_URL = f"http://127.0.0.1:{closed_port()}/tsa"
    grow(events=2)
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("publish_tree_head", stdout=out, stderr=err)
    assert exited.value.code == 1
    assert "head 1 not stamped" in err.getvalue()
    # The head is signed and kept all the same; the stamp is tried again at the next run.
    head = TreeHead.objects.get()
    assert head.signature
    assert "Head 1:" in out.getvalue()
    assert not head.timestamps.exists()


def test_publish_tree_head_unsigned_says_so(settings):
    settings.ARCHIVE_SIGNING_KEY_FILE = ""
    out = io.StringIO()
    call_command("publish_tree_head", "--no-stamp", stdout=out)
    assert "UNSIGNED (no signing key configured)" in out.getvalue()


def test_publish_tree_head_with_an_unreadable_key_is_a_clear_error(settings, tmp_path):
    settings.ARCHIVE_SIGNING_KEY_FILE = str(tmp_path / "missing.pem")
    with pytest.raises(CommandError, match="cannot be read.*make_signing_key"):
        call_command("publish_tree_head", "--no-stamp")
    assert not TreeHead.objects.exists()


def test_make_signing_key_writes_a_private_file_and_never_overwrites(tmp_path):
    path = tmp_path / "keys" / "signing.pem"
    out = io.StringIO()
    call_command("make_signing_key", str(path), stdout=out)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert path.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    assert "Key id: " in out.getvalue()
    before = path.read_bytes()
    with pytest.raises(CommandError, match="exists already; a key is never overwritten"):
        call_command("make_signing_key", str(path))
    assert path.read_bytes() == before


# The custody record and the checker


@pytest.fixture
def downloaded_record(client, signing_key):
    artifact = ArtifactFactory(title="Phrase list")
    make_photo(artifact)
    make_custody_event(artifact, event_type="recovery", place="Курская область")
    make_custody_event(artifact, event_type="transfer", note="Handed to the unit's archive")
    grow(events=2)  # other artifacts' entries share the log
    heads.publish()
    return get_json(client, f"/artifacts/{artifact.accession_number}/custody.json")


def test_the_custody_record_proves_each_event_and_file_to_the_named_head(client, downloaded_record):
    document = downloaded_record
    head = document["log"]["head"]
    assert head == get_json(client, "/transparency/heads/latest.json")
    assert document["log"]["keys"] == served_keys(client)
    placements = [e["log"] for e in document["events"]] + [f["log"] for f in document["files"]]
    assert len(placements) == 3
    root = bytes.fromhex(head["root_hash"])
    for placement in placements:
        assert placement["head"] == head["number"]
        index = placement["leaf_index"]
        leaf = bytes.fromhex(get_json(client, f"/transparency/leaves/{index}.json")["leaf_hash"])
        proof = [bytes.fromhex(h) for h in placement["proof"]]
        assert merkle.verify_inclusion(leaf, index, head["tree_size"], proof, root)
    report = custody_record.verify_record(document)
    assert report.problems == []
    assert any("Ed25519 signature verified" in note for note in report.notes)


def test_the_served_checker_verifies_a_downloaded_record(client, downloaded_record, tmp_path):
    response = client.get("/transparency/bfa-verify.pyz")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="bfa-verify.pyz"'
    script = tmp_path / "bfa-verify.pyz"
    script.write_bytes(response.content)
    record = tmp_path / "record.json"
    record.write_text(json.dumps(downloaded_record, ensure_ascii=False), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-I", str(script), str(record)], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith(f"OK: {downloaded_record['accession_number']}: 2 events")

    # An event edited after the fact no longer proves to the head.
    downloaded_record["events"][1]["note"] = "Handed to a private collector"
    record.write_text(json.dumps(downloaded_record, ensure_ascii=False), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-I", str(script), str(record)], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 1
    assert result.stdout.startswith("FAILED")
