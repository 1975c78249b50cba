"""Investment stories and their deals: classification, story reading, field extraction."""
