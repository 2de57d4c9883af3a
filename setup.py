"""Package layout that pyproject.toml cannot express alone.

The shipped themes live in ``themes/`` at the repository root (easy to find and copy) and install
as the package ``cockpit.themes``.
"""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages("src"), "cockpit.themes"],
    package_dir={"": "src", "cockpit.themes": "themes"},
)
