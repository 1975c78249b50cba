"""``dealstream report DIR``: one self-contained, offline HTML page of what DIR's tables hold."""
