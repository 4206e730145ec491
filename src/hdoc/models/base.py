"""The base of hdoc's API models: camelCase on the wire, snake_case in Python."""

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel


class ApiModel(BaseModel):
    """A model the API sends or receives as camelCase JSON."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, frozen=True)


class RequestModel(ApiModel):
    """A request body: camelCase, and unknown fields are refused."""

    model_config = ConfigDict(extra="forbid")
