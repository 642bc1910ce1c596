"""Settings: one declared place for every knob, read from the environment (prefix ``XINYONG_``)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator
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
    proposals_dir: Path = Field(
        default=ROOT / "policy-proposals", description="政策提案目录（每个子目录一个提案，供政策影响模拟）"
    )
    var_dir: Path = Field(default=ROOT / "var", description="运行数据目录（数据库、上传材料、演示账号）")
    secret_key: str = Field(default=PLACEHOLDER, description="会话签名与 CSRF 密钥")
    data_key: str = Field(
        default=PLACEHOLDER,
        description="个人证件号加密密钥（base64url：AES-256-GCM 为 32 字节，SM4-GCM 为 16 字节）；生产环境必须设置",
    )
    data_key_algorithm: Literal["AES-256-GCM", "SM4-GCM"] = Field(
        default="AES-256-GCM",
        description="个人证件号新加密所用算法：AES-256-GCM（默认，密钥 32 字节）或 SM4-GCM（国密，密钥 16 字节）；已有密文按自带的算法标识解密",
    )
    data_keys_previous: str = Field(
        default="",
        description="轮换中仍需解密的旧加密密钥（逗号分隔的 base64url）；xinyong keys rotate 完成后移除",
    )
    index_key: str = Field(
        default=PLACEHOLDER, description="证件号盲索引（HMAC）密钥；生产环境必须设置，且与加密密钥不同"
    )
    report_signing_key: str = Field(
        default=PLACEHOLDER,
        description="信用报告签名私钥（EC P-256，PKCS#8 PEM 文件路径）；生产环境必须设置，开发与演示自动生成于 var/",
    )
    report_signing_cert: str = Field(
        default=PLACEHOLDER, description="信用报告签名证书（PEM 文件路径）；生产环境必须设置"
    )
    report_json_algorithm: Literal["ES256", "SM2-SM3"] = Field(
        default="ES256",
        description="信用报告 JSON 副本的签名算法：ES256（默认）或 SM2-SM3（国密）；PDF 始终为 PAdES 签名",
    )
    report_sm2_key: str = Field(
        default=PLACEHOLDER,
        description="SM2 私钥文件路径（64 位十六进制）；选用 SM2-SM3 时生产环境必须设置，开发与演示自动生成于 var/",
    )
    public_url: str = Field(
        default="http://127.0.0.1:8000", description="平台对外地址：信用报告的二维码指向其下的核验页面"
    )
    audit_key: str = Field(
        default=PLACEHOLDER,
        description="审计哈希链的 HMAC-SHA256 密钥（32 字节的 base64url）；生产环境必须设置",
    )
    audit_signing_key: str = Field(
        default=PLACEHOLDER,
        description="审计检查点的 Ed25519 签名私钥（32 字节种子的 base64url）；生产环境必须设置",
    )
    audit_anchor_dir: Path | None = Field(
        default=None,
        description="审计检查点（链头哈希、条数、时间，带签名）写入的目录，应在数据库之外；默认 var/audit-anchors",
    )
    sqlite_busy_timeout_ms: int = Field(
        default=30_000,
        ge=0,
        description="SQLite 写事务等待写锁的上限（毫秒）：须长于最长一次归集批次持有写锁的时间",
    )
    opentelemetry: bool = Field(
        default=False,
        description="启用 FastAPI 内置的 OpenTelemetry 请求追踪与指标（须另行配置导出器）；关闭时每个请求省去探测开销",
    )
    http_protocol: Literal["uvicorn", "hot"] = Field(
        default="uvicorn",
        description="xinyong serve 的 HTTP 协议：uvicorn（uvicorn 自带的 httptools 协议）或 hot（核查在解析器内应答，见 docs/sanctions.md）",
    )
    sqlite_mmap_mib: int = Field(
        default=1024,
        ge=0,
        description="SQLite 以内存映射读取数据库文件的上限（MiB，0 为关闭）：大库上检索快约 40%",
    )
    timezone: str = Field(default="Asia/Shanghai", description="业务日期所用时区")
    today: dt.date | None = Field(
        default=None,
        description="固定的业务日期（YYYY-MM-DD，仅用于演示和测试；留空则按时区取当天）；生产环境不得设置",
    )
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

    @field_validator("today", mode="before")
    @classmethod
    def _blank_today(cls, value: object) -> object:
        """An empty ``XINYONG_TODAY=`` (as in ``.env.example``) means no fixed day."""
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("audit_anchor_dir", mode="before")
    @classmethod
    def _empty_is_default(cls, value: object) -> object:
        """An empty setting means the default directory."""
        return None if value == "" else value

    @model_validator(mode="after")
    def _refuse_placeholders(self) -> Settings:
        """Refuse placeholder secrets outside development and test."""
        if self.env == "production":
            for name in (
                "secret_key",
                "data_key",
                "index_key",
                "audit_key",
                "audit_signing_key",
                "report_signing_key",
                "report_signing_cert",
            ):
                if getattr(self, name) == PLACEHOLDER:
                    raise ValueError(f"生产环境必须设置 XINYONG_{name.upper()}（不能使用占位值）")
            if self.report_json_algorithm == "SM2-SM3" and self.report_sm2_key == PLACEHOLDER:
                raise ValueError("生产环境选用 SM2-SM3 时必须设置 XINYONG_REPORT_SM2_KEY（不能使用占位值）")
            if self.today is not None:
                raise ValueError("生产环境不得固定业务日期（XINYONG_TODAY）")
        return self

    @property
    def anchor_dir(self) -> Path:
        """Return the directory of the audit checkpoints."""
        return self.audit_anchor_dir or self.var_dir / "audit-anchors"

    @property
    def is_sqlite(self) -> bool:
        """Tell whether the configured database is SQLite."""
        return self.database_url.startswith("sqlite")
