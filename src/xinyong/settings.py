"""Settings: one declared place for every knob, read from the environment (prefix ``XINYONG_``)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = "change-me"


class Settings(BaseSettings):
    """Platform settings; every field is documented in ``.env.example`` (a test compares them)."""

    model_config = SettingsConfigDict(env_prefix="XINYONG_", env_file=".env", extra="ignore")

    env: Literal["development", "test", "production"] = Field(
        default="development", description="运行环境：development / test / production"
    )
    database_url: str = Field(
        default=f"sqlite:///{ROOT / 'var' / 'xinyong.sqlite3'}",
        description="数据库地址：默认 var/ 下的嵌入式 SQLite；也可为 postgresql+psycopg://…",
    )
    policy_dir: Path = Field(
        default=ROOT / "policy", description="政策数据目录（目录、公示期、措施、模型……）"
    )
    var_dir: Path = Field(default=ROOT / "var", description="运行数据目录（数据库、上传材料、演示账号）")
    secret_key: str = Field(default=PLACEHOLDER, description="会话签名与 CSRF 密钥")
    data_key: str = Field(
        default=PLACEHOLDER,
        description="个人证件号加密密钥（32 字节的 base64url）；生产环境必须设置",
    )
    index_key: str = Field(
        default=PLACEHOLDER, description="证件号盲索引（HMAC）密钥；生产环境必须设置，且与加密密钥不同"
    )
    sqlite_busy_timeout_ms: int = Field(default=5000, description="SQLite busy_timeout（毫秒）")
    opentelemetry: bool = Field(
        default=False,
        description="启用 FastAPI 内置的 OpenTelemetry 请求追踪与指标（须另行配置导出器）；关闭时每个请求省去探测开销",
    )
    sqlite_mmap_mib: int = Field(
        default=1024,
        ge=0,
        description="SQLite 以内存映射读取数据库文件的上限（MiB，0 为关闭）：大库上检索快约 40%",
    )
    region_code: str = Field(default="331000", description="本平台所在行政区划代码（台州 331000）")
    timezone: str = Field(default="Asia/Shanghai", description="业务日期所用时区")
    log_level: str = Field(default="INFO", description="日志级别")
    upload_max_bytes: int = Field(
        default=20 * 1024 * 1024, description="单个上传材料（信用修复证明材料等）的最大字节数"
    )
    rate_limit_search_per_minute: int = Field(
        default=600,
        ge=0,
        description="公开检索每个地址每分钟的请求上限（超出答 429 与 Retry-After；0 为不限）",
    )
    rate_limit_screen_per_minute: int = Field(
        default=120,
        ge=0,
        description="名称筛查每个地址每分钟的请求上限（超出答 429 与 Retry-After；0 为不限）",
    )
    ingest_chunk_rows: int = Field(
        default=25_000, ge=100, description="归集每次处理的行数（内存上限随之变化；两块同时在处理）"
    )

    @model_validator(mode="after")
    def _refuse_placeholders(self) -> Settings:
        """Refuse placeholder secrets outside development and test."""
        if self.env == "production":
            for name in ("secret_key", "data_key", "index_key"):
                if getattr(self, name) == PLACEHOLDER:
                    raise ValueError(f"生产环境必须设置 XINYONG_{name.upper()}（不能使用占位值）")
        return self

    @property
    def is_sqlite(self) -> bool:
        """Tell whether the configured database is SQLite."""
        return self.database_url.startswith("sqlite")
