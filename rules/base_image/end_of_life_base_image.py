"""IL5006 end-of-life-base-image."""

from __future__ import annotations

from collections.abc import Iterator

from imagelint.context import LintContext
from imagelint.knowledge.end_of_life import end_of_life
from imagelint.rule import Rule, Violation, rule
from imagelint.rules.base_image.shared import at_image, external_stages


@rule(code="IL5006", name="end-of-life-base-image", family="base-image", severity="warning", instructions=("FROM",))
def end_of_life_base_image(ctx: LintContext, rule: Rule) -> Iterator[Violation]:
    """Base image is a version that has reached its end of life and gets no security fixes.

    ## Why
    Once a language runtime, server or distribution release reaches its end of life, nobody
    publishes fixes for it: every CVE found afterwards stays in your image, and official images
    stop being rebuilt. imagelint carries a dated table of the common ones, also matched when the
    release is only named in a variant tag (`python:3.11-slim-buster`, `...-ubuntu20.04`,
    `node:20-alpine3.18`, `elixir:1.16-otp-24`, `gradle:8.10-jdk23`). A test fails once the table
    was last checked more than six months ago, so it is kept current.

    ## Dates
    Checked on 2026-12-02 against each project's published lifecycle (the dates endoflife.date
    also lists). A release whose end is announced but whose date is not confirmed is left out.

    | Image | Ended (as of the check) | Source |
    |---|---|---|
    | `python` | 2.x, 3.0-3.10 (3.10: 2026-10-31) | python.org release PEPs (PEP 602) |
    | `node` | 0.x-21 and odd releases, 23, 25 (20: 2026-04-30) | nodejs/Release schedule |
    | `ruby` | 1.x-3.2 (3.2: 2026-03-31) | ruby-lang.org maintenance branches |
    | `php` | 5.x-8.1 (8.1: 2025-12-31) | php.net supported versions |
    | `golang` | 1.18-1.25 (1.25: 2026-08-11) | Go release policy: the two newest minors |
    | `mcr.microsoft.com/dotnet/*` | .NET 1-9 (8 and 9: 2026-11-10) | .NET support policy |
    | `eclipse-temurin`, JDK tags of `gradle`, `maven`, `tomcat`, `jetty`, `clojure`, `groovy`, `jruby`, `flink`, `storm` | Java releases that are not LTS, once the next one shipped | Eclipse Adoptium support roadmap |
    | `erlang`, `elixir:*-otp-N` | OTP 17-25 (25: 2025-05-21) | erlang.org: the three newest majors |
    | `elixir` | 1.5-1.13 (1.13: 2024-12-19) | elixir-lang.org: security fixes for the five newest minors |
    | `gradle` | 4-7 (7: 2025-07-31) | gradle.org feature lifecycle: current and previous major |
    | `postgres` | 9.3-14 (14: 2026-11-12) | postgresql.org versioning policy |
    | `mysql` | 5.5, 5.6, 5.7, 8.0 (8.0: 2026-04-30) | Oracle lifetime support policy |
    | `mariadb` | 10.2-10.6 (10.6: 2026-07-06) | mariadb.org maintenance policy |
    | `mongo` | 3.6-6.0 (6.0: 2025-07-31) | MongoDB software lifecycle schedules |
    | `tomcat` | 6, 7, 8.0, 8.5, 10.0 (8.5: 2024-03-31) | tomcat.apache.org end-of-life notices |
    | `alpine` | 3.21 and older (3.21: 2026-11-01) | alpinelinux.org releases |
    | `debian` | 10 (buster) and older, 11 (bullseye: 2026-08-31) | Debian LTS wiki |
    | `ubuntu` | 20.04 and older LTS, ended interim releases | Ubuntu release cycle |
    | `fedora` | 36-42 (42: 2026-05-13) | Fedora schedule |
    | `centos`, CentOS Stream 8, UBI 7 | all CentOS Linux; Stream 8: 2024-05-31 | CentOS and Red Hat lifecycle pages |
    | `amazonlinux` | 1 and 2 (2: 2026-06-30) | Amazon Linux FAQ |

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
    ```dockerfile
    FROM erlang:25-alpine
    ```
    ```dockerfile
    FROM gradle:8.10-jdk23 AS build
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
    ```dockerfile
    FROM gradle:8.10-jdk21 AS build
    ```
    ```dockerfile
    FROM elixir:1.18-otp-27-alpine
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
