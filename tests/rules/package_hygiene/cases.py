"""Base-image lines the package-hygiene rule tests start their snippets with, and fix helpers."""

from __future__ import annotations

from imagelint.fixer import fix_text
from imagelint.fixes import Fix
from imagelint.rule import registered_rules
from imagelint.settings import Settings
from tests.support.helpers import catches

DEB = "FROM debian:12-slim\n"
ALPINE = "FROM alpine:3.22\n"
PY = "FROM python:3.13-slim\n"
NODE = "FROM node:22-slim\n"
EL = "FROM rockylinux:9\n"


def fixed(code: str, text: str, *, unsafe: bool = False) -> str:
    """``text`` after ``imagelint fix`` (``--unsafe``) with one rule; fixing that again changes nothing."""
    rules = [registered_rules()[code]]
    once = fix_text(text, "Dockerfile", rules, Settings(), unsafe=unsafe).fixed
    assert fix_text(once, "Dockerfile", rules, Settings(), unsafe=unsafe).fixed == once, "fixing twice changed more"
    return once


def fix_of(code: str, text: str) -> Fix | None:
    """The fix of the rule's first finding on ``text``."""
    return catches(code, text)[0].fix
