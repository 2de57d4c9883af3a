"""The bottom layer: values and grammars several packages share (health model, conditions,
filter patterns, durations, paths). It imports nothing of the cockpit but :mod:`cockpit.text`."""
