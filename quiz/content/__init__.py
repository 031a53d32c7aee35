"""The content wing: what a question, skill, profile and training module are, and the bank they make.

Reading and validating the YAML files (`content_file`, `yaml_cache`), the immutable `Bank` (`bank`),
the content lint (`lint`), running executable answer keys (`verify`), blind level ratings
(`level_agreement`) and the calibration file (`calibration_file`).

The ground floor: it imports nothing from the other wings (measure, store, report), only
`quiz.messages` where it needs a sentence.
"""
