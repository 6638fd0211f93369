"""Checks: small generator functions over parsed values, grouped by layer.

A check never prints, never reads a file and never raises for bad data: it
yields `Problem`s that name a rule code, a JSON Pointer and a message.  The
run (`validator.run`) locates them in their file and makes them findings.
"""
