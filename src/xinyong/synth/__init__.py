"""合成台州: a deterministic synthetic Taizhou (subjects and department feeds) for demos, tests and benchmarks.

``xinyong synth --scale small|medium|city --seed N --mess F --out DIR`` (``generate.generate``) writes:

- ``register/subjects.csv`` — UTF-8, columns ``kind,name,uscc,id_card,region_code,industry,legal_rep,
  established_on,status`` (``subjects.register.REGISTER_COLUMNS``; ``kind`` is a ``SubjectKind`` value).
- ``feeds/<source_id>/<DEPT>_<year>.csv|xlsx`` — one source per catalog item (source id = item id), split
  per department (codes of ``policy/departments.yaml``) and decision year. Columns follow the item's
  catalog fields in order; headers are the field codes (``codes``), the Chinese labels (``labels``) or,
  for some 行政处罚 files before 2022, the legacy CF_ codes (``legacy``). 双公示 files vary: UTF-8, GBK,
  UTF-8 with BOM, XLSX with real Excel dates. Dates in CSV are ISO; amounts are in 万元; a multi-valued
  处罚类别 is written ``罚款;没收违法所得``; enumerations are written as their Chinese labels.
- ``manifest.json`` — every file (path, source_id, catalog_item, department, year, format, encoding,
  header, rows, records, defects) and totals, including the defects injected by ``--mess`` per kind
  (``mess.DEFECTS``). ``rows`` counts data rows as written; ``records`` the distinct facts (duplicates
  and corrections add rows, not records).

``bulk.generate_bulk`` writes one large file of a single item (e.g. 1M 行政处罚 rows) for benchmarks.
"""
