"""What a run did: outcome counts, the run manifest, the printed summary."""
