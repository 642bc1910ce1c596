"""公共信用评价 (public credit evaluation), 分级分类监管 and 双随机 inspections."""
