"""pydantic, as the app imports it: loaded whole by the first thread that needs it while any
other thread waits.

PySide6 looks into every module imported after it (``inspect.getsource``), and asking a pydantic
module for an attribute it lacks makes pydantic import more of itself. When two threads load
pydantic at the same moment (at start, the first worklist read reads the recovery policy while
the first sync loads the wire protocol), one of them can meet the other's half-imported module
and fail with a circular ImportError. So the app takes pydantic's names from here and nowhere
else (an import-linter contract): Python runs this body once, and a second thread importing it
waits until pydantic is whole.

Doorstep uses no pydantic plugins, so pydantic is told not to look for any: looking reads every
installed package's entry points, a few hundredths of a second of each start.
"""

import os

os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

import pydantic._internal._validators  # noqa: F401  (what a missing attribute's lookup imports)
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainValidator,
    ValidationError,
    create_model,
    field_validator,
    model_validator,
)
from pydantic.fields import FieldInfo
from pydantic_core import PydanticCustomError

__all__ = [
    "AfterValidator",
    "AwareDatetime",
    "BaseModel",
    "BeforeValidator",
    "ConfigDict",
    "Field",
    "FieldInfo",
    "PlainValidator",
    "PydanticCustomError",
    "ValidationError",
    "create_model",
    "field_validator",
    "model_validator",
]
