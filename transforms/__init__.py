"""dealstream stages: pure rule functions and the thin Beam transforms around them."""
