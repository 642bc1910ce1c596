"""Credit-file assembly (一户一档): a subject's records as the caller may see them, above subjects and records."""
