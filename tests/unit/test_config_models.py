"""Environment defaults and cross-references on the root model."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from cockpit.config.environments import Protection
from cockpit.config.models import CockpitConfig


def test_production_by_name_defaults_to_typed() -> None:
    cfg = CockpitConfig.model_validate({"environments": {"prod": {}, "dev": {}}})
    assert cfg.environments["prod"].guard is Protection.TYPED
    assert cfg.environments["dev"].guard is Protection.NONE


def test_production_flag_defaults_to_typed() -> None:
    cfg = CockpitConfig.model_validate({"environments": {"eu-main": {"production": True}}})
    assert cfg.environments["eu-main"].guard is Protection.TYPED


def test_unknown_environment_reference_is_an_error() -> None:
    with pytest.raises(ValidationError, match="unknown environment 'nope'"):
        CockpitConfig.model_validate(
            {"environments": {"local": {}}, "ui": {"default_environment": "nope"}}
        )
