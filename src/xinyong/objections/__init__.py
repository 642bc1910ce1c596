"""异议处理 (objections) and 复核 (review) on credit records."""
