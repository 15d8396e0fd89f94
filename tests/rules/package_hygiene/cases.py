"""Base-image lines the package-hygiene rule tests start their snippets with."""

from __future__ import annotations

DEB = "FROM debian:12-slim\n"
ALPINE = "FROM alpine:3.22\n"
PY = "FROM python:3.13-slim\n"
NODE = "FROM node:22-slim\n"
EL = "FROM rockylinux:9\n"
