"""Generated files are up to date: run `clusterkb generate` after changing their inputs."""

from __future__ import annotations

from clusterkb.generate import (
    context_json,
    countries_ttl,
    countries_used,
    languages_ttl,
    languages_used,
    model_mermaid,
    readme_with_model,
)
from clusterkb.settings import Settings


def test_countries_are_generated_from_pycountry(settings: Settings) -> None:
    text = (settings.data_dir / "vocab" / "countries.ttl").read_text(encoding="utf-8")
    assert text == countries_ttl(countries_used(settings))
    assert "country:GRC a ckb:Country" in text
    assert '"Ελλάδα"@el' in text
    assert '"Tschechien"@de' in text or '"Tschechische Republik"@de' in text


def test_languages_are_generated_from_langcodes(settings: Settings) -> None:
    text = (settings.data_dir / "vocab" / "languages.ttl").read_text(encoding="utf-8")
    assert text == languages_ttl(languages_used(settings))
    assert "language:ELL a dcterms:LinguisticSystem" in text
    assert '"Griechisch"@de' in text and '"čeština"@cs' in text


def test_jsonld_context_matches_the_ontology(settings: Settings) -> None:
    assert settings.context_file.read_text(encoding="utf-8") == context_json(settings)


def test_readme_diagram_matches_the_ontology(settings: Settings) -> None:
    readme = (settings.root / "README.md").read_text(encoding="utf-8")
    assert "classDiagram" in readme
    assert readme == readme_with_model(readme, model_mermaid(settings))
