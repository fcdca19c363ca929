import logging

import rashomon
from rashomon import errors, model


def test_public_api_is_complete_and_importable():
    for name in rashomon.__all__:
        assert hasattr(rashomon, name), name
    for module in (errors, model):
        public = {n for n in dir(module) if not n.startswith("_") and n[0].isupper()}
        defined = {
            n for n in public if getattr(getattr(module, n), "__module__", "") == module.__name__
        }
        assert defined <= set(module.__all__), defined - set(module.__all__)


def test_library_logger_has_a_null_handler():
    handlers = logging.getLogger("rashomon").handlers
    assert any(isinstance(h, logging.NullHandler) for h in handlers)


def test_every_input_error_has_a_reason_code():
    for cls in vars(errors).values():
        if isinstance(cls, type) and issubclass(cls, errors.InputError):
            assert cls.reason and " " not in cls.reason
