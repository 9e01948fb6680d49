"""The matcher's texts in another language: a reason is translated when it is worded (so the same
index words it in each reader's language), its numbers come from the formatter it is handed, and
the travel reason is found among the reasons in either language. No web framework involved."""

import pytest

from matcher import i18n
from matcher.kinds import KIND_LABEL
from matcher.scoring import is_travel_reason, travel_reason

ENGLISH = {
    "Ønsker %(wish)s": "Wants %(wish)s",
    "%(minutes)s min på cykel": "%(minutes)s min by bike",
    "%(hours)s timer om ugen": "%(hours)s hours a week",
    "Kan starte nu": "Can begin now",
    "Ordinært job": "Ordinary job",
}


@pytest.fixture
def english():
    before = i18n._translate, i18n._format_number  # an app made earlier in the run may have set them
    i18n.set_translator(lambda text: ENGLISH.get(text, text))
    i18n.set_number_formatter(lambda value: f"{value:g}")
    yield
    i18n.set_translator(before[0])
    i18n.set_number_formatter(before[1])


def test_reasons_are_worded_in_the_translators_language_with_its_numbers(english, ranked, make_candidate,
                                                                         make_target):
    target = make_target("job-1", title="Lagermedarbejder", hours_min=7.5, hours_max=7.5)
    [match] = ranked(make_candidate(wishes=["lagerarbejde"], hours_min=5.0, hours_max=10.0), [target])
    assert any(reason.startswith("Wants lagerarbejde") for reason in match.reasons)
    assert "7.5 hours a week" in match.reasons
    assert "Can begin now" in match.reasons and "Ordinary job" in match.reasons
    assert any(is_travel_reason(reason) and reason.endswith("by bike") for reason in match.reasons)


def test_without_a_translator_the_same_index_words_danish(ranked, make_candidate, make_target):
    target = make_target("job-1", title="Lagermedarbejder", hours_min=7.5, hours_max=7.5)
    [match] = ranked(make_candidate(wishes=["lagerarbejde"], hours_min=5.0, hours_max=10.0), [target])
    assert any(reason.startswith("Ønsker lagerarbejde") for reason in match.reasons)
    assert "7,5 timer om ugen" in match.reasons


def test_the_travel_reason_is_found_in_danish_and_in_the_readers_language(english):
    assert travel_reason(12.4, "bike") == "12 min by bike"
    assert is_travel_reason("12 min by bike") and is_travel_reason("12 min på cykel")
    assert not is_travel_reason("Wants 12 min by bike")


def test_kind_labels_read_in_the_readers_language_and_compare_as_the_danish_source(english):
    assert KIND_LABEL["job"] == "Ordinary job"
    assert KIND_LABEL.get("job") == "Ordinary job" and dict(KIND_LABEL.items())["job"] == "Ordinary job"
    assert dict.__getitem__(KIND_LABEL, "job") == "Ordinært job"
