"""The store wing: persistence and accounts, behind one small interface.

The database and its one door, `Store` (`database`, with the tables in `tables` and the Alembic
migrations in `alembic/`), an attempt as the app sees it (`attempt`), accounts and sign-in
(`accounts`), exports and the checked import of a history (`export`, `history_import`), an adaptive
attempt over the store (`adaptive_flow`) and re-fitting item parameters from stored answers
(`recalibrate`).

Imports the measure and content wings (and `quiz.messages`), never the report wing.
"""
