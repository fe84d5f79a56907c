"""Which importer handles which ImportKind. Each domain app keeps its importers next to its models."""

from __future__ import annotations


def importers() -> dict[str, type]:
    from dudao.schools.importers import IMPORTERS as SCHOOL_IMPORTERS
    from dudao.supervisors.importers import IMPORTERS as SUPERVISOR_IMPORTERS
    from dudao.zones.importers import IMPORTERS as ZONE_IMPORTERS

    return {**SCHOOL_IMPORTERS, **SUPERVISOR_IMPORTERS, **ZONE_IMPORTERS}
