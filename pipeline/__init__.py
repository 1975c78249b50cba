"""dealstream pipeline: options, CLI, graph assembly, sources and sinks."""

__version__ = "0.1.0"
