"""The version of vetsim: a leaf module, so that every layer can stamp its outputs without importing the package root."""

__version__ = "0.1.0"

__all__ = ["__version__"]
