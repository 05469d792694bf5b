"""The labelled /whoknows query set and the harness that scores the search against it."""
