"""Figures about practice for supervisors (their teams) and practice leads (regions, the agency).

Every figure is defined once (definitions.py: name, one-sentence definition, the rule) and
computed by one function (compute.py) for the pages, the CSV and the API. Practice leads see
aggregates only, under Stats NZ-style confidentiality (confidentiality.py); periods are fixed
calendar months, quarters and years (periods.py).
"""
