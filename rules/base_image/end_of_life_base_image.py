"""IL5006 end-of-life-base-image."""

from __future__ import annotations

from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.knowledge.base_images import end_of_life
from imagelint.rule import Rule, Violation, rule
from imagelint.rules.base_image.shared import at_image, external_stages


@rule(code="IL5006", name="end-of-life-base-image", family="base-image", severity="warning")
def end_of_life_base_image(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """Base image is a version that has reached its end of life and gets no security fixes.

    ## Why
    Once a language runtime or distribution release reaches its end of life, nobody publishes
    fixes for it: every CVE found afterwards stays in your image, and official images stop being
    rebuilt. imagelint carries a dated table (as of 2026-11) of the common ones: Python <= 3.10,
    Node.js <= 21 and odd releases, Ruby <= 3.2, PHP <= 8.1, Go <= 1.25, .NET <= 9, CentOS,
    Debian <= 11 (bullseye), Ubuntu 20.04 and older plus ended interim releases, Alpine <= 3.21,
    Fedora <= 42, Amazon Linux 1 and 2, also when the release is only named in a variant tag
    (`python:3.11-slim-buster`, `...-ubuntu20.04`, `node:20-alpine3.18`).

    ## Bad
    ```dockerfile
    FROM python:3.8-slim
    ```
    ```dockerfile
    FROM node:16-alpine
    ```
    ```dockerfile
    FROM centos:7
    ```
    ```dockerfile
    FROM python:3.12-slim-buster
    ```
    ```dockerfile
    ARG UBUNTU=20.04
    FROM ubuntu:${UBUNTU}
    ```

    ## Good
    ```dockerfile
    FROM python:3.13-slim
    ```
    ```dockerfile
    FROM node:22-bookworm-slim
    ```
    ```dockerfile
    FROM ubuntu:24.04
    ```
    ```dockerfile
    FROM python:3
    ```

    ## Fix
    Move to a supported release (the message names one); for a distribution, rebuild on the next
    release and re-test your package list.
    """
    for stage in external_stages(ctx):
        base = stage.base
        eol = end_of_life(base)
        if eol is None:
            continue
        yield at_image(
            stage,
            f"base image '{base.resolved}' is {eol.what}, end of life {eol.when} (no security fixes); use {eol.advice}",
        )
