"""Proper-name runs: a capitalised particle that starts a name belongs to it; an edge connector does not."""

from __future__ import annotations

import pytest

from transforms.entities.orgs import name_runs


@pytest.mark.parametrize(("text", "want"), [
    ("Du Marsac Co said it bought a stake.", ["Du Marsac Co"]),
    ("Analysts at Van Leer said so.", ["Van Leer"]),
    ("De Marsac Holdings bought a stake.", ["De Marsac Holdings"]),
    ("And Acme said it would buy Bolt.", ["Acme", "Bolt"]),
    ("Of Acme and Bolt, only one bid.", ["Acme and Bolt"]),
])
def test_leading_particles(text: str, want: list[str]) -> None:
    assert [r.text for r in name_runs(text, 0, len(text))] == want
