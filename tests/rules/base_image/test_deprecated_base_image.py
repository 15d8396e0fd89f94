"""IL5007 deprecated-base-image: deprecated images and their maintained successors."""

from __future__ import annotations

import pytest

from tests.support.helpers import catches, passes


@pytest.mark.parametrize(
    "text",
    [
        "FROM eclipse-temurin:21-jre",
        "FROM amazoncorretto:21",
        "FROM jenkins/jenkins:lts-jdk21",
        "FROM mcr.microsoft.com/windows/servercore:ltsc2022",
        "FROM myregistry.example.com/openjdk:17",  # a private mirror keeps its own lifecycle
        "FROM python:3.13-slim",
    ],
)
def test_deprecated_passes(text):
    passes("IL5007", text)


@pytest.mark.parametrize(
    "text",
    [
        "FROM docker.io/library/openjdk:21-jdk",
        "FROM java:8",
        "FROM adoptopenjdk/openjdk11:alpine",
        "FROM jenkins:2.60.3",
        "FROM microsoft/windowsservercore:1803",
        "FROM node:8-onbuild",
    ],
)
def test_deprecated_catches(text):
    assert "deprecated" in catches("IL5007", text)[0].message
