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
