"""JSON columns: written by orjson, read by orjson with json.loads for what orjson refuses."""

from __future__ import annotations

import json

from xinyong.db import dumps_json, loads_json


def test_json_columns_round_trip_and_read_older_json_dumps_rows() -> None:
    value = {"名称": "台州市某某有限公司", "n": [1, 2.5, None, True], "nested": {"k": "v"}}
    assert loads_json(dumps_json(value)) == value
    assert dumps_json({1: "a"}) == '{"1":"a"}'  # keys become strings, as json.dumps does
    older = json.dumps({"big": 2**70, "nan": float("nan"), "text": "台州"})  # ASCII-escaped, NaN token
    parsed = loads_json(older)
    assert parsed["big"] == 2**70
    assert parsed["text"] == "台州"
    assert parsed["nan"] != parsed["nan"]
