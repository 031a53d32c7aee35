"""The measure wing: the item response model and everything that turns answers into estimates or
picks the next question.

The 2PL model and its posterior on a grid (`irt`), scoring an answer and a fixed form (`scoring`),
assembling a fixed form (`assemble`), the adaptive session and its stop rule (`adaptive`), fitting
item parameters from answers (`calibration`) and item statistics (`item_health`).

Pure functions of their inputs, no I/O. Imports only the content wing (and `quiz.messages`).
"""
