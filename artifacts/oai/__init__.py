"""OAI-PMH 2.0 at /oai/: other archives and aggregators harvest the public records as
Dublin Core (oai_dc).

- protocol.py: the protocol's vocabulary: verbs and their arguments, errors, datestamps.
- tokens.py: stateless, signed resumption tokens.
- records.py: which records a harvest sees (public ones, plus withdrawn ones as deleted
  headers) and the Dublin Core mapping documented in the README.
- views.py: the endpoint, writing the XML responses.
"""
