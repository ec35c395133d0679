"""Rotating a store's signing key: records name the key that signed them (`key_id`) and each is checked with
that key — the current one, or a retired one whose public half is in POS_RETIRED_KEYS. Without the old key
configured, the check names the first record and the unknown key; a record re-signed with a key that is not
configured fails; the archive carries every public key its records were signed with."""

import base64
import io
import zipfile

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command

from ashopy.pos import signing
from ashopy.pos.archive import verify_archive
from ashopy.pos.models import ChainRecord
from ashopy.pos.verification import verify_till
from tests.pos.conftest import sell

pytestmark = pytest.mark.django_db


def private(seed: str) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(base64.b64decode(seed))


def key_id(seed: str) -> str:
    return signing.key_id(private(seed).public_key())


@pytest.fixture
def keys():
    return {name: signing.new_seed() for name in "ABC"}


@pytest.fixture
def rotated(settings, keys, session, seller, variant, store):
    """Two sales signed with key A, then the store's key becomes B (A retired), two more sales."""
    settings.POS_SIGNING_KEYS = {store.slug: keys["A"]}
    sell(session, seller, variant)
    sell(session, seller, variant)
    settings.POS_SIGNING_KEYS = {store.slug: keys["B"]}
    settings.POS_RETIRED_KEYS = {store.slug: signing.raw_base64(private(keys["A"]).public_key())}
    sell(session, seller, variant)
    sell(session, seller, variant)
    return keys


def test_after_a_rotation_the_whole_chain_verifies(rotated, till):
    key_ids = list(ChainRecord.objects.filter(till=till).order_by("sequence").values_list("key_id", flat=True))
    assert key_ids == [key_id(rotated["A"])] * 2 + [key_id(rotated["B"])] * 2
    report = verify_till(till)
    assert report.ok and report.records == 4
    out = io.StringIO()
    call_command("verify_pos_chain", stdout=out)
    assert "4 records, chain valid" in out.getvalue()


def test_a_retired_key_may_be_given_as_pem_for_every_store(rotated, till, settings):
    settings.POS_RETIRED_KEYS = {"*": [signing.pem(private(rotated["C"]).public_key()),
                                       signing.pem(private(rotated["A"]).public_key())]}
    assert verify_till(till).ok


def test_without_the_old_key_the_first_record_and_its_unknown_key_are_named(rotated, till, settings):
    settings.POS_RETIRED_KEYS = {}
    report = verify_till(till)
    assert not report.ok and report.failure.sequence == 1
    assert f"unknown key {key_id(rotated['A'])}" in report.failure.reason
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("verify_pos_chain", stdout=out)
    assert "record #1" in out.getvalue() and f"unknown key {key_id(rotated['A'])}" in out.getvalue()


@pytest.mark.postgres
def test_a_record_re_signed_with_a_key_not_configured_fails(rotated, till):
    from tests.pos.test_chain import _tamper

    record = ChainRecord.objects.get(till=till, sequence=3)
    forged = private(rotated["C"]).sign(record.hash.encode()).hex()
    _tamper("UPDATE pos_chainrecord SET signature = %s, key_id = %s WHERE id = %s",
            [forged, key_id(rotated["C"]), record.pk])
    report = verify_till(till)
    assert report.failure.sequence == 3 and f"unknown key {key_id(rotated['C'])}" in report.failure.reason

    _tamper("UPDATE pos_chainrecord SET key_id = %s WHERE id = %s", [record.key_id, record.pk])  # C's, named B
    report = verify_till(till)
    assert report.failure.sequence == 3
    assert report.failure.reason == f"its signature is not valid for key {key_id(rotated['B'])}"


def test_the_archive_carries_every_key_its_records_were_signed_with(rotated, till, store, tmp_path, variant):
    year = str(ChainRecord.objects.first().created_at.year)
    call_command("export_pos_archive", "--year", year, "--output", str(tmp_path), stdout=io.StringIO())
    path = next(tmp_path.glob("pos-archive-*.zip"))
    assert verify_archive(path) == []
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        assert {f"public_keys/{key_id(rotated[name])}.pem" for name in "AB"} <= names
        assert archive.read(f"public_keys/{key_id(rotated['A'])}.pem").decode() == signing.pem(
            private(rotated["A"]).public_key())
    assert not any(name.endswith(f"{key_id(rotated['C'])}.pem") for name in names)

    forged = tmp_path / "forged.zip"  # the archive minus the old key: its records no longer check
    with zipfile.ZipFile(path) as original, zipfile.ZipFile(forged, "w") as copy:
        for item in original.infolist():
            if key_id(rotated["A"]) not in item.filename:
                copy.writestr(item, original.read(item.filename))
    assert verify_archive(forged) == [f"public_keys/{key_id(rotated['A'])}.pem is missing",
                                      f"record c1 #1 is signed with unknown key {key_id(rotated['A'])}",
                                      f"record c1 #2 is signed with unknown key {key_id(rotated['A'])}"]


def test_the_archive_is_refused_while_a_records_key_is_unknown(rotated, till, settings, tmp_path):
    settings.POS_RETIRED_KEYS = {}
    exports = ChainRecord.objects.filter(kind="export").count()
    with pytest.raises(CommandError, match=f"unknown key {key_id(rotated['A'])}.*POS_RETIRED_KEYS"):
        call_command("export_pos_archive", "--year", "2026", "--output", str(tmp_path), stdout=io.StringIO())
    assert not list(tmp_path.iterdir()) and ChainRecord.objects.filter(kind="export").count() == exports


@pytest.mark.parametrize("value", [["not a dict"], {"*": "bm90IGEga2V5"}, {"*": [42]}, {"*": "-----BEGIN junk"},
                                   {"*": signing.new_seed() + "=="}])
def test_a_badly_configured_retired_key_is_named(settings, store, value):
    settings.POS_RETIRED_KEYS = value
    with pytest.raises(ImproperlyConfigured, match="POS_RETIRED_KEYS"):
        signing.verification_keys(store)


def test_the_public_key_command_prints_what_the_setting_takes(settings, store, keys):
    settings.POS_SIGNING_KEYS = {"*": keys["A"]}
    out = io.StringIO()
    call_command("pos_public_keys", "--store", store.slug, stdout=out)
    slug, printed_id, public = out.getvalue().split()
    assert (slug, printed_id) == (store.slug, key_id(keys["A"]))
    assert signing.key_id(signing._load_public(public)) == printed_id
