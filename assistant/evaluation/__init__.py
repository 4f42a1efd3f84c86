"""Measuring the pipeline: evaluate.py (`assistant eval`, `assistant calibrate`) and bench.py
(`assistant bench`)."""
