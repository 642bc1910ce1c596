"""The one rule core (ARCHITECTURE §1 idea 6): everything the platform decides about a record.

Pure: typed facts (``facts``), the policy in force and a date in; severity (``severity``), the regime
and window per publication channel (``windows``), public/shared/counted and why per audience
(``disclosure``), retention end, list in force and repair terms out — together in ``verdict.judge``.
Disclosure, repair notices and eligibility, evaluation inputs, the check and credit files call it.
"""
