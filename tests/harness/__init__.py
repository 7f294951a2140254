"""The test harness: one render helper, the schema validators and the scenario matrix."""
