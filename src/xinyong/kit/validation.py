"""Chinese for pydantic's validation errors: the API's 422 answers and the policy loader's problems."""

from __future__ import annotations

# Chinese for the validation errors people meet most; others keep pydantic's message beside a general line.
VALIDATION_ZH = {
    "missing": "缺少必填项",
    "json_invalid": "不是合法的 JSON",
    "string_type": "应为字符串",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "float_type": "应为数值",
    "float_parsing": "应为数值",
    "bool_type": "应为布尔值",
    "bool_parsing": "应为布尔值",
    "date_type": "应为日期（YYYY-MM-DD）",
    "date_parsing": "应为日期（YYYY-MM-DD）",
    "date_from_datetime_parsing": "应为日期（YYYY-MM-DD）",
    "string_too_long": "过长",
    "string_too_short": "过短",
    "too_long": "项数过多",
    "too_short": "项数过少",
    "greater_than_equal": "过小",
    "less_than_equal": "过大",
    "greater_than": "过小",
    "less_than": "过大",
    "enum": "不在允许的取值范围内",
    "literal_error": "不在允许的取值范围内",
    "extra_forbidden": "不允许的字段",
    "dict_type": "应为对象",
    "list_type": "应为数组",
    "model_type": "应为对象",
    "value_error": "取值不合法",
}


def message_zh(kind: str, msg: str) -> str | None:
    """Return the Chinese message of a validation error of type ``kind`` (``None`` when none is known).

    Our own validators raise ``ValueError`` with a Chinese message: it is returned without pydantic's
    English prefix.
    """
    if kind in ("value_error", "assertion_error"):
        for prefix in ("Value error, ", "Assertion failed, "):
            if msg.startswith(prefix):
                return msg.removeprefix(prefix)
    return VALIDATION_ZH.get(kind)
