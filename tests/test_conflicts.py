"""Two sources that disagree both stay, each valid on its own; the disagreement is shown."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from clusterkb.build import build
from clusterkb.describe import describe
from clusterkb.queries import QueryLibrary, run_query
from clusterkb.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
PROJECT = "https://w3id.org/clusterkb/id/project/alpine-space-2014-2020--s3-4alpclusters"
OTHER = f"""@prefix ckb: <https://w3id.org/clusterkb/ontology#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

<https://w3id.org/clusterkb/graph/sources/s999-other> prov:wasDerivedFrom
    <https://w3id.org/clusterkb/id/source/s999-other> .
<https://w3id.org/clusterkb/id/source/s999-other> a ckb:SourceDocument ;
    rdfs:label "Another record of S3-4AlpClusters"@en ;
    dcterms:language <http://publications.europa.eu/resource/authority/language/ENG> .
<{PROJECT}> a ckb:Project ;
    rdfs:label "S3-4AlpClusters"@en ;
    ckb:programme <https://w3id.org/clusterkb/id/programme/alpine-space-2014-2020> ;
    ckb:startDate "2016-02-01"^^xsd:date ;
    ckb:statedPartnerCount 15 .
"""


@pytest.fixture(scope="module")
def disagreeing(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    root = tmp_path_factory.mktemp("kb")
    for folder in ("ontology", "shapes", "rules", "queries", "data", "context"):
        shutil.copytree(ROOT / folder, root / folder)
    (root / "data" / "sources" / "s999-other.ttl").write_text(OTHER, encoding="utf-8")
    return Settings(root=root)


def test_each_source_is_valid_on_its_own(disagreeing: Settings) -> None:
    _, report = build(disagreeing, validate_data=True)
    assert report.validation is not None
    assert report.validation.violations == []


def test_conflicts_query_shows_both_claims_with_their_sources(disagreeing: Settings) -> None:
    store, _ = build(disagreeing, validate_data=False)
    q = QueryLibrary(disagreeing.queries_dir).get("conflicts")
    rows = run_query(store, q, {}, ["en"]).rows
    found = {
        (
            r["property"].value.rsplit("#", 1)[-1],
            r["value1"].value,
            r["value2"].value,
            r["source2"].value.rsplit("/", 1)[-1],
        )
        for r in rows
    }
    assert found == {
        ("startDate", "2016-01-11", "2016-02-01", "s999-other"),
        ("statedPartnerCount", "14", "15", "s999-other"),
    }


def test_describe_shows_each_value_with_its_graph(disagreeing: Settings) -> None:
    store, _ = build(disagreeing, validate_data=False)
    desc = describe(store, PROJECT, ["en"])
    starts = {
        (s.value.value, s.graph.rsplit("/", 1)[-1])
        for s in desc.outgoing
        if s.predicate.endswith("#startDate")
    }
    assert starts == {("2016-01-11", "s002-s3-4alpclusters"), ("2016-02-01", "s999-other")}
