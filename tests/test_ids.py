"""kg.ids.slug at its limits: ids are bounded, readable where they can be, and never empty."""
import hashlib
import re

from kg.ids import MAX_SLUG, slug


def digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]


def test_a_slug_up_to_eighty_characters_is_kept_as_it_is():
    assert MAX_SLUG == 80
    text = "a" * 80
    assert slug(text) == text
    assert slug("A" * 40 + " " + "b" * 39) == "a" * 40 + "-" + "b" * 39


def test_a_longer_slug_is_cut_to_eighty_and_told_apart_by_eight_hex_digits():
    text = "a" * 81
    assert slug(text) == "a" * 80 + "-" + digest(text)
    other = "a" * 80 + "b"
    assert slug(other) == "a" * 80 + "-" + digest(other) != slug(text)
    assert len(slug("word " * 100)) <= 80 + 1 + 8


def test_a_text_with_no_ascii_letter_or_digit_gets_its_digest():
    assert slug("日本語") == digest("日本語")
    assert slug("!!!") == digest("!!!")
    assert re.fullmatch(r"[0-9a-f]{8}", slug("—"))


def test_a_cut_never_ends_in_a_hyphen_before_the_digest():
    text = "a" * 79 + " b" + "c" * 10
    assert slug(text) == "a" * 79 + "-" + digest(text)
