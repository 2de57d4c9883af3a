"""Whether SQL handed to a client (``psql -c``) only reads."""

from __future__ import annotations

import re

_READS = ("SELECT", "SHOW", "EXPLAIN", "TABLE", "VALUES", "WITH", "\\")
_WRITES = re.compile(
    r"\b(?:INSERT|UPDATE|DELETE|MERGE|INTO|DROP|TRUNCATE|ALTER|CREATE|GRANT|REVOKE|COPY|VACUUM"
    r"|REINDEX|CLUSTER|ANALYZE\s+\w|pg_terminate_backend|pg_cancel_backend|pg_reload_conf|setval"
    r"|nextval|pg_switch_wal|set_config|lo_unlink|dblink_exec|pg_rotate_logfile)\b",
    re.IGNORECASE,
)


def sql_reads(sql: str) -> bool:
    """True when every statement only reads (``SELECT``, ``SHOW``, ``EXPLAIN``, ``\\d``...)."""
    statements = [s.strip() for s in sql.split(";") if s.strip()]
    for statement in statements:
        if not statement.upper().startswith(_READS):
            return False
        if _WRITES.search(statement) and not statement.upper().startswith("EXPLAIN ANALYZE SELECT"):
            return False
    return True
