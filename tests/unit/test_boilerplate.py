import pytest

from transforms.text.boilerplate import strip_tail

STORY = (
    "Acme Corp said on Monday it will invest $50 million in a new plant in Kenya.\n\n"
    "The plant will employ 400 people and open in 2026, the company said in a statement.\n\n"
    "Acme already runs two factories in the region and exports to ten countries."
)


def test_seed_tail_is_cut(seed_text):
    body = seed_text.split("\n", 1)[1]
    stripped = strip_tail(body)
    assert stripped.endswith("commitment of Whale Cloud and Ali Baba Group.")
    assert "Must Read" not in stripped and "$300 billion" not in stripped
    assert stripped in body  # only removed, never rewritten


@pytest.mark.parametrize(
    "heading",
    ["Must Read", "Also Read", "Read more", "READ MORE:", "Related", "Related Articles", "Recommended",
     "You may also like", "More from Business", "Next In Business News", "Most Read"],
)
def test_trailing_sidebar_blocks_are_cut(heading):
    text = STORY + f"\n\n{heading}\n\nOther company buys rival for $2bn\n\nMarkets close higher on oil rally"
    assert strip_tail(text) == STORY


def test_related_developments_subheading_stays():
    text = (
        STORY
        + "\n\nRelated developments\n\n"
        + "Separately, the government said it would cut import duties on machinery from next year.\n\n"
        + "Officials expect the change to attract a further $200 million of investment."
    )
    assert strip_tail(text) == text


def test_heading_followed_by_story_paragraph_stays():
    text = STORY + "\n\nRelated\n\nThe company also said it would hire 200 engineers in Nairobi next year."
    assert strip_tail(text) == text


def test_inline_promo_lines_are_removed_but_story_continues():
    text = (
        "Acme Corp will invest $50 million in a plant.\n\n"
        "Also Read: Rival unveils $1bn expansion plan\n\n"
        "The plant will employ 400 people, the company said."
    )
    assert strip_tail(text) == (
        "Acme Corp will invest $50 million in a plant.\n\nThe plant will employ 400 people, the company said."
    )


def test_leading_must_read_block_is_dropped_and_story_kept():
    text = (
        "Must Read\n\nMinister opens new highway\n\nGold prices hit record\n\n"
        + STORY
        + "\n\nThe company's shares rose 3% on the news, extending gains for the week to 8 percent overall."
    )
    result = strip_tail(text)
    assert result.startswith("Acme Corp said on Monday")
    assert "Gold prices" not in result and result.endswith("8 percent overall.")


def test_plain_story_unchanged():
    assert strip_tail(STORY) == STORY
    assert strip_tail("") == ""
