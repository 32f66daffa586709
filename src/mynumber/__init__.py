"""mynumber: Japan's My Number system (マイナンバー制度), from moving in to leaving Japan."""

__version__ = "0.1.0"
