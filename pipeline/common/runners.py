"""Which Beam runner a run gets by default, and which runners execute on this machine."""

# The in-process runner: an unpinned DirectRunner first tries to download Prism.
DEFAULT_RUNNER = "FnApiRunner"
# Runners that execute locally: an unbounded streaming source never lets them finish.
LOCAL_RUNNERS = frozenset({"FnApiRunner", "DirectRunner", "BundleBasedDirectRunner", "SwitchingDirectRunner"})
