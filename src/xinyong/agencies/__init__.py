"""信用服务机构: the registry of credit service agencies and their practitioners (issue 19 point 7)."""
