"""The 国密 option: the JSON twin signed with SM2 (SM3 digest); one changed character fails it; reports
signed before the switch still verify under their own algorithm."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from tests.reports.conftest import World
from tests.reports.test_verify import _issue_public, _verify
from xinyong.reports.sm2 import SM2_ALG, Sm2Key
from xinyong.runtime import Runtime


def test_sm2_signs_the_json_twin_and_tampering_fails(
    client: TestClient, world: World, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, _, before = _issue_public(client, world)
    assert json.loads(before)["signature"]["alg"] == "ES256"
    monkeypatch.setattr(runtime.settings, "report_json_algorithm", SM2_ALG)
    _, pdf, twin = _issue_public(client, world)
    signature = json.loads(twin)["signature"]
    assert signature["alg"] == SM2_ALG
    assert len(signature["value"]) == 128
    assert _verify(client, twin, "r.json")["status"] == "genuine"
    assert _verify(client, pdf)["status"] == "genuine"  # the PDF keeps its PAdES signature
    text = twin.decode()
    pos = text.index("台州市宏达阀门")
    tampered = (text[:pos] + "台州市宏远阀门" + text[pos + 7 :]).encode()
    assert _verify(client, tampered, "r.json")["status"] == "altered"
    forged = json.loads(twin)
    forged["signature"]["value"] = Sm2Key.from_private("1" * 64).sign(b"anything")
    assert _verify(client, json.dumps(forged, ensure_ascii=False).encode(), "r.json")["status"] == "altered"
    assert _verify(client, before, "r.json")["status"] == "genuine"  # issued before the switch


def test_sm2_keys_are_checked() -> None:
    from xinyong.errors import XinyongError

    key = Sm2Key.from_private("a" * 64)
    assert key.verify(key.sign(b"x"), b"x")
    assert not key.verify(key.sign(b"x"), b"y")
    assert not key.verify("zz", b"x")
    for bad in ("", "0" * 64, "g" * 64, "a" * 63):
        with pytest.raises(XinyongError):
            Sm2Key.from_private(bad)
