"""IL5006 end-of-life-base-image: end-of-life versions by image, ARG defaults and Docker Hub mirrors."""

from __future__ import annotations

import pytest

from tests.support.helpers import catches, passes


@pytest.mark.parametrize(
    ("text", "what"),
    [
        ("FROM python:2.7-slim", "Python 2"),
        ("FROM python:3.10.15-alpine", "Python 3.10"),
        ("FROM node:hydrogen-slim", "Node.js 18"),
        ("FROM node:0.10", "Node.js 0.10"),
        ("FROM node:25-alpine", "Node.js 25"),
        ("FROM debian:bullseye-slim", "Debian 11"),
        ("FROM debian:10.13", "Debian 10"),
        ("FROM ubuntu:focal-20240123", "Ubuntu 20.04"),
        ("FROM ubuntu:25.04", "Ubuntu 25.04"),
        ("FROM nvidia/cuda:11.8.0-runtime-ubuntu20.04", "Ubuntu 20.04"),
        ("FROM alpine:3.19.1", "Alpine 3.19"),
        ("FROM node:20-alpine3.18", "Node.js 20"),
        ("FROM ruby:3.3-alpine3.18", "Alpine 3.18"),
        ("FROM centos", "CentOS Linux"),
        ("FROM quay.io/centos/centos:stream8", "CentOS Stream 8"),
        ("FROM golang:1.24-bookworm", "Go 1.24"),
        ("FROM mcr.microsoft.com/dotnet/aspnet:8.0-jammy", ".NET 8"),
        ("FROM amazonlinux:2", "Amazon Linux 2"),
        ("FROM fedora:41", "Fedora 41"),
        ("FROM eclipse-temurin:24-jre", "Java 24"),
        ("FROM registry.access.redhat.com/ubi7/ubi:7.9", "UBI 7"),
        ("FROM php:8.1-fpm", "PHP 8.1"),
        ("FROM erlang:25-alpine", "Erlang/OTP 25"),
        ("FROM elixir:1.12", "Elixir 1.12"),
        ("FROM elixir:1.16.3-otp-24-alpine", "Erlang/OTP 24"),
        ("FROM gradle:8.10-jdk23", "Java 23 (not an LTS release) in a gradle image"),
        ("FROM gradle:7.6-jdk11", "Gradle 7"),
        ("FROM postgres:12-alpine", "PostgreSQL 12"),
        ("FROM docker.io/library/mysql:5.7", "MySQL 5.7"),
        ("FROM mongo:4.4", "MongoDB 4.4"),
        ("FROM tomcat:8.5-jre8", "Apache Tomcat 8.5"),
    ],
)
def test_eol_catches(text, what):
    finding = catches("IL5006", text)[0]
    assert what in finding.message and "end of life" in finding.message


@pytest.mark.parametrize(
    "text",
    [
        "FROM python:3.13-slim",
        "FROM python:3",  # the newest 3.x
        "FROM node:22-bookworm-slim",
        "FROM node:24",
        "FROM debian:bookworm-slim",
        "FROM debian:12",
        "FROM ubuntu:22.04",
        "FROM ubuntu:noble",
        "FROM alpine:3.22",
        "FROM alpine:edge",
        "FROM golang:1.26-alpine3.22",
        "FROM mcr.microsoft.com/dotnet/aspnet:10.0",
        "FROM mcr.microsoft.com/dotnet/monitor:8.1",  # its own version line, not .NET's
        "FROM eclipse-temurin:21-jre",
        "FROM amazonlinux:2023",
        "FROM quay.io/centos/centos:stream9",
        "FROM myorg/python:3.8",  # not the official image
        "ARG PY\nFROM python:${PY}",
    ],
)
def test_eol_passes(text):
    passes("IL5006", text)


def test_eol_resolves_arg_defaults():
    finding = catches("IL5006", "ARG NODE_VERSION=16\nFROM node:${NODE_VERSION}-alpine\n")[0]
    assert (finding.line, finding.column) == (2, 6)


def test_eol_sees_docker_hub_mirrors():
    assert "CentOS Linux 7" in catches("IL5006", "FROM public.ecr.aws/docker/library/centos:7\n")[0].message
    catches("IL5006", "FROM mirror.gcr.io/library/python:3.8-slim\n")
    passes("IL5006", "FROM public.ecr.aws/myteam/python:3.8\n")
