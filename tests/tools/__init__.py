"""Tests of the host tools (tools/forklab, tools/forklablib): python3 -m unittest discover -s tests/tools"""
