"""kg.sources.identifiers: the one normal form of a DOI and an arXiv id, whatever the source wrote."""
import pytest

from kg.sources.identifiers import arxiv_id, normal_doi, paper_ids


@pytest.mark.parametrize("text, doi", [
    ("10.1109/CVPR.2016.90", "10.1109/cvpr.2016.90"),
    ("https://dx.doi.org/10.1/X", "10.1/x"),
    ("doi:10.1/x", "10.1/x"),
    ("10.1/x (published version)", "10.1/x"),  # a note after the DOI is not part of it
    ("  10.1/x  ", "10.1/x"),
    ("11.1/x", None),  # not a DOI's prefix
    ("10.1", None),  # no suffix
    ("see/10.1", None),
    ("", None),
    (None, None),
])
def test_a_doi_is_its_lower_case_form_without_resolver_or_nothing(text, doi):
    assert normal_doi(text) == doi


@pytest.mark.parametrize("text, found", [
    ("2101.11408", "2101.11408"), ("2101.11408v2", "2101.11408"), ("arXiv:2101.11408", "2101.11408"),
    ("https://arxiv.org/pdf/2101.11408v1.pdf", "2101.11408"), ("hep-th/9901001", "hep-th/9901001"),
    ("2101.114", None), ("see 2101.11408", None), (None, None),
])
def test_an_arxiv_id_is_bare_or_nothing(text, found):
    assert arxiv_id(text) == found


def test_arxivs_own_doi_gives_the_arxiv_id_and_other_ids_are_kept_trimmed():
    assert paper_ids(doi="10.48550/arXiv.2101.11408", openalex=" W1 ", s2=None) == (
        ("arxiv", "2101.11408"), ("doi", "10.48550/arxiv.2101.11408"), ("openalex", "W1"))
    assert paper_ids(arxiv="2101.00001", doi="10.48550/arXiv.2101.11408")[0] == ("arxiv", "2101.00001")
