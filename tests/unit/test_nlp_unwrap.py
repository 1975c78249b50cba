"""Hard-wrapped wire copy is joined into paragraphs without moving a single character offset."""

from hypothesis import given
from hypothesis import strategies as st

from transforms.deals.extract import extract_deals
from transforms.text.unwrap import looks_hard_wrapped, unwrap_hard_wraps

WIRE = (
    "NORTHWIND TO BUY HARBOR MILLS\n\n"
    "BOSTON, March 3 - Northwind Industries Inc said it agreed to\n"
    "acquire Harbor Mills Corp, a maker of paper products, for 46\n"
    "mln dlrs in cash, subject to approval by Harbor shareholders.\n"
    "    The company said the transaction is expected to close in\n"
    "the second quarter and would add to earnings in the first year\n"
    "after the purchase, which it will finance from its own funds.\n"
    " Reuter\n"
)
PAGE = (
    "Northwind Industries said on Monday it had agreed to acquire Harbor Mills for $46 million in cash.\n"
    "The deal is expected to close in the second quarter, the company said in a statement to the exchange.\n"
    "Analysts welcomed the purchase.\n"
)


def test_wire_copy_is_joined_but_paragraphs_stay():
    out = unwrap_hard_wraps(WIRE)
    assert looks_hard_wrapped(WIRE)
    assert "for 46 mln dlrs in cash" in out
    assert "agreed to acquire" in out
    assert "\n    The company said" in out  # an indented line starts a paragraph
    assert "NORTHWIND TO BUY HARBOR MILLS\n\n" in out


def test_page_text_is_returned_unchanged():
    assert not looks_hard_wrapped(PAGE)
    assert unwrap_hard_wraps(PAGE) is PAGE
    short = "one line\nanother line\n"
    assert unwrap_hard_wraps(short) is short


@given(st.text(alphabet=st.sampled_from("ab .\n  xyz"), max_size=400))
def test_same_length_and_only_newlines_change(text):
    out = unwrap_hard_wraps(text)
    assert len(out) == len(text)
    assert all(a == b or (a == "\n" and b == " ") for a, b in zip(text, out, strict=True))


def test_evidence_offsets_hold_on_the_stored_text():
    # The rules may read the unwrapped copy; the stored text keeps the offsets valid.
    deals = extract_deals("NORTHWIND TO BUY HARBOR MILLS", unwrap_hard_wraps(WIRE), None)
    assert deals
    for deal in deals:
        assert WIRE[deal.evidence_start : deal.evidence_end].replace("\n", " ") == deal.evidence
