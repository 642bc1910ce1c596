"""全社会用信: consent by institution, the bank workspace, 信易贷 products, applications and subsidies."""
