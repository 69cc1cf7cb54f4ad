from pathlib import Path

from django.conf import settings

from hononga.measures.definitions import MEASURES


def test_docs_measures_md_has_every_definition_and_rule() -> None:
    text = (Path(settings.BASE_DIR) / "docs" / "measures.md").read_text()
    for measure in MEASURES:
        assert f"`{measure.name}`" in text
        assert str(measure.definition) in text, measure.name
        assert str(measure.rule) in text, measure.name
