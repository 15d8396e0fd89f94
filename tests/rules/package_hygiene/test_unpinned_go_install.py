"""IL6017 unpinned-go-install: go install without a version."""

from __future__ import annotations

import pytest

from tests.support.helpers import catches, passes

GO = "FROM golang:1.26\n"


@pytest.mark.parametrize(
    "run",
    [
        "RUN go install golang.org/x/tools/gopls@v0.16.1",
        "RUN go install github.com/x/y/cmd/z@8f3c1a2",
        "RUN go install ./cmd/...",
        "RUN go install github.com/GoogleCloudPlatform/docker-credential-gcr/v2",  # version from go.mod
        "RUN go run github.com/google/wire/cmd/wire@v0.6.0",  # hadolint#1134
        "RUN go install github.com/x/y@${Y_VERSION}",
        "RUN go get ./... && go mod download",
        "RUN go build -o /app ./cmd/app",
    ],
)
def test_go_pin_passes(run):
    passes("IL6017", GO + run)


@pytest.mark.parametrize(
    "run",
    [
        "RUN go install golang.org/x/tools/gopls@latest",
        "RUN go install github.com/x/y@master",
        "RUN go run github.com/x/y/cmd/gen@main",
        "RUN go get github.com/spf13/cobra",
        "RUN go get -u -v github.com/golang/lint/golint",
    ],
)
def test_go_pin_catches(run):
    catches("IL6017", GO + run)
