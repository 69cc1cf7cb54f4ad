from pathlib import Path

from django.conf import settings

from hononga.measures.definitions import MEASURES


def test_docs_measures_md_has_every_definition_and_rule() -> None:
    text = (Path(settings.BASE_DIR) / "docs" / "measures.md").read_text()
    for measure in MEASURES:
        assert f"`{measure.name}`" in text
        assert str(measure.definition) in text, measure.name
        assert str(measure.rule) in text, measure.name


def test_measure_names_have_te_reo_maori_with_macrons() -> None:
    from django.utils import translation

    from hononga.measures.definitions import BY_NAME

    with translation.override("mi"):
        assert str(BY_NAME["processes_days_ready_median"].label) == "Ngā rā kua rite: kōwaenga"
        assert str(BY_NAME["processes_stage_held"].label) == "Ngā tukanga kua tū"
        assert str(BY_NAME["processes_days_monitoring_longest"].definition) == (
            "Te wā roa rawa kua tatari tētahi tukanga kei tēnei wāhanga i tēnei rā."
        )
