"""The catalogue: what a topic declares (charts, parameters, cards, claim metrics) and the
lookups derived from every topic."""
