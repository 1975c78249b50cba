"""The investor ranker's candidates: spans no label takes for an investor never compete."""

from __future__ import annotations


def test_places_sums_and_function_words_are_never_investor_candidates():
    from transforms.deals.investor_rank import never_an_investor

    for span in ("KENYA", "Singapore", "Japan’s", "990-million-U.S.-dollar", "5 billion", "Further", "Two",
                 "Download", "Halden Singapore Industrial Park", "Ruritanian Industrial Parks Development Corporation",
                 "Kelso Special Economic Zone", "Financial Instruments and Exchange Act"):
        assert never_an_investor(span), span
    for span in ("Zimbabwe government", "Sequoia China", "China Evergrande Group", "3M", "Indian Oil Corp",
                 "Parkway Holdings", "Zone Capital", "Act Holdings"):
        assert not never_an_investor(span), span


def test_a_speaker_after_an_honorific_is_no_candidate():
    from transforms.deals.investor_rank import investor_candidates
    from transforms.deals.story import analyse, best_candidate

    story = analyse("Kelso mine in $700m expansion", "Speaking when he toured the Kelso Copper Mine, Mr Tarrow said "
                    "the future of the industry remains bright, citing the new $700 million expansion project.")
    cand = best_candidate(story)
    assert cand is not None
    names = [c.text for c in investor_candidates(story, cand, "Tarrow", None)]
    assert "Tarrow" not in names
    other = analyse("Kelso to expand", "Tarrow Holdings said the new $700 million expansion project will start soon.")
    assert "Tarrow Holdings" in [c.text for c in investor_candidates(other, best_candidate(other), "Tarrow Holdings", None)]
