"""Every column of a keep.eu export has a home: objectives, texts, funds, places, sites."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest

from clusterkb.importers.keep import MAPPED, map_export
from clusterkb.importers.keep_table import CALLS, PARTNERS, PROJECTS, Row, read_workbook
from clusterkb.namespaces import CKB, DCTERMS, ID, RDFS, SKOS

SAMPLE = "keep-sample-2014-2020.xlsx"
CENTRAL = "2014 - 2020 INTERREG VB Central Europe"
PROGRAMMES = {
    CENTRAL: ("central-europe-2014-2020", ["de", "cs", "pl"]),
    "2014 - 2020 INTERREG VB Alpine Space": ("alpine-space-2014-2020", ["de", "it"]),
    "2014 - 2020 INTERREG VB Mediterranean": ("med-2014-2020", ["el", "it"]),
    "2014 - 2020 INTERREG VB Danube": ("danube-2014-2020", ["de", "hu"]),
    "2014 - 2020 INTERREG VB Balkan-Mediterranean": ("balkan-mediterranean-2014-2020", ["el"]),
    "2014 - 2020 INTERREG V-A Greece - Bulgaria": ("greece-bulgaria-2014-2020", ["el", "bg"]),
    "2014 - 2020 INTERREG V-A Germany / Bavaria - Czech Republic": (
        "bavaria-czech-republic-2014-2020",
        ["de", "cs"],
    ),
}


def by_prefix(text: str, candidates: object) -> str:
    """A stand-in detector: German and Czech texts of the sample by their first words."""
    if text.startswith(("Big Data und", "Situation von", "Digitalisierung ist")):
        return "de"
    if text.startswith(("Big Data a", "Situace MSP", "Digitalizace je", "BDZOS - Mezin")):
        return "cs"
    return "en"


def objects(graphs: dict, s: str, p: str) -> set[str]:
    return {
        t.object.value
        if not isinstance(t.object, ox.Literal) or not t.object.language
        else f"{t.object.value}@{t.object.language}"
        for ts in graphs.values()
        for t in ts
        if t.subject.value == s and t.predicate.value == p
    }


@pytest.fixture(scope="module")
def sample(shared: Path) -> dict:
    return read_workbook(shared / "keep-sample" / SAMPLE)


@pytest.fixture(scope="module")
def mapped(sample: dict) -> tuple[dict, object]:
    known = {ID + "thematic-objective/1", ID + "city/gr-patra"}
    return map_export(
        sample,
        PROGRAMMES,
        by_prefix,
        SAMPLE,
        known=known,
        programme_sites=["http://www.interreg-central.eu/", "https://interreg-med.eu/"],
    )


def test_every_column_of_the_sample_has_a_term(sample: dict, mapped: tuple) -> None:
    for sheet in (PROJECTS, PARTNERS, CALLS):
        columns = set(sample[sheet][0].cells)
        empty = {c for c in columns if all(r.get(c) is None for r in sample[sheet])}
        assert columns - MAPPED[sheet] <= empty, sheet
    _, report = mapped
    assert report.unmapped == []


def test_objectives_and_priorities(mapped: tuple) -> None:
    graphs, _ = mapped
    project = ID + "project/central-europe-2014-2020--3dcentral"
    assert objects(graphs, project, CKB + "thematicObjective") == {ID + "thematic-objective/1"}
    assert objects(graphs, project, CKB + "investmentPriority") == {ID + "investment-priority/1b"}
    priority = ID + "investment-priority/1b"
    assert objects(graphs, priority, SKOS + "broader") == {ID + "thematic-objective/1"}
    assert objects(graphs, priority, SKOS + "notation") == {"1b"}
    (label,) = objects(graphs, priority, RDFS + "label")
    assert label.startswith("promoting business investment in R&I") and label.endswith("@en")
    # the curated objective is pointed at, not described again
    assert objects(graphs, ID + "thematic-objective/1", RDFS + "label") == set()
    assert objects(graphs, ID + "thematic-objective/9", SKOS + "notation") == {"9"}
    etc = ID + "investment-priority/11-etc"
    assert objects(graphs, etc, SKOS + "notation") == {"11 ETC"}
    (objective,) = objects(graphs, project, CKB + "specificObjective")
    assert objective == (
        ID + "objective/central-europe-2014-2020--"
        "to-improve-sustainable-linkages-among-actors-of-the"
    )
    assert objects(graphs, objective, CKB + "inProgramme") == {
        ID + "programme/central-europe-2014-2020"
    }


def test_texts_in_their_languages(mapped: tuple) -> None:
    graphs, report = mapped
    project = ID + "project/bavaria-czech-republic-2014-2020--28"
    results = objects(graphs, project, CKB + "expectedResults")
    assert {r.rsplit("@", 1)[1] for r in results} == {"de", "cs"}
    assert any(r.startswith("Situation von KMU") and r.endswith("@de") for r in results)
    outputs = objects(graphs, project, CKB + "expectedOutputs")
    assert any(o.startswith("Digitalizace je") and o.endswith("@cs") for o in outputs)
    descriptions = objects(graphs, project, DCTERMS + "description")
    assert {d.rsplit("@", 1)[1] for d in descriptions} >= {"de", "cs"}
    assert report.undecided_languages == 0


def test_partner_details(mapped: tuple) -> None:
    graphs, _ = mapped
    (muse,) = {
        t.subject.value
        for ts in graphs.values()
        for t in ts
        if t.object.value == "MUSE – Science Museum" and t.predicate.value == RDFS + "label"
    }
    assert objects(graphs, muse, CKB + "department") == {"MUSE FabLab"}
    assert objects(graphs, muse, CKB + "legalStatus") == {ID + "legal-status/public"}
    assert objects(graphs, muse, CKB + "city") == {ID + "city/it-trento"}
    assert objects(graphs, ID + "city/it-trento", RDFS + "label") == {"Trento@en"}
    assert objects(graphs, ID + "city/it-trento", CKB + "region") == {ID + "region/ith20"}
    # keep.eu's partner website cell holds the programme's site: not MUSE's
    assert objects(graphs, muse, CKB + "website") == set()
    programme = ID + "programme/central-europe-2014-2020"
    assert objects(graphs, programme, CKB + "website") == set()  # curated, in the vocabulary
    assert objects(graphs, programme, CKB + "fundsProject") == set()  # inferred
    # a curated city is pointed at, not described again
    assert objects(graphs, ID + "city/gr-patra", RDFS + "label") == set()


def test_project_sites_and_programme_sites(mapped: tuple) -> None:
    graphs, report = mapped
    own = ID + "project/balkan-mediterranean-2014-2020--agroinnoeco"
    assert objects(graphs, own, CKB + "website") == {"http://www.agroinnoeco.eu/"}
    # "https://interreg-med.eu/" is a curated programme site: not CAMARG's
    camarg = ID + "project/med-2014-2020--camarg"
    assert objects(graphs, camarg, CKB + "website") == set()
    assert any("interreg-central.eu is" in s for s in report.programme_sites)


def test_calls_budgets_add_up_to_the_cent(sample: dict, mapped: tuple) -> None:
    graphs, _ = mapped
    cells = [
        Decimal(str(r.get("Budget")).replace(",", "")) for r in sample[CALLS] if r.get("Budget")
    ]
    stored = [
        Decimal(t.object.value)
        for ts in graphs.values()
        for t in ts
        if t.predicate.value == CKB + "value" and "/amount/call--" in t.subject.value
    ]
    assert len(stored) == len(cells) == 6
    assert sum(stored) == sum(cells) == Decimal("275548472.37")
    call = ID + "call/greece-bulgaria-2014-2020--b2"
    assert objects(graphs, call, SKOS + "notation") == {"B2"}
    assert objects(graphs, call, CKB + "startDate") == {"2015-12-14"}


def test_cofinancing_sources_name_funds(mapped: tuple) -> None:
    graphs, _ = mapped
    funds = [
        objects(graphs, s, CKB + "cofinancingFund")
        for s in {t.subject.value for ts in graphs.values() for t in ts}
    ]
    assert sum(f == {ID + "fund/erdf"} for f in funds) == 18
    assert sum(f == {ID + "fund/erdf", ID + "fund/ipa"} for f in funds) == 4


def _row(sheet: str, line: int, **cells: object) -> Row:
    return Row(Path("x.xlsx"), sheet, line, {k.replace("_", " "): v for k, v in cells.items()})


def _project(line: int = 2, **extra: object) -> Row:
    cells = {
        "Programme": CENTRAL,
        "Acronym": "TEST",
        "Project Name": "Test project",
        "Lead Partner": "Alpha Agency",
        "Town": "Brno/Czech Republic",
        "Country": "Czech Republic",
        "Budget": "1,000.50",
    }
    cells.update({k.replace("_", " "): v for k, v in extra.items()})
    return Row(Path("x.xlsx"), PROJECTS, line, cells)


def test_other_money_columns_and_unknown_columns() -> None:
    project = _project(
        **{
            "ERDF eq. budget": "200.25",
            "Project total expenditure": "900.00",
            "Project EU Funding expenditure": "n/a",
            "Strategy": "EUSALP",
            "Priority Area": "PA 8",
        }
    )
    graphs, report = map_export({PROJECTS: [project]}, PROGRAMMES, by_prefix, "x.xlsx")
    pslug = "central-europe-2014-2020--test"
    line = ID + f"funding-line/{pslug}--erdf-equivalent"
    assert objects(graphs, line, CKB + "fund") == {ID + "fund/erdf-equivalent"}
    expenditure = ID + f"funding-line/{pslug}--expenditure"
    assert objects(graphs, expenditure, CKB + "fundingKind") == {ID + "funding-kind/expenditure"}
    assert objects(graphs, ID + f"amount/{pslug}--expenditure", CKB + "value") == {"900.00"}
    assert report.unparsed == [
        "x.xlsx:Projects (lead partners):2: Project EU Funding expenditure 'n/a'"
    ]
    comments = objects(graphs, ID + f"project/{pslug}", RDFS + "comment")
    assert comments == {"keep.eu Strategy: EUSALP", "keep.eu Priority Area: PA 8"}
    assert len(report.unmapped) == 2 and report.unmapped[0].startswith("x.xlsx:Projects")


def test_lead_partner_from_the_projects_sheet_when_the_partners_sheet_has_none() -> None:
    partner = _row(
        PARTNERS,
        2,
        Programme=CENTRAL,
        Acronym="TEST",
        Project_Partner="Beta Uni",
        Lead_Partner="No",
        Town="Olomouc",
        Country="Czech Republic",
    )
    graphs, report = map_export(
        {PROJECTS: [_project()], PARTNERS: [partner]}, PROGRAMMES, by_prefix, "x.xlsx"
    )
    assert report.leads_from_projects_sheet == ["x.xlsx:Projects (lead partners):2: 'Alpha Agency'"]
    lead = ID + "organisation/keep--alpha-agency-brno-cze"
    assert objects(graphs, lead, CKB + "city") == {ID + "city/cz-brno"}
    participation = ID + "participation/central-europe-2014-2020--test--keep--alpha-agency-brno-cze"
    assert objects(graphs, participation, CKB + "role") == {ID + "role/lead-partner"}
    assert report.balanced() and report.stored == {PROJECTS: 1, PARTNERS: 1}


def test_lead_partners_that_disagree_are_reported_and_kept() -> None:
    partner = _row(
        PARTNERS,
        2,
        Programme=CENTRAL,
        Acronym="TEST",
        Project_Partner="Gamma Ltd",
        Lead_Partner="Yes",
        Town="Brno",
        Country="Czech Republic",
    )
    graphs, report = map_export(
        {PROJECTS: [_project()], PARTNERS: [partner]}, PROGRAMMES, by_prefix, "x.xlsx"
    )
    assert len(report.lead_disagreements) == 1 and "'Alpha Agency'" in report.lead_disagreements[0]
    comments = objects(graphs, ID + "project/central-europe-2014-2020--test", RDFS + "comment")
    assert comments == {"keep.eu projects sheet, Lead Partner: Alpha Agency"}


def test_partners_of_a_project_imported_before_attach_to_it() -> None:
    partner = _row(
        PARTNERS,
        2,
        Programme=CENTRAL,
        Acronym="TEST",
        Project_Partner="Beta Uni",
        Lead_Partner="No",
        Town="Olomouc",
        Country="Czech Republic",
    )
    known = {ID + "project/central-europe-2014-2020--test"}
    graphs, report = map_export(
        {PARTNERS: [partner]},
        PROGRAMMES,
        by_prefix,
        "p.csv",
        known=known,
        graph_suffix="--partners-csv",
    )
    assert report.attached_to_known_projects == 1 and report.balanced()
    assert list(graphs) == [
        "https://w3id.org/clusterkb/graph/imported/keep-central-europe-2014-2020--partners-csv"
    ]
    _, alone = map_export({PARTNERS: [partner]}, PROGRAMMES, by_prefix, "p.csv")
    assert "import the workbook first" in alone.quarantined[0].reason


def test_detected_language_tags_are_marked_as_detected(mapped: tuple) -> None:
    graphs, _ = mapped
    project = ID + "project/bavaria-czech-republic-2014-2020--28"
    # names and the "... 1"/"... 2" texts were tagged by the detector; the EN columns are given
    assert objects(graphs, project, CKB + "languageDetectedOn") == {
        RDFS + "label",
        SKOS + "altLabel",
        DCTERMS + "description",
        CKB + "expectedResults",
        CKB + "expectedOutputs",
    }
    english_only = ID + "project/central-europe-2014-2020--3dcentral"
    assert objects(graphs, english_only, CKB + "languageDetectedOn") == {RDFS + "label"}
