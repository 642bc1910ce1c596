"""合成台州: a deterministic synthetic Taizhou (subjects and department feeds) for demos, tests and benchmarks."""
