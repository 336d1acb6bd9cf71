"""The Gradio layer: one module per tab, each built by a function from a ``Services`` object.

This is the only package under ``components`` that imports gradio.
"""
