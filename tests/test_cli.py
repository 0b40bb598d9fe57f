"""The command line as a user runs it: outputs, exit codes and error messages."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from clusterkb.cli import main


def run(capsys: pytest.CaptureFixture, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_build_reports_graphs_validation_and_inference(capsys: pytest.CaptureFixture) -> None:
    code, out, _ = run(capsys, "build")
    assert code == 0
    assert "graph:sources/s002-s3-4alpclusters" in out
    assert "graph:contacts/contacts" in out
    assert "validation: 0 violations" in out
    assert "OWL 2 RL triples" in out


def test_query_list_shows_the_library(capsys: pytest.CaptureFixture) -> None:
    code, out, _ = run(capsys, "query", "--list")
    assert code == 0
    assert "project-partners" in out and "project:text" in out


def test_query_csv_in_german(capsys: pytest.CaptureFixture) -> None:
    code, out, _ = run(
        capsys,
        "query",
        "project-partners",
        "--param",
        "project=S3-4AlpClusters",
        "--lang",
        "de",
        "--format",
        "csv",
    )
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 14
    lead = [r for r in rows if r["role"].endswith("/lead-partner")]
    assert [r["label"] for r in lead] == ["HES-SO//FR HEIA-FR - INNOSQUARE CLUSTERS"]
    assert {r["countryLabel"] for r in rows} >= {"Schweiz", "Österreich", "Deutschland"}


def test_query_json_is_sparql_results(capsys: pytest.CaptureFixture) -> None:
    code, out, _ = run(capsys, "query", "search", "--param", "text=patron", "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert doc["head"]["vars"] == ["thing", "thingLabel", "type", "typeLabel"]
    labels = {b["thingLabel"]["value"] for b in doc["results"]["bindings"]}
    assert any("Patras" in label for label in labels)


def test_missing_parameter_is_a_usage_error(capsys: pytest.CaptureFixture) -> None:
    code, _, err = run(capsys, "query", "project-partners")
    assert code == 2
    assert "needs parameter project" in err and "--param project=VALUE" in err


def test_bad_parameter_value_is_explained(capsys: pytest.CaptureFixture) -> None:
    code, _, err = run(capsys, "query", "repeat-partners", "--param", "min=two")
    assert code == 2
    assert "min='two' is not a whole number" in err


def test_unknown_parameter_lists_the_known_ones(capsys: pytest.CaptureFixture) -> None:
    code, _, err = run(capsys, "query", "projects", "--param", "acronym=X")
    assert code == 2
    assert "has no parameter acronym" in err and "programme" in err


def test_describe_by_slug_in_czech(capsys: pytest.CaptureFixture) -> None:
    code, out, _ = run(
        capsys, "describe", "project/central-europe-2007-2013--clusters-cord", "--lang", "cs"
    )
    assert code == 0
    assert "Clusters Cord" in out
    assert "graph:sources/s004-clusters-cord" in out


def test_describe_unknown_is_an_input_error(capsys: pytest.CaptureFixture) -> None:
    code, _, err = run(capsys, "describe", "project/no-such-thing")
    assert code == 2
    assert "nothing is called" in err


def test_export_to_file(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    target = tmp_path / "kb.ttl"
    code, _, _ = run(capsys, "export", "--format", "ttl", "-o", str(target))
    assert code == 0
    text = target.read_text(encoding="utf-8")
    assert "S3-4AlpClusters" in text and "mailto:" not in text


def test_validate_passes_on_the_curated_data(capsys: pytest.CaptureFixture) -> None:
    code, out, _ = run(capsys, "validate", "--lang", "el")
    assert code == 0
    assert "conforms" in out


def test_bad_sparql_file_names_file_line_and_column(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    bad = tmp_path / "broken.rq"
    bad.write_text(
        "#+ summary: broken on purpose\nSELECT ?x WHERE {\n  ?x ?y\n}\n", encoding="utf-8"
    )
    code, _, err = run(capsys, "query", str(bad))
    assert code == 2
    assert f"{bad}:5:1: SPARQL query syntax error" in err  # the end of input, after line 4


def test_import_keep_prints_the_accounting(
    shared: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    export = shared / "keep-sample" / "keep-sample-2014-2020.xlsx"
    code, out, _ = run(capsys, "import", "keep", str(export), "--out", str(tmp_path))
    assert code == 0
    assert "Projects (lead partners): read 27 = stored 27 + quarantined 0" in out
    assert "Partners: read 236 = stored 236 + quarantined 0" in out
    assert "Calls: read 12 = stored 12 + quarantined 0" in out
    assert len(list(tmp_path.glob("keep-*.ttl"))) == 7
