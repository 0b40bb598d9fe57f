"""What an import did with every row: the accounting `clusterkb import keep` prints."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Quarantined:
    where: str
    reason: str
    cells: Mapping[str, object]


@dataclass
class ImportReport:
    read: dict[str, int] = field(default_factory=dict)
    stored: dict[str, int] = field(default_factory=dict)
    quarantined: list[Quarantined] = field(default_factory=list)
    unparsed: list[str] = field(default_factory=list)  # "where: column 'raw'" kept as raw text
    unmapped: list[str] = field(default_factory=list)  # cells of columns we have no term for
    merges: list[str] = field(default_factory=list)
    programme_sites: list[str] = field(default_factory=list)  # a repeated site and its owner
    leads_from_projects_sheet: list[str] = field(default_factory=list)
    lead_disagreements: list[str] = field(default_factory=list)
    attached_to_known_projects: int = 0
    undecided_languages: int = 0

    def store(self, sheet: str) -> None:
        self.stored[sheet] = self.stored.get(sheet, 0) + 1

    def quarantined_per_sheet(self) -> dict[str, int]:
        per_sheet: dict[str, int] = {}
        for q in self.quarantined:
            sheet = q.where.rsplit(":", 2)[-2]
            per_sheet[sheet] = per_sheet.get(sheet, 0) + 1
        return per_sheet

    def balanced(self) -> bool:
        """read = stored + quarantined, on every sheet."""
        per_sheet = self.quarantined_per_sheet()
        return all(self.read[s] == self.stored.get(s, 0) + per_sheet.get(s, 0) for s in self.read)
