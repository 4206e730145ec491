"""dal/dynamo.py speaks plain Python to botocore's client: values go in and come back unchanged, as
boto3's own (de)serializer would give them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hdoc.dal.dynamo import encode_transaction, from_attribute, key_equals, to_attribute

values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.text(max_size=20)
    | st.binary(max_size=10),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


@given(values)
def test_a_value_comes_back_as_it_went_in(value):
    assert from_attribute(to_attribute(value)) == value


def test_the_attribute_values_are_dynamodbs():
    assert to_attribute("a") == {"S": "a"}
    assert to_attribute(7) == {"N": "7"}
    assert to_attribute(True) == {"BOOL": True}
    assert to_attribute(None) == {"NULL": True}
    assert to_attribute({"tags": ["x"]}) == {"M": {"tags": {"L": [{"S": "x"}]}}}
    assert to_attribute({"a", "b"}) == {"SS": ["a", "b"]}
    assert from_attribute({"N": "1.5"}) == Decimal("1.5")
    assert from_attribute({"N": "12"}) == 12


def test_what_dynamodb_cannot_hold_is_refused():
    with pytest.raises(TypeError):
        to_attribute(object())
    with pytest.raises(TypeError):
        to_attribute({1, "a"})


def test_a_transaction_and_a_key_condition_carry_attribute_values():
    (put,) = encode_transaction(
        [{"Put": {"TableName": "t", "Item": {"pk": "a", "n": 1}, "ExpressionAttributeValues": {":v": 2}}}]
    )
    assert put["Put"]["Item"] == {"pk": {"S": "a"}, "n": {"N": "1"}}
    assert put["Put"]["ExpressionAttributeValues"] == {":v": {"N": "2"}}
    assert put["Put"]["TableName"] == "t"
    assert key_equals("pk", "x")["ExpressionAttributeValues"] == {":key": "x"}
