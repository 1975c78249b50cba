"""HTTP for feeds and pages: client, content decoding, address guard, politeness, robots.txt."""
