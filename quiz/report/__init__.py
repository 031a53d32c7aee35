"""The report wing: what a learner reads.

One attempt's results (`attempt_result`: estimates, gaps, readiness, the review), the verdict and
the other plain sentences (`summary`), the tables the Results page and the offline report share
(`result_tables`), progress over attempts (`history`), the training plan (`planning`), plotly
figures (`charts`), the offline HTML report (`offline_report`) and the item-health report of a
calibration (`calibration_report`).

The top floor: may import every other wing (store, measure, content) and `quiz.messages`; nothing
in `quiz/` imports it except the CLI. Streamlit pages (`app_pages/`) sit above it.
"""
