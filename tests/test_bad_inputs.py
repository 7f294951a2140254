"""Bad values never render: each case fails, and the message names the value at fault.

The cases are data, in tests/harness/bad_inputs.py: what each one gives helm (a values dict, `--set`
items, a release or namespace name) and the texts its error message must contain.
"""

import pytest

from tests.harness.bad_inputs import BAD_INPUTS, BadInput
from tests.harness.render import render_error


def test_there_are_at_least_forty_distinct_bad_inputs():
    ids = [case.id for case in BAD_INPUTS]
    assert len(ids) == len(set(ids)) >= 40


@pytest.mark.parametrize("case", BAD_INPUTS, ids=lambda case: case.id)
def test_bad_input_is_refused_with_a_message_naming_it(case: BadInput):
    stderr = render_error(case.values, case.sets, release=case.release, namespace=case.namespace)
    for text in case.error_contains:
        assert text in stderr, f"{text!r} not in:\n{stderr}"
