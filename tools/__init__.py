"""Developer tools and evaluation harnesses (not installed with the package)."""
