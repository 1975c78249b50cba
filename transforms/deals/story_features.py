"""Named features of a story for the learned is_investment model: the rules' parts, not their sum.

The hand-set story score (``story.score_candidate``) adds fixed weights for a trigger, a named
actor, commitment words, an amount and the hard-negative cue families. Here each of those parts
is its own feature, with the cue families counted in the headline, the lead and the body apart,
plus entity types of the headline and lead from the statistical NER and the phrasings of
attribution and intent that LABELS.md rules negative. The model learns their weights. No feature
names a company: every value comes from cue lists, entity types and the shape of the text.
"""

from __future__ import annotations

import math
import re

from transforms.deals.cues import cue_families, cue_hits, find_triggers
from transforms.deals.story import Story, best_candidate, is_firm
from transforms.entities.money import find_money

LEAD_CHARS = 600


def lead_text(title: str | None, body: str) -> str:
    """Headline and lead: where LABELS.md decides what a story is about (one parse serves the
    masking, the entity counts and the investor candidates)."""
    return f"{title or ''}\n{(body or '')[:LEAD_CHARS]}"
TRIGGER_KINDS = ("acquisition", "stake", "joint_venture", "funding_round", "invest", "build", "sold_to")
RULE_FLAGS = ("nominal_trigger", "anaphora", "government_spending", "no_named_investor", "named_syndicate")
ENTITY_TYPES = ("ORG", "PERSON", "GPE", "NORP", "MONEY", "PERCENT", "DATE", "CARDINAL")

# Phrasings LABELS.md reads as not-yet-a-deal, beyond the cue lists: attribution to unnamed
# sources, forecasts, approvals of a deal already made, own-share buy-backs, fund closes.
_PATTERNS = {
    "attribution": r"people\s+familiar|familiar\s+with\s+the\s+matter|sources?\s+(?:said|say|told|close)|"
    r"according\s+to\s+(?:people|sources|a\s+person|reports?|media)|reportedly|is\s+said\s+to|are\s+said\s+to|"
    r"said\s+to\s+(?:be|raise|lead|invest|buy)|\s[-–]\s*(?:sources?|paper|report|media|newspaper)\s*$",
    "expectation": r"(?:is|are)\s+(?:expected|likely|set|poised|close)\s+to|looks\s+set\s+to|"
    r"(?:is|are)\s+(?:preparing|seeking|looking|mulling|weighing|studying|exploring|considering)\b|"
    r"has\s+expressed\s+interest|proposes?\s+to|in\s+(?:advanced\s+)?talks",
    "approval": r"\b(?:regulators?|competition\s+(?:body|authority|commission)|antitrust|cabinet|watchdog)\b|"
    r"\b(?:approves?|approved|clears?|cleared|blocks?|blocked|prohibits?)\b",
    "buyback": r"own\s+shares|treasury\s+(?:stock|shares)|buy-?back|tender\s+offer|repurchase",
    "fund_close": r"(?:closes?|closed|close\s+of|raises?|raised)\s+(?:its\s+|a\s+)?(?:\w+\s+){0,3}fund\b|"
    r"\bfund\s+(?:i|ii|iii|iv|v|vi)\b|limited\s+partners|\bLPs\b",
    "aggregate": r"\b(?:mous|memoranda|agreements\s+worth|companies|firms|investors|deals|projects)\b",
    "completion": r"\b(?:opens?|opened|inaugurat\w+|completes?|completed|concludes?|concluded|seals?|sealed|"
    r"closes?\s+(?:the\s+)?(?:deal|acquisition|purchase|sale)|begins?\s+(?:production|operations))\b",
    "seller": r"\b(?:sells?|sold|divests?|divested|disposes?|disposal|exits?|offloads?)\b",
    "digest": r"\b(?:digest|round-?up|week\s+in\s+review|weekly|today\s+in|briefs?|deals\s+buzz|updates)\b",
    "negation": r"\b(?:not|no|never|cancels?|cancelled|canceled|scraps?|scrapped|shelves|shelved|halts?|"
    r"suspends?|puts?\s+\w+\s+on\s+hold|on\s+hold|calls?\s+off|drops?\s+(?:its\s+)?(?:bid|plan))\b",
}
_COMPILED = {k: re.compile(v, re.IGNORECASE) for k, v in _PATTERNS.items()}


def feature_names() -> list[str]:
    """Every feature ``story_features`` can emit, in a fixed order (the model's dense columns)."""
    names = ["rule_logit", "has_candidate", "cand_score", "cand_money", "cand_commit", "cand_position",
             "cand_investor", "title_trigger", "title_len", "lead_money", "body_len"]
    names += [f"trig:{k}" for k in TRIGGER_KINDS] + [f"flag:{f}" for f in RULE_FLAGS]
    for fam in cue_families():
        names += [f"title_cue:{fam}", f"lead_cue:{fam}", f"body_cue:{fam}"]
    names += ["title_cue:speculative_firm", "lead_cue:speculative_firm"]
    for key in _PATTERNS:
        names += [f"title_pat:{key}", f"lead_pat:{key}"]
    for label in ENTITY_TYPES:
        names += [f"title_ent:{label}", f"lead_ent:{label}"]
    return names


def story_features(story: Story, rule_score: float | None = None) -> dict[str, float]:
    """Named feature values of an analysed story (absent features are 0)."""
    title = story.title
    text = story.text
    lead = " ".join(story.sentence(i) for i in story.lead)[:LEAD_CHARS]
    f: dict[str, float] = {"title_len": min(len(title.split()), 30) / 30.0,
                           "body_len": math.log1p(len(text.split())) / 10.0}
    cand = best_candidate(story)
    firm = cand is not None and is_firm(cand.span.of(text))
    _candidate_features(story, f, rule_score)
    f["title_trigger"] = 1.0 if find_triggers(title) else 0.0
    f["lead_money"] = 1.0 if find_money(lead, None, None) else 0.0
    for fam in cue_families():
        if fam in ("not_amount", "amount_context_bad", "amount_context_good"):
            continue
        # as in the rules, a speculative word beside a firm commitment is not the same signal
        key = f"{fam}_firm" if fam == "speculative" and firm else fam
        _set(f, f"title_cue:{key}", 1.0 if cue_hits(fam, title) else 0.0)
        _set(f, f"lead_cue:{key}", 1.0 if cue_hits(fam, lead) else 0.0)
        _set(f, f"body_cue:{fam}", math.log1p(len(cue_hits(fam, text[:20000]))))
    for key, pat in _COMPILED.items():
        _set(f, f"title_pat:{key}", 1.0 if pat.search(title) else 0.0)
        _set(f, f"lead_pat:{key}", min(len(pat.findall(lead)), 3) / 3.0)
    _entity_features(title, lead_text(title, text), f)
    return f


def _candidate_features(story: Story, f: dict[str, float], rule_score: float | None) -> None:
    cand = best_candidate(story)
    if rule_score is not None:
        p = min(max(rule_score, 1e-4), 1 - 1e-4)
        f["rule_logit"] = math.log(p / (1 - p)) / 4.0
    if cand is None:
        return
    f["has_candidate"] = 1.0
    f["cand_score"] = max(min(cand.score, 8.0), -8.0) / 4.0
    f["cand_money"] = 1.0 if cand.money else 0.0
    f["cand_investor"] = 1.0 if cand.investor is not None else 0.0
    f["cand_position"] = float(story.lead.index(cand.index)) if cand.index in story.lead else 0.0
    sent = cand.span.of(story.text)
    f["cand_commit"] = 1.0 if cue_hits("commitment", sent) else 0.0
    f[f"trig:{cand.trigger.kind}"] = 1.0
    for flag in RULE_FLAGS:
        if flag in cand.reasons:
            f[f"flag:{flag}"] = 1.0


def _entity_features(title: str, lead: str, f: dict[str, float]) -> None:
    from transforms.nlp.entities import entities

    for where, text in (("title", title), ("lead", lead)):
        counts: dict[str, int] = {}
        for ent in entities(text):
            counts[ent.label] = counts.get(ent.label, 0) + 1
        for label in ENTITY_TYPES:
            _set(f, f"{where}_ent:{label}", min(counts.get(label, 0), 4) / 4.0)


def _set(f: dict[str, float], name: str, value: float) -> None:
    if value:
        f[name] = float(value)
