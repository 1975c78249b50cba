"""The one Beam metrics namespace of dealstream, and how a finished run's counters are read back."""

from __future__ import annotations

from apache_beam.metrics.metric import MetricsFilter

METRICS_NAMESPACE = "dealstream"


def counter_value(result, name: str) -> int:
    """Sum of one dealstream counter over every worker (committed where the runner has it)."""
    counters = result.metrics().query(MetricsFilter().with_namespace(METRICS_NAMESPACE).with_name(name))["counters"]
    return sum(c.committed if c.committed is not None else c.attempted for c in counters)
